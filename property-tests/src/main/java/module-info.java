/**
 * jqwik support for simloop: arbitraries of schedules, a default provider so that
 * {@code @ForAll Schedule} needs no setup, and checks that report a failing schedule's replay line.
 */
module dev.simloop.jqwik {
    // Schedules and Simulations take and return runtime types (Schedule, Simulation.Builder,
    // Strategy) and jqwik types (Arbitrary; the provider implements ArbitraryProvider).
    requires transitive dev.simloop.runtime;
    requires transitive net.jqwik.api;

    exports dev.simloop.jqwik;

    // On the class path jqwik finds the provider through META-INF/services; on the module path
    // through this.
    provides net.jqwik.api.providers.ArbitraryProvider with dev.simloop.jqwik.ScheduleArbitraryProvider;
    // Fails a jqwik property that carries @SimulatedLoop, which jqwik would otherwise run unsimulated;
    // runs the replays of a failed check as tries of their own, with the try's lifecycle; and keeps
    // jqwik's shrinking on the run's failure, which every failed check wraps in one ScheduleFailure class.
    provides net.jqwik.api.lifecycle.LifecycleHook with dev.simloop.jqwik.internal.SimulatedLoopOnPropertyCheck,
            dev.simloop.jqwik.internal.TryReplays, dev.simloop.jqwik.internal.ShrinkingKeepsTheFailure;
}
