package dev.simloop;

/** Run by {@link ChildJvmTest} in a child JVM (without the --add-opens flag, or with small G1 regions). */
public final class NoFlagMain {
    private NoFlagMain() {
    }

    private static Object nest(int n) throws Exception {
        if (n == 0) {
            Loop.sleep(java.time.Duration.ofSeconds(1));
            return "bottom";
        }
        return CancelScope.run(s -> nest(n - 1));
    }

    public static void main(String[] args) {
        try {
            if (args.length > 0 && args[0].equals("real")) {
                Loop.run(() -> 1);
            } else if (args.length > 0 && args[0].equals("deep")) {
                SimResult<Object> r = Simulation.run(1, () -> nest(5_000));
                System.out.println("FAILURE " + r.failure());
                System.out.println("CAUSE " + (r.failure() == null ? null : r.failure().getCause()));
            } else {
                Simulation.run(1, () -> 1);
            }
            System.out.println("NO ERROR");
        } catch (Throwable t) {
            System.out.println("ERROR " + t.getClass().getName() + ": " + t.getMessage());
        }
    }
}
