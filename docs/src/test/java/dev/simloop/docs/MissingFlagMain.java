package dev.simloop.docs;

import dev.simloop.Simulation;

/**
 * Run by {@link SetupPageTest} in a child JVM without {@code --add-opens}: prints the exception
 * that the first call into simloop throws, as a test report shows it.
 */
public final class MissingFlagMain {
    private MissingFlagMain() {
    }

    /** @param args unused */
    public static void main(String[] args) {
        try {
            Simulation.run(1, () -> 1);
            System.out.println("NO ERROR");
        } catch (IllegalStateException e) {
            System.out.println(e);
        }
    }
}
