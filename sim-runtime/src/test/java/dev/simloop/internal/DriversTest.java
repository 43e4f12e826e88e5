package dev.simloop.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.simloop.Simulation;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The hand-off of work to driver threads: reuse, concurrency, failures, interrupts; and tasks finding themselves on them. */
class DriversTest {
    @Test
    void backToBackCallsFromOneCallerRunOnOneWarmDriver() {
        List<Thread> ran = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            ran.add(Drivers.call(Thread::currentThread, t -> { }));
        }
        assertThat(ran.getFirst()).isInstanceOf(Drivers.DriverThread.class);
        assertThat(ran.getFirst().getName()).startsWith("simloop-driver-");
        // The driver is idle again before its caller hears the result, so the next call finds it. (At
        // most two: a thread left over from another test may take the idle driver once in between.)
        assertThat(ran.stream().distinct().count()).as("driver threads used by 20 back-to-back calls").isLessThanOrEqualTo(2);
    }

    @Test
    void aCallersBackToBackWorkGoesToItsLastDriverWhichStaysInTheIdleDequeOnce() {
        List<Thread> ran = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            ran.add(Drivers.call(Thread::currentThread, t -> { }));
        }
        // (at most two: a thread left over from another test may take the idle driver once in between)
        assertThat(ran.stream().distinct().count()).as("driver threads used by 200 back-to-back calls").isLessThanOrEqualTo(2);
        List<Drivers.DriverThread> idle = Drivers.idleDrivers();
        assertThat(idle).as("idle drivers").doesNotHaveDuplicates();
        assertFindableOrBusy((Drivers.DriverThread) ran.getLast(), idle);
    }

    /** {@code d} is in the idle deque, unless a caller of another test has taken it meanwhile and runs work on it. */
    private static void assertFindableOrBusy(Drivers.DriverThread d, List<Drivers.DriverThread> idle) {
        assertThat(idle.contains(d) || Drivers.busy(d)).as("%s is idle in the deque, or running work", d.getName()).isTrue();
    }

    @Test
    void aBusyDriverThatIsStillInTheIdleDequeTakesNoOtherCallersWork() throws Exception {
        Drivers.call(Thread::currentThread, t -> { });
        Thread busy = Drivers.call(Thread::currentThread, t -> { }); // handed straight to its slot: still in the deque
        // While it runs this work, another caller takes it out of the deque and offers it work: the
        // offer must fail (a work queued behind this one would wait for it forever).
        Object[] other = new Object[2];
        Thread ran = Drivers.call(() -> {
            Thread caller = Thread.ofPlatform().start(() -> {
                other[0] = Drivers.call(() -> 42, t -> { });
                other[1] = Drivers.call(Thread::currentThread, t -> { });
            });
            caller.join(TimeUnit.SECONDS.toMillis(30));
            return Thread.currentThread();
        }, t -> { });
        assertThat(ran).isSameAs(busy);
        assertThat(other[0]).as("the other caller's work ran (on another driver)").isEqualTo(42);
        assertThat(other[1]).isNotSameAs(busy);
    }

    @Test
    void callersThatShareDriversLeaveEveryDriverTheyUsedIdleInTheDequeOnce() throws Exception {
        int callers = 3;
        int calls = 300;
        java.util.Set<Thread> used = java.util.concurrent.ConcurrentHashMap.newKeySet();
        CyclicBarrier start = new CyclicBarrier(callers);
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int c = 0; c < callers; c++) {
            int caller = c;
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    start.await(60, TimeUnit.SECONDS);
                    for (int i = 0; i < calls; i++) {
                        int n = i;
                        assertThat(Drivers.call(() -> {
                            used.add(Thread.currentThread());
                            return caller * calls + n;
                        }, t -> { })).isEqualTo(caller * calls + n);
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            }));
        }
        for (Thread t : threads) {
            t.join(TimeUnit.MINUTES.toMillis(1));
        }
        assertThat(failures).isEmpty();
        // each driver adds itself before its caller hears, so once every call has returned, every
        // driver used is idle and findable, once
        List<Drivers.DriverThread> idle = Drivers.idleDrivers();
        assertThat(idle).doesNotHaveDuplicates();
        for (Thread d : used) {
            assertFindableOrBusy((Drivers.DriverThread) d, idle);
        }
    }

    /**
     * On a core shared with a thread that keeps it busy, every yield hands that thread the core for its
     * time slice: a run of {@code Simulation.run(i, () -> 1)} took about 3 ms with a busy loop pinned to
     * the caller's core, against 0.1 ms without. Slow yields in a row, and only those, make the waits
     * park at once for a while; one slow yield now and then (common on a quiet host) does not.
     */
    @Test
    void onlySlowYieldsInARowMakeWaitsParkAtOnce() {
        Drivers.DriverThread d = new Drivers.DriverThread("simloop-driver-test");
        try {
            long slow = Drivers.SLOW_YIELD_NANOS + 1;
            for (int i = 0; i < Drivers.SLOW_YIELDS_OF_A_SHARED_CORE - 1; i++) {
                Drivers.yielded(d, slow);
            }
            Drivers.yielded(d, 900); // a quick one between: the host was busy a moment, no more
            Drivers.yielded(d, slow);
            Drivers.learn(d, Drivers.BUSY_SPIN_NANOS); // a wait that its busy spin ended: the other side has a core
            for (int i = 0; i < Drivers.SLOW_YIELDS_OF_A_SHARED_CORE - 1; i++) {
                Drivers.yielded(d, slow);
            }
            assertThat(Drivers.parksAtOnce(d)).as("%d slow yields, never in a row", Drivers.SLOW_YIELDS_OF_A_SHARED_CORE)
                    .isFalse();
            Drivers.yielded(d, slow);
            for (int i = 0; i < Drivers.PARK_FIRST_WAITS; i++) {
                assertThat(Drivers.parksAtOnce(d)).as("wait %d after the slow yields in a row", i).isTrue();
            }
            assertThat(Drivers.parksAtOnce(d)).as("yielding is tried again").isFalse();
            assertThat(Drivers.busyNanos(d)).as("yield first").isZero();
        } finally {
            Drivers.ALL.remove(d); // never started: it must not linger among the drivers the watchdog looks at
        }
    }

    @Test
    void onlyAYieldThatGaveTheCoreAwayMakesHandOffsYieldFirst() {
        Drivers.DriverThread d = new Drivers.DriverThread("simloop-driver-test");
        try {
            assertThat(Drivers.busyNanos(d)).isEqualTo(Drivers.BUSY_SPIN_NANOS);
            // A wait that outlasted the busy spin (a run longer than 5 µs) and yielded without giving the
            // core away: the next hand-offs still spin busy first.
            Drivers.yielded(d, 900);
            Drivers.learn(d, Drivers.BUSY_SPIN_NANOS);
            assertThat(Drivers.busyNanos(d)).isEqualTo(Drivers.BUSY_SPIN_NANOS);
            // A yield that took longer than a bare system call: another thread ran on this core.
            Drivers.yielded(d, Drivers.SLOW_YIELD_NANOS + 1);
            assertThat(Drivers.busyNanos(d)).isZero();
            for (int i = 0; i < Drivers.YIELD_FIRST_HAND_OFFS - 1; i++) {
                Drivers.learn(d, 0);
            }
            assertThat(Drivers.busyNanos(d)).as("yield-first for %d hand-offs", Drivers.YIELD_FIRST_HAND_OFFS).isZero();
            Drivers.learn(d, 0);
            assertThat(Drivers.busyNanos(d)).isEqualTo(Drivers.BUSY_SPIN_NANOS);
        } finally {
            Drivers.ALL.remove(d); // never started: it must not linger among the drivers the watchdog looks at
        }
    }

    @Test
    void everyDriverThePoolStartsHasTwoSpacersParkedOnIt() {
        List<Thread> drivers = Drivers.callAll(List.of(Thread::currentThread, Thread::currentThread), t -> { }, (e, i) -> { });
        for (Thread d : drivers) {
            String n = d.getName().substring("simloop-driver-".length());
            List<Thread> spacers = Drivers.spacersOf((Drivers.DriverThread) d);
            assertThat(spacers).extracting(Thread::getName)
                    .containsExactly("simloop-spacer-" + n + "-before", "simloop-spacer-" + n + "-after");
            assertThat(spacers).allSatisfy(s -> assertThat(s.isDaemon()).as(s.getName()).isTrue());
            spacers.forEach(s -> awaitParkedOn(s, d));
        }
    }

    @Test
    void aDriversSpacersEndWhenItEnds() throws InterruptedException {
        Drivers.DriverThread d = new Drivers.DriverThread("simloop-driver-spaced", TimeUnit.MILLISECONDS.toNanos(200));
        Drivers.startSpaced(d);
        List<Thread> spacers = Drivers.spacersOf(d);
        assertThat(spacers).extracting(Thread::getName)
                .containsExactly("simloop-spacer-spaced-before", "simloop-spacer-spaced-after");
        spacers.forEach(s -> awaitParkedOn(s, d));
        d.join(TimeUnit.SECONDS.toMillis(60)); // idle for its 200 ms keep-alive, it ends
        assertThat(d.isAlive()).as("driver after its keep-alive").isFalse();
        for (Thread s : spacers) {
            s.join(TimeUnit.SECONDS.toMillis(60));
            assertThat(s.getState()).as(s.getName()).isEqualTo(Thread.State.TERMINATED);
        }
        assertThat(Drivers.ALL).doesNotContain(d);
    }

    /** Waits (up to a minute) until {@code spacer} parks with {@code driver} as its blocker. */
    private static void awaitParkedOn(Thread spacer, Thread driver) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!(spacer.getState() == Thread.State.WAITING && java.util.concurrent.locks.LockSupport.getBlocker(spacer) == driver)) {
            assertThat(System.nanoTime()).as(spacer.getName() + " parked on " + driver.getName() + ", state " + spacer.getState())
                    .isLessThan(deadline);
            Thread.onSpinWait();
        }
    }

    @Test
    void callAllRunsEachWorkOnItsOwnDriverAtOnce() {
        CyclicBarrier both = new CyclicBarrier(2); // each work waits for the other: only concurrent works finish
        List<Thread> threads = Drivers.callAll(List.of(() -> meet(both), () -> meet(both)), t -> { }, (e, i) -> { });
        assertThat(threads).hasSize(2).doesNotHaveDuplicates();
        assertThat(threads).allSatisfy(t -> assertThat(t).isInstanceOf(Drivers.DriverThread.class));
    }

    private static Thread meet(CyclicBarrier barrier) throws Exception {
        barrier.await(60, TimeUnit.SECONDS);
        return Thread.currentThread();
    }

    @Test
    void aWorkFailureReachesTheCallerUnchangedOrWrappedWhenChecked() {
        IllegalArgumentException boom = new IllegalArgumentException("boom");
        assertThatThrownBy(() -> Drivers.call(() -> {
            throw boom;
        }, t -> { })).isSameAs(boom);
        IOException io = new IOException("disk");
        assertThatThrownBy(() -> Drivers.call(() -> {
            throw io;
        }, t -> { })).isInstanceOf(IllegalStateException.class).hasCause(io);
    }

    @Test
    void callAllTellsEachFailureWithItsIndexAndThrowsTheFirstInOrder() {
        List<String> told = new ArrayList<>();
        RuntimeException second = new IllegalStateException("second");
        assertThatThrownBy(() -> Drivers.callAll(List.of(() -> 1, () -> {
            throw second;
        }), t -> { }, (e, i) -> {
            synchronized (told) {
                told.add(i + ":" + e.getMessage());
            }
        })).isSameAs(second);
        assertThat(told).containsExactly("1:second");
    }

    @Test
    void anInterruptedCallerTellsTheWorkAndStillGetsItsResultThenKeepsTheInterrupt() {
        CountDownLatch stop = new CountDownLatch(1);
        List<Thread> toldBy = new ArrayList<>();
        Thread.currentThread().interrupt();
        try {
            String r = Drivers.call(() -> stop.await(60, TimeUnit.SECONDS) ? "stopped" : "timed out", caller -> {
                toldBy.add(caller);
                stop.countDown();
            });
            assertThat(r).isEqualTo("stopped");
            assertThat(toldBy).containsExactly(Thread.currentThread());
            assertThat(Thread.currentThread().isInterrupted()).as("the interrupt is kept for the caller").isTrue();
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void aTaskFindsItselfThroughItsDriversLoopAndOtherThreadsFindNoTask() {
        assertThat(Current.orNull()).as("a test thread is no task").isNull();
        String seen = Simulation.run(1, () -> {
            TaskImpl<?> me = Current.orNull();
            Scheduler onCarrier = Drivers.loopOn(VirtualThreads.currentCarrier());
            return me.name() + "/" + (me.thread == Thread.currentThread()) + "/" + (onCarrier == me.loop())
                    + "/" + (Drivers.loopOn(Thread.currentThread()) == null);
        }).value();
        assertThat(seen).isEqualTo("main/true/true/true");
    }
}
