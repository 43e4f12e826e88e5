package dev.simloop;

/** Run by {@link AddOpensFlagTest} in a child JVM started without the --add-opens flag. */
public final class NoFlagMain {
    private NoFlagMain() {
    }

    public static void main(String[] args) {
        try {
            if (args.length > 0 && args[0].equals("real")) {
                Loop.run(() -> 1);
            } else {
                Simulation.run(1, () -> 1);
            }
            System.out.println("NO ERROR");
        } catch (Throwable t) {
            System.out.println("ERROR " + t.getClass().getName() + ": " + t.getMessage());
        }
    }
}
