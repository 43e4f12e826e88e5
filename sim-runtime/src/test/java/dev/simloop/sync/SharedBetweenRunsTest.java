package dev.simloop.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simloop.Loop;
import dev.simloop.SimResult;
import dev.simloop.Simulation;
import dev.simloop.TaskGroup;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A primitive that tasks of two runs use at once (kept in a static field, say) is refused where it
 * is used, naming the other run's task: else one run would wake or wait for tasks of the other,
 * from a thread it does not own. Run B runs inside run A's offload (Loop.toThread), so run A's
 * task is parked on the primitive, deterministically, while run B uses it.
 */
class SharedBetweenRunsTest {
    private static final String SHARED = ConditionSharedBetweenRunsTest.SHARED;

    /** Runs {@code inB} as the main of a second simulation while run A's task {@code waiter} is parked. */
    private static List<Object> whileAWaits(Runnable inA, Runnable release, Runnable inB) {
        List<Object> seen = new ArrayList<>();
        SimResult<?> a = Simulation.run(1, () -> {
            TaskGroup.with(g -> {
                g.spawn("waiter", inA::run);
                Loop.waitAllTasksBlocked(); // the waiter has parked
                SimResult<?> b = Loop.toThread(() -> Simulation.run(2, () -> {
                    inB.run();
                    return null;
                }));
                seen.add(b.failure());
                release.run();
                return null;
            });
            return null;
        });
        seen.add(a.failure());
        return seen;
    }

    @Test
    void anEventSetInAnotherRunWhileThisOneWaitsIsRefused() {
        Event e = new Event("ready");
        List<Object> seen = whileAWaits(e::await, e::set, e::set);
        assertThat((Throwable) seen.get(0)).isInstanceOf(IllegalStateException.class)
                .hasMessage("Event 'ready' (not set, 1 waiting) is waited on by task 'waiter'" + SHARED);
        assertThat(seen.get(1)).as("run A goes on, its waiter untouched").isNull();
    }

    @Test
    void aWaitInAnotherRunBesideThisOnesWaiterIsRefused() {
        Event e = new Event("ready");
        List<Object> seen = whileAWaits(e::await, e::set, e::await);
        assertThat((Throwable) seen.get(0)).isInstanceOf(IllegalStateException.class)
                .hasMessage("Event 'ready' (not set, 1 waiting) is waited on by task 'waiter'" + SHARED);
        assertThat(seen.get(1)).isNull();
    }

    @Test
    void aLockHeldInOneRunIsRefusedToAnotherRatherThanReportedAsADeadlock() {
        Lock lock = new Lock("cache");
        Event done = new Event();
        List<Object> seen = whileAWaits(() -> {
            lock.acquire();
            done.await();
            lock.release();
        }, done::set, lock::acquire);
        assertThat((Throwable) seen.get(0)).isInstanceOf(IllegalStateException.class)
                .hasMessage("Lock 'cache' is held by task 'waiter'" + SHARED);
        assertThat(seen.get(1)).isNull();
    }

    /** The try calls too: a "no" or a null would hide that the primitive is shared. */
    @Test
    void aTryAcquireOrTryReceiveInAnotherRunBesideThisOnesWaiterIsRefused() {
        Semaphore sem = new Semaphore(0, "slots");
        List<Object> seen = whileAWaits(sem::acquire, sem::release, () -> sem.tryAcquire());
        assertThat((Throwable) seen.get(0)).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("Semaphore 'slots'").hasMessageContaining("is waited on by task 'waiter'" + SHARED);
        assertThat(seen.get(1)).isNull();
        Channel<Integer> ch = new Channel<>(0, "jobs");
        seen = whileAWaits(() -> ch.receive(), () -> ch.trySend(1), () -> ch.tryReceive());
        assertThat((Throwable) seen.get(0)).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("Channel 'jobs'").hasMessageContaining("is waited on by task 'waiter'" + SHARED);
        assertThat(seen.get(1)).isNull();
    }

    private static final String LEFT = "would go on from it: what a run does would then depend on the runs before it in"
            + " this JVM, and its replay line, run alone, would not repeat it. A primitive belongs to the one run that"
            + " uses it: create it inside the program the run runs (in a @SimulatedLoop test, in a field of the test"
            + " instance or in @BeforeEach, which each schedule makes anew), not in a static field. One that every run"
            + " leaves as it found it (an event never set, every permit given back, a channel drained and open) may be"
            + " shared.";

    /** @return the failure of a simulation of {@code seed} that runs {@code body} */
    private static Throwable failureOf(long seed, Runnable body) {
        return Simulation.run(seed, () -> {
            body.run();
            return null;
        }).failure();
    }

