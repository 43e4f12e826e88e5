package dev.simloop;

/**
 * Run by {@link FirstRunTest} in a fresh JVM: a plain first simulation, two tasks racing through
 * checkpoints, as a user's first program would be.
 */
public final class FirstRunMain {
    private FirstRunMain() {
    }

    public static void main(String[] args) {
        int[] counter = new int[1];
        SimResult<Integer> r = Simulation.run(1, () -> TaskGroup.with(g -> {
            for (int t = 0; t < 2; t++) {
                g.spawn(() -> {
                    for (int i = 0; i < 10; i++) {
                        int v = counter[0];
                        Loop.checkpoint();
                        counter[0] = v + 1;
                    }
                });
            }
            return null;
        }) == null ? counter[0] : -1);
        System.out.println("VALUE " + r.value() + " STEPS " + r.steps());
    }
}
