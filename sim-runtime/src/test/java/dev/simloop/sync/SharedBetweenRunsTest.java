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
    private static final String SHARED = " of another run (a simulation or loop running at the same time, or one"
            + " that ended holding it): a primitive belongs to the one run that uses it, and this one is shared"
            + " between two (kept in a static field, or handed from one run to the other). Create it inside the"
            + " program the run runs, so that each run makes its own.";

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
}