    /**
     * One run after another, not at once: an event kept set, permits kept taken, values kept buffered
     * or a channel kept closed in a static field made each later run start from them, so a run
     * depended on the runs before it in the JVM, and its replay line, run alone, did something else
     * (an await that returned at once in an exploration waited for ever in the replay). Refused at
     * the next run's first use, naming both runs.
     */
    @Test
    void aSimulationDoesNotGoOnFromWhatAnEndedRunLeftInAPrimitive() {
        Event e = new Event("ready");
        assertThat(failureOf(1, e::set)).isNull();
        assertThat(failureOf(2, e::await)).isInstanceOf(IllegalStateException.class)
                .hasMessage("Event 'ready' (set) was left that way by another run (a simulation of seed 1), and task 'main'"
                        + " of this one (a simulation of seed 2) " + LEFT);

        Semaphore sem = new Semaphore(2, "slots");
        assertThat(failureOf(3, sem::acquire)).isNull(); // and never given back
        assertThat(failureOf(4, sem::release)).isInstanceOf(IllegalStateException.class)
                .hasMessage("Semaphore 'slots' (1 permits) was left that way by another run (a simulation of seed 3), and task"
                        + " 'main' of this one (a simulation of seed 4) " + LEFT);

        Channel<Integer> buffered = new Channel<>(2, "jobs");
        assertThat(failureOf(5, () -> buffered.send(7))).isNull();
        assertThat(failureOf(6, buffered::tryReceive)).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("Channel 'jobs' (capacity 2, 1 buffered) was left that way by another run (a"
                        + " simulation of seed 5), and task 'main' of this one (a simulation of seed 6) would go on");
        Channel<Integer> closed = new Channel<>(0, "done");
        assertThat(failureOf(7, closed::close)).isNull();
        assertThat(failureOf(8, () -> closed.trySend(1))).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("Channel 'done' (capacity 0, 0 buffered, closed) was left that way by another run");
    }

    /**
     * A query is a use too: {@code isSet()}, {@code availablePermits()}, {@code size()} and
     * {@code isClosed()} read in a task returned what an ended run had left, so a run that branched on
     * them (set the event only if it was not set yet) did what the run before it decided, and its
     * replay line, run alone, took the other branch. Refused as the other calls are; outside a task
     * (set-up, assertions after the run) they stay plain reads.
     */
    @Test
    void aQueryInATaskDoesNotReadWhatAnEndedRunLeft() {
        Event e = new Event("ready");
        assertThat(failureOf(11, e::set)).isNull();
        assertThat(e.isSet()).as("outside a task").isTrue();
        assertThat(failureOf(12, e::isSet)).isInstanceOf(IllegalStateException.class)
                .hasMessage("Event 'ready' (set) was left that way by another run (a simulation of seed 11), and task"
                        + " 'main' of this one (a simulation of seed 12) " + LEFT);

        Semaphore sem = new Semaphore(2, "slots");
        assertThat(failureOf(13, sem::acquire)).isNull();
        assertThat(failureOf(14, sem::availablePermits)).isInstanceOf(IllegalStateException.class)
                .hasMessage("Semaphore 'slots' (1 permits) was left that way by another run (a simulation of seed 13), and"
                        + " task 'main' of this one (a simulation of seed 14) " + LEFT);

        Channel<Integer> buffered = new Channel<>(2, "jobs");
        assertThat(failureOf(15, () -> buffered.send(7))).isNull();
        assertThat(failureOf(16, buffered::size)).isInstanceOf(IllegalStateException.class)
                .hasMessage("Channel 'jobs' (capacity 2, 1 buffered) was left that way by another run (a simulation of"
                        + " seed 15), and task 'main' of this one (a simulation of seed 16) " + LEFT);

        Channel<Integer> closed = new Channel<>(0, "done");
        assertThat(failureOf(17, closed::close)).isNull();
        assertThat(failureOf(18, closed::isClosed)).isInstanceOf(IllegalStateException.class)
                .hasMessage("Channel 'done' (capacity 0, 0 buffered, closed) was left that way by another run (a"
                        + " simulation of seed 17), and task 'main' of this one (a simulation of seed 18) " + LEFT);
        assertThat(closed.isClosed()).as("outside a task").isTrue();
    }

    /** A primitive that each run leaves as it found it may be kept in a static field: nothing of a run is left in it. */
    @Test
    void aPrimitiveEachRunLeavesAsItFoundItMayBeShared() {
        Semaphore sem = new Semaphore(1, "slots");
        Channel<Integer> ch = new Channel<>(1, "jobs");
        Event e = new Event("never set");
        for (long seed = 1; seed <= 3; seed++) {
            SimResult<Integer> r = Simulation.run(seed, () -> {
                sem.acquire();
                sem.release();
                ch.send(5);
                int v = ch.receive();
                return v + (e.isSet() ? 1 : 0);
            });
            assertThat(r.failure()).as("seed %d", seed).isNull();
            assertThat(r.value()).isEqualTo(5);
        }
    }

    /** Real loops keep ordinary Java: an object's state outlives a run, and the next one sees it. */
    @Test
    void realLoopsGoOnFromWhatTheRunBeforeLeft() {
        Event e = new Event("started");
        Semaphore sem = new Semaphore(1);
        Loop.run(() -> {
            e.set();
            sem.acquire();
            return null;
        });
        assertThat(Loop.run(() -> {
            e.await();
            return sem.tryAcquire();
        })).isFalse();
        assertThat(failureOf(9, e::await)).as("but no simulation goes on from a real loop's state")
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("Event 'started' (set) was left that way by another run (a real loop), and task 'main'"
                        + " of this one (a simulation of seed 9) would go on from it");
    }
}
