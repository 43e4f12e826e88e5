package dev.simloop.internal;

import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.ObjIntConsumer;

/**
 * The loops' driver threads. A mounted task runs on its driver's stack, so drivers are platform
 * threads with a large stack (deeply nested scopes need it); they are pooled so that running many
 * short simulations does not create a thread each time.
 *
 * <p>Why the hand-off spins: most simulations a caller runs (a test's run, one seed of a loop over
 * seeds) take a few microseconds, while waking a parked thread takes about as long again on each
 * side. So a driver that has finished its work waits {@value #DRIVER_SPIN_NANOS} ns for the next
 * before it parks, and a caller waits up to {@value #CALLER_SPIN_NANOS} ns for the result before it
 * parks: back-to-back runs from one caller then go to the same, still running, driver, and reach it
 * and come back without a wake-up. Not when the two sides share a core with a thread that keeps it
 * busy: there a spin only takes turns with that thread, so slow yields in a row make the waits park
 * at once for a while ({@link DriverThread#parkFirst}). A caller offers its work first to the
 * driver it handed its last work to ({@link #LAST_DRIVER}), straight into that driver's slot; only
 * when that driver is busy (another caller took it) or has ended does it take one from the deque of
 * idle drivers, last-in first-out, or start one. The deque is shared by every caller and driver,
 * so skipping it saves two of its updates, and the cache misses of a line both sides write, on
 * every back-to-back run (in A/B rounds a bare hand-off's median went from 1,494 to 994 ns, a per-seed run's from 5,410 to
 * 5,028 ns). A driver so handed work stays in the deque while it runs, so the work stays in its
 * slot until it has run: only a null slot takes an offer. A driver idle for
 * {@value #KEEP_ALIVE_SECONDS} s ends.
 *
 * <p>Why each driver starts between two {@link Spacer}s: the JVM keeps four object handles per
 * thread ({@code Thread.currentThread()}'s among them) in 8-byte slots of one shared store, handed
 * out lowest-free-first as threads start, so two threads started one after the other usually get
 * slots on the same 64-byte cache line. Mounting a virtual thread writes its carrier's slot, and
 * every {@code Thread.currentThread()} reads it, many times per task switch; two drivers whose slots
 * share a line therefore make each other's every switch miss the cache, and when the two cores sit
 * far apart (this machine's host moves them) two drivers ran a parallel exploration no faster than
 * one (0.6–1.0x, issue 21). A spacer is an idle thread started just before and one just after each
 * driver, so that the driver's slots share their line with a spacer's: with them, two drivers ran
 * at 1.21–2.59x, mostly 1.5–2.0x, in JVMs alternated with ones without them (0.80–1.23x). A
 * driver has one on each side because a thread's four slots are half a line: with one idle thread
 * between them, two carriers still shared a line unless their slots began at a half-line boundary
 * (in a harness, medians of 0.75–1.40x in six JVMs, against 1.70–1.94x with two between them); two
 * drivers started one after the other have two spacers, a whole line, between them. They live,
 * parked, as long as their driver. (When threads have ended and left free slots between live ones,
 * a new driver can still land next to another thread; the spacers make that the exception rather
 * than the rule.)
 *
 * <p>A caller waits for its driver's work in {@link #call}. Normally the work's end releases it;
 * when a task of a simulation runs away (no checkpoint for {@code maxStepWallTime}), the
 * {@link Watchdog} releases it instead ({@link Call#rescue}), since a thread cannot be stopped: the
 * caller gets the failure, and the driver goes on until the task reaches a checkpoint.
 */
public final class Drivers {
    /** Stack size of a driver thread; tasks run mounted on it. */
    static final long STACK_BYTES = 256L * 1024 * 1024;
    /** How long an idle driver waits, running, for the next work before it parks. */
    static final long DRIVER_SPIN_NANOS = 50_000;
    /** How long a caller waits, running, for its work's result before it parks. */
    static final long CALLER_SPIN_NANOS = 50_000;
    /** How much of a spin is busy before it turns to {@code Thread.yield()}. */
    static final long BUSY_SPIN_NANOS = 5_000;
    /** Hand-offs done yield-first after a slow yield, before busy spinning is tried again. */
    static final int YIELD_FIRST_HAND_OFFS = 256;
    /**
     * Slow yields in a row, with no quick one between, that show a core shared with a busy thread
     * rather than a moment's load: one slow yield now and then is common on a quiet host too.
     */
    static final int SLOW_YIELDS_OF_A_SHARED_CORE = 8;
    /** Waits for a hand-off that park at once after {@link #SLOW_YIELDS_OF_A_SHARED_CORE}, before yielding is tried again. */
    static final int PARK_FIRST_WAITS = 1024;
    /**
     * A {@code Thread.yield()} that takes longer than this gave the core to another thread: a yield
     * with nothing else to run on its core returns in about 0.6–1 µs here, one that let another thread
     * run for its turn took 3–5 µs.
     */
    static final long SLOW_YIELD_NANOS = 2_500;
    static final long KEEP_ALIVE_SECONDS = 30;
    private static final AtomicInteger COUNT = new AtomicInteger();
    /** Idle drivers, the most recently idle first. A retired driver may linger here; takers skip it. */
    private static final ConcurrentLinkedDeque<DriverThread> IDLE = new ConcurrentLinkedDeque<>();
    /** Every driver thread that has not ended (the watchdog looks at their loops). */
    static final java.util.Set<DriverThread> ALL = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** What a driver's slot holds once it has ended: no work can be handed to it (so it has none to run). */
    private static final Call<Object> RETIRED = new Call<>(null, null);
    /**
     * The driver the calling thread handed its last work to, offered its next work first. Kept per
     * caller so that one caller's back-to-back runs skip the shared deque; a stale entry (the driver
     * busy with another caller's work, or ended) only costs one failed offer.
     */
    private static final ThreadLocal<DriverThread> LAST_DRIVER = new ThreadLocal<>();

    private Drivers() {
    }

    /** A pooled driver thread; knows the call it runs, for the watchdog. */
    static final class DriverThread extends Thread {
        /** The outermost {@link #call} running on this thread, or null between calls. */
        Call<?> call;
        /**
         * The loop running on this driver, or null: how a task finds itself ({@link Current}) and
         * what the {@link Watchdog} looks at. Written by the driver only.
         */
        volatile Scheduler loop;
        /**
         * The thread guard's map a simulation on this driver lent its tasks, holding only the guard,
         * kept for the next simulation here ({@link GuardMap}): one map per driver rather than one
         * per run. Driver only.
         */
        Object spareGuardMap;
        /**
         * Work handed to this driver, until it has run (null while idle, {@link #RETIRED} once ended).
         * An object of its own, not a field of the driver: the driver writes its other fields as it
         * runs work, and callers spinning on the slot's line would then fetch it again each time
         * (in A/B rounds a bare hand-off took 10–20 ns more with the slot a field here).
         */
        private final AtomicReference<Call<?>> slot = new AtomicReference<>();
        /** Set while the driver is parked (or about to park) waiting for work: a hand-off must unpark it. */
        private volatile boolean parked;
        /**
         * How many more hand-offs with this driver wait yield-first (no busy spin): set when a wait's
         * yield gave the core to another thread, which mostly means the caller and the driver share
         * a core, where busy spinning only keeps the other from running. Not when a wait merely
         * outlasted its busy spin: work longer than the spin (a run of a few microseconds) is no sign
         * of a shared core, and yielding then only adds a system call to every hand-off. A hint both
         * sides read and write without order.
         */
        private int yieldFirst;
        /**
         * Slow yields in a row in waits for this driver's hand-offs (a quick yield, or a wait that its
         * busy spin ended, starts the count again). A hint both sides read and write without order.
         */
        private int slowYieldsInARow;
        /**
         * How many more waits for this driver's hand-offs park at once, without spinning or yielding:
         * set after {@link #SLOW_YIELDS_OF_A_SHARED_CORE} slow yields in a row, which mean that the caller
         * and the driver share a core with a thread that keeps it busy. There each yield hands that
         * thread the core for its whole time slice (a millisecond or more per hand-off, 15 to 30 times a
         * park's wake-up), while a park lets the other side's wake-up end the wait. A hint both sides
         * read and write without order.
         */
        private int parkFirst;
        /** Set on the driver {@link #startEarly} makes: it warms up the virtual-thread machinery before it idles. */
        private boolean warmsUp;
        /**
         * Whether this driver is in {@link #IDLE}: set by the driver as it adds itself, cleared by the
         * caller that takes it out, before that caller offers it work. A driver that got its work
         * from its last caller directly is still in the deque when it finishes, and must not be added
         * twice; one that a caller took out is added again when it finishes whatever it runs.
         */
        private volatile boolean inIdle;
        /** Set as the driver ends: its {@link Spacer}s end with it. */
        private volatile boolean ended;
        /** The driver's two {@link Spacer}s (started just before and just after it), or null until then. */
        private volatile Spacer[] spacers;
        /** How long the driver waits for work, parked, before it ends. */
        private final long keepAliveNanos;

        DriverThread(String name) {
            this(name, KEEP_ALIVE_SECONDS * 1_000_000_000L);
        }

        /** @param keepAliveNanos how long the driver waits for work, parked, before it ends (shorter in tests) */
        DriverThread(String name, long keepAliveNanos) {
            super(null, null, name, STACK_BYTES, false);
            this.keepAliveNanos = keepAliveNanos;
            setDaemon(true);
            ALL.add(this);
        }

        @Override
        public void run() {
            try {
                runWorks();
            } finally {
                ended = true;
                releaseSpacers(spacers);
            }
        }

        private void runWorks() {
            if (warmsUp) {
                WarmUp.firstDriver();
            }
            while (runNextWork()) {
                // one work per call: no local of the driver's loop holds a finished run's call (its
                // program, its value) while the driver waits for the next work, up to its keep-alive
                // time; the JVM's liveness analysis frees such a dead local too, and this does not
                // lean on it (OutOfMemoryInRunTest)
            }
        }

        /** @return whether a work came and ran; false when none came for the keep-alive time */
        private boolean runNextWork() {
            Call<?> c = nextWork();
            if (c == null) {
                return false;
            }
            // The work stays in the slot while it runs: a driver is offered work only through a
            // null slot, and a busy driver can still be in the idle deque (its last caller handed
            // it work directly), so another caller must find it taken (a task that calls a driver
            // must never queue its work behind its own).
            Thread.interrupted(); // an interrupt meant for the last work must not reach the next
            call = c;
            Object value = null;
            Throwable failure = null;
            try {
                value = c.work.call();
            } catch (Throwable e) {
                failure = e;
            } finally {
                call = null;
            }
            slot.set(null); // idle: before the caller hears, so that its next work finds this driver
            if (!inIdle) {
                inIdle = true;
                try {
                    IDLE.addFirst(this); // before the caller hears: its next call finds this driver
                } catch (Throwable e) {
                    // An OutOfMemoryError, most likely (the run's objects are still reachable
                    // through the call): the caller must hear all the same, or it would wait for
                    // ever, keeping them reachable. The driver goes on, found by its last caller.
                    inIdle = false; // not added, so no caller took it out
                    failure = failure != null ? failure : e;
                }
            }
            c.complete(value, failure);
            return true;
        }

        /** @return the next work, or null when none came for the keep-alive time (the driver then ends) */
        private Call<?> nextWork() {
            Call<?> spun = parksAtOnce(this) ? null : spinForWork();
            if (spun != null) {
                return spun;
            }
            long deadline = System.nanoTime() + keepAliveNanos;
            parked = true;
            try {
                for (;;) {
                    Call<?> c = slot.get();
                    if (c != null) {
                        return c;
                    }
                    long left = deadline - System.nanoTime();
                    if (left <= 0 && slot.compareAndSet(null, RETIRED)) {
                        IDLE.remove(this);
                        ALL.remove(this);
                        return null;
                    }
                    LockSupport.parkNanos(this, Math.max(left, 1));
                }
            } finally {
                parked = false;
            }
        }

        /** @return the work handed to this driver while it spun ({@link #DRIVER_SPIN_NANOS} at most), or null */
        private Call<?> spinForWork() {
            long start = System.nanoTime();
            long busy = busyNanos(this);
            for (int i = 1;; i++) {
                Call<?> c = slot.get();
                if (c != null) {
                    learn(this, busy);
                    return c;
                }
                if (!stillSpinning(i, start, busy, DRIVER_SPIN_NANOS, this)) {
                    return null;
                }
            }
        }

        /** @return whether this driver took {@code c} (false: it is busy, or has ended) */
        boolean offer(Call<?> c) {
            if (!slot.compareAndSet(null, c)) {
                return false;
            }
            if (parked) {
                LockSupport.unpark(this);
            }
            return true;
        }
    }

    /**
     * One caller's wait for work on a driver: completed by the work, or rescued by the watchdog.
     * Its outcome lives in the call itself, published by its state (this object's own value, as an
     * {@code AtomicInteger}): the caller, spinning on the state, finds the value and the failure
     * on the same cache line, where a separate outcome object would be one more line to fetch from
     * the driver's core.
     *
     * <table>
     *   <caption>States</caption>
     *   <tr><th>state</th><th>meaning</th><th>next</th></tr>
     *   <tr><td>{@link #PENDING}</td><td>not completed</td><td>CLAIMED: the work's end or the watchdog's rescue, whichever comes first</td></tr>
     *   <tr><td>{@link #CLAIMED}</td><td>its completer is telling {@code onFailure}, and writing the outcome</td><td>DONE</td></tr>
     *   <tr><td>{@link #DONE}</td><td>{@link #value} and {@link #failure} are the outcome; the caller may read them</td><td>(final)</td></tr>
     * </table>
     */
    @SuppressWarnings("serial") // never serialized: an AtomicInteger only for its state
    static final class Call<T> extends AtomicInteger {
        static final int PENDING = 0;
        static final int CLAIMED = 1;
        static final int DONE = 2;

        final Callable<T> work;
        private final Thread caller;
        /** The driver it was handed to (for the spin hint), or null. */
        private DriverThread driver;
        /** Told of a failure (with {@link #index}) by the thread that completes the call with it; or null. */
        private ObjIntConsumer<Throwable> onFailure;
        private int index;
        /** The work's result; written by the completer before the state becomes DONE. */
        private Object value;
        /** The work's failure (or the rescue's), or null; written before the state becomes DONE. */
        private Throwable failure;
        /** Set while the caller is parked (or about to park) waiting: a completion must unpark it. */
        private volatile boolean waiting;

        Call(Callable<T> work, Thread caller) {
            this.work = work;
            this.caller = caller;
        }

        /** @return the thread that waits for this call */
        Thread caller() {
            return caller;
        }

        /** Releases the waiting caller with {@code failure}; the driver's own result is then dropped. */
        void rescue(RuntimeException failure) {
            complete(null, failure);
        }

        void complete(Object value, Throwable failure) {
            if (!compareAndSet(PENDING, CLAIMED)) {
                return; // completed already: the rescue, or the work's end, came first
            }
            try {
                if (failure != null && onFailure != null) {
                    onFailure.accept(failure, index); // before the caller can see the outcome and act on it
                }
            } finally { // even when that threw (out of memory): a claimed call left undone holds its caller for ever
                this.value = value;
                this.failure = failure;
                set(DONE); // a volatile write: the caller that reads DONE sees both
                if (waiting) {
                    LockSupport.unpark(caller);
                }
            }
        }

        /** @return whether the outcome is there for the caller to read */
        boolean done() {
            return get() == DONE;
        }
    }

    /** @return whether the calling thread is a driver thread (then loops may run inline on it) */
    public static boolean onDriverThread() {
        return Thread.currentThread() instanceof DriverThread;
    }

    /**
     * @return the thread waiting for the outermost call that {@code driver} runs, or null (not a
     *     driver, or between calls); for the watchdog, which reads it after the driver's loop, a
     *     volatile field written after the call
     */
    static Thread callerOf(Thread driver) {
        Call<?> c = driver instanceof DriverThread d ? d.call : null;
        return c == null ? null : c.caller();
    }

    /** @return the loop running on {@code carrier} when it is a driver thread, else null */
    static Scheduler loopOn(Thread carrier) {
        return carrier instanceof DriverThread d ? d.loop : null;
    }

    /**
     * Makes {@code loop} the one running on the calling driver thread (null: none).
     *
     * @return the loop it replaces
     */
    static Scheduler enter(Scheduler loop) {
        DriverThread d = (DriverThread) Thread.currentThread();
        Scheduler before = d.loop;
        d.loop = loop;
        return before;
    }

    /**
     * @return the thread guard's map the last loop on the calling driver thread left for the next
     *     one ({@link GuardMap#loopEnded}), taken so no other loop shares it; null when there is none
     *     or the caller is not a driver
     */
    static Object takeSpareGuardMap() {
        if (Thread.currentThread() instanceof DriverThread d) {
            Object m = d.spareGuardMap;
            d.spareGuardMap = null;
            return m;
        }
        return null;
    }

    /** Keeps {@code map} (the guard's map, holding nothing else) for the calling driver's next loop. */
    static void keepSpareGuardMap(Object map) {
        if (Thread.currentThread() instanceof DriverThread d) {
            d.spareGuardMap = map;
        }
    }

    /** @return the outermost call running on the calling driver thread, or null */
    static Call<?> currentCall() {
        return Thread.currentThread() instanceof DriverThread d ? d.call : null;
    }

    /**
     * Runs {@code work} on a driver thread and returns its result. If the caller is interrupted
     * while waiting, {@code onInterrupt} is told (to stop the loop) and the wait goes on until the
     * loop has ended, so no task outlives the call, unless the watchdog rescues the caller from a
     * runaway task (see the class comment).
     *
     * @param work the work
     * @param onInterrupt told when the caller is interrupted
     * @param <T> the result type
     * @return the work's result
     */
    public static <T> T call(Callable<T> work, Consumer<Thread> onInterrupt) {
        if (onDriverThread()) {
            try {
                return work.call();
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        return await(start(work, null, 0), onInterrupt);
    }

    /**
     * Runs several works at once, each on its own driver thread, and returns their results in
     * order: a parallel exploration's workers. A work that fails, or whose caller the watchdog
     * rescues from a runaway task, is reported to {@code onFailure} (with the work's index) at once (from the thread that
     * sees it), so the caller can stop the others, which the wait goes on for; then the first
     * failure, in the works' order, is thrown.
     *
     * @param works the works
     * @param onInterrupt told when the caller is interrupted (each time it is, while waiting)
     * @param onFailure told of each work's failure when it happens
     * @param <T> the result type
     * @return the works' results, in order
     */
    public static <T> java.util.List<T> callAll(java.util.List<? extends Callable<T>> works,
            Consumer<Thread> onInterrupt, ObjIntConsumer<Throwable> onFailure) {
        java.util.List<Call<T>> calls = new java.util.ArrayList<>(works.size());
        for (Callable<T> work : works) {
            calls.add(start(work, onFailure, calls.size()));
        }
        java.util.List<T> results = new java.util.ArrayList<>(calls.size());
        RuntimeException firstFailure = null;
        for (Call<T> call : calls) {
            try {
                results.add(await(call, onInterrupt));
            } catch (RuntimeException e) {
                firstFailure = firstFailure == null ? e : firstFailure;
            }
        }
        if (firstFailure != null) {
            throw firstFailure;
        }
        return results;
    }

    /**
     * Starts an idle driver before there is work for it (the {@link WarmUp}, when the runtime is
     * first used): the first run then finds it started, and it loads the virtual-thread machinery
     * while the caller builds the run. Work handed to it meanwhile waits in its slot until it is done.
     */
    static void startEarly() {
        DriverThread d = new DriverThread("simloop-driver-" + COUNT.incrementAndGet());
        d.warmsUp = true;
        startSpaced(d);
        d.inIdle = true;
        IDLE.addFirst(d); // once started: a driver that could not start must not be handed work
    }

    /**
     * Hands {@code work} to the driver the calling thread used last if it is idle, else to an idle
     * driver (the most recently idle), else to a new one.
     */
    private static <T> Call<T> start(Callable<T> work, ObjIntConsumer<Throwable> onFailure, int index) {
        Call<T> call = new Call<>(work, Thread.currentThread());
        call.onFailure = onFailure;
        call.index = index;
        DriverThread last = LAST_DRIVER.get();
        if (last != null) {
            call.driver = last;
            if (last.offer(call)) {
                return call; // idle, and left in the deque: it does not add itself again when done
            }
        }
        for (DriverThread d; (d = IDLE.pollFirst()) != null; ) {
            d.inIdle = false; // before the offer: once it runs our work, it must add itself again
            call.driver = d;
            if (d.offer(call)) {
                LAST_DRIVER.set(d);
                return call;
            }
        }
        DriverThread d = new DriverThread("simloop-driver-" + COUNT.incrementAndGet());
        call.driver = d;
        d.slot.set(call);
        startSpaced(d);
        LAST_DRIVER.set(d);
        return call;
    }

    /**
     * Starts {@code d} between two {@link Spacer}s: one started just before it and one just after
     * (see the class comment for why).
     */
    static void startSpaced(DriverThread d) {
        Spacer before = Spacer.startNextTo(d, "before");
        try {
            d.start();
        } catch (RuntimeException | Error e) {
            d.ended = true; // it never runs: its spacer must not wait for it
            releaseSpacers(new Spacer[] {before});
            throw e;
        }
        Spacer[] both = {before, Spacer.startNextTo(d, "after")};
        d.spacers = both;
        if (d.ended) {
            releaseSpacers(both); // it ended before it could see them (a volatile write, then a read: one side sees the other)
        }
    }

    private static void releaseSpacers(Spacer[] spacers) {
        if (spacers != null) {
            for (Spacer s : spacers) {
                if (s != null) {
                    LockSupport.unpark(s);
                }
            }
        }
    }

    /** @return {@code d}'s spacers, before and after, or an empty list before they are started (for tests) */
    static java.util.List<Thread> spacersOf(DriverThread d) {
        Spacer[] s = d.spacers;
        return s == null ? java.util.List.of() : java.util.Arrays.stream(s).filter(java.util.Objects::nonNull)
                .map(Thread.class::cast).toList();
    }

    /**
     * An idle thread started next to a driver, so that the JVM's per-thread slots of two drivers do
     * not share a cache line (see the class comment). It parks, its driver as its blocker, until its
     * driver ends. Named after its driver: {@code simloop-spacer-<n>-before} and {@code -after}.
     */
    static final class Spacer extends Thread {
        /** It parks, and so needs next to no stack. */
        private static final long STACK_BYTES = 128 * 1024;
        private final DriverThread driver;

        private Spacer(DriverThread driver, String side) {
            super(null, null, driver.getName().replace("driver", "spacer") + "-" + side, STACK_BYTES, false);
            this.driver = driver;
            setDaemon(true);
        }

        /**
         * @return a started spacer, or null when the JVM could not start one (out of threads): a
         *     spacer only saves time, so the driver goes on without it
         */
        static Spacer startNextTo(DriverThread driver, String side) {
            Spacer s = new Spacer(driver, side);
            try {
                s.start();
                return s;
            } catch (OutOfMemoryError e) {
                return null;
            }
        }

        @Override
        public void run() {
            while (!driver.ended) {
                LockSupport.park(driver);
            }
        }
    }

    /** @return whether {@code d} has work handed to it or running (for tests; a racy read) */
    static boolean busy(DriverThread d) {
        Call<?> c = d.slot.get();
        return d.call != null || (c != null && c != RETIRED);
    }

    /** @return the idle drivers in the deque, most recently idle first (for tests) */
    static java.util.List<DriverThread> idleDrivers() {
        return java.util.List.copyOf(IDLE);
    }

    private static <T> T await(Call<T> call, Consumer<Thread> onInterrupt) {
        awaitOutcome(call, onInterrupt);
        Throwable c = call.failure;
        if (c == null) {
            @SuppressWarnings("unchecked") // the work's own result: a T
            T value = (T) call.value;
            return value;
        }
        if (c instanceof RuntimeException r) {
            throw r;
        }
        if (c instanceof Error err) {
            throw err;
        }
        throw new IllegalStateException(c);
    }

    /** @return how long a wait for {@code d}'s hand-off spins busy before it yields */
    static long busyNanos(DriverThread d) {
        return d.yieldFirst > 0 ? 0 : BUSY_SPIN_NANOS;
    }

    /**
     * A wait for {@code d}'s hand-off ended, having spun busy for up to {@code busy} ns: one yield-first
     * hand-off fewer. Slow yields are counted in a row only while hand-offs yield first: a wait that
     * began with a busy spin starts the count again (the hand-offs before it were quick).
     */
    static void learn(DriverThread d, long busy) {
        if (busy == 0 && d.yieldFirst > 0) {
            d.yieldFirst--;
        } else if (busy > 0) {
            d.slowYieldsInARow = 0;
        }
    }

    /**
     * A wait for {@code d}'s hand-off begins.
     *
     * @return whether it parks at once, without spinning: the core is shared with a busy thread
     *     (one park-first wait fewer)
     */
    static boolean parksAtOnce(DriverThread d) {
        if (d.parkFirst <= 0) {
            return false;
        }
        d.parkFirst--;
        return true;
    }

    /**
     * One round of waiting, running, for another thread's hand-off: a busy spin for the first
     * {@code busy} ns, then {@code Thread.yield()}, so that on a machine with more runnable
     * threads than cores the thread we wait for gets the core. A yield that gave the core away
     * makes the next hand-offs with {@code d} yield-first.
     *
     * @return false once {@code spinNanos} have passed since {@code start}: park instead
     */
    private static boolean stillSpinning(int round, long start, long busy, long spinNanos, DriverThread d) {
        if (busy > 0 && (round & 15) != 0) {
            Thread.onSpinWait();
            return true;
        }
        long now = System.nanoTime();
        long waited = now - start;
        if (waited < busy) {
            Thread.onSpinWait();
        } else if (waited < spinNanos) {
            Thread.yield();
            yielded(d, System.nanoTime() - now);
        } else {
            return false;
        }
        return true;
    }

    /** A wait for {@code d}'s hand-off yielded for {@code nanos}: if that gave the core away, the next hand-offs yield first. */
    static void yielded(DriverThread d, long nanos) {
        if (nanos <= SLOW_YIELD_NANOS) {
            d.slowYieldsInARow = 0;
            return;
        }
        d.yieldFirst = YIELD_FIRST_HAND_OFFS; // another thread wanted this core: do not spin busy on it
        if (++d.slowYieldsInARow >= SLOW_YIELDS_OF_A_SHARED_CORE) {
            d.slowYieldsInARow = 0;
            d.parkFirst = PARK_FIRST_WAITS; // and wanted it every time: a busy thread shares it
        }
    }

    /** @return whether {@code call} was done within the caller's spin ({@link #CALLER_SPIN_NANOS} at most) */
    private static boolean spunUntilDone(Call<?> call) {
        long start = System.nanoTime();
        long busy = busyNanos(call.driver);
        for (int i = 1;; i++) {
            if (call.done()) {
                learn(call.driver, busy);
                return true;
            }
            if (!stillSpinning(i, start, busy, CALLER_SPIN_NANOS, call.driver)) {
                return false;
            }
        }
    }

    /** Waits until {@code call} is done: spinning a while (not on a core shared with a busy thread), then parked. */
    private static void awaitOutcome(Call<?> call, Consumer<Thread> onInterrupt) {
        if (!parksAtOnce(call.driver) && spunUntilDone(call)) {
            return;
        }
        OutcomeWait wait = new OutcomeWait(call, onInterrupt);
        call.waiting = true;
        try {
            if (Thread.currentThread() instanceof java.util.concurrent.ForkJoinWorkerThread w
                    && w.getPool() == java.util.concurrent.ForkJoinPool.commonPool()) {
                // a pool of the user's own keeps its size: it is how they cap how many runs go at once
                managedWait(wait);
            } else {
                wait.block();
            }
        } finally {
            call.waiting = false;
            if (wait.interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * A pool worker's wait, as {@code CompletableFuture.get} waits on one: in
     * {@link java.util.concurrent.ForkJoinPool#managedBlock}, so the pool may start or wake a spare
     * worker meanwhile (and no longer counts the caller as active). Without it, a run called from a
     * common-pool worker whose tasks use the common pool ({@code supplyAsync(..).get()}, which a
     * simulation waits for in place) waited for work queued behind its own caller: with one worker,
     * for ever in a real loop, and for {@code maxStepWallTime}, then a false
     * {@code NondeterminismDetected}, in a simulation. When the pool can add no spare, it refuses;
     * then the caller waits as any thread does, counted in {@link #UNCOMPENSATED_CALLERS}.
     */
    private static void managedWait(OutcomeWait wait) {
        COMMON_POOL_CALLERS.incrementAndGet();
        try {
            try {
                java.util.concurrent.ForkJoinPool.managedBlock(wait);
                if (wait.isReleasable()) {
                    return;
                }
            } catch (InterruptedException e) {
                // declared for a stopping pool (ForkJoinPool.compensatedBlock), which the common pool never
                // is; OutcomeWait itself never throws it: either way, wait on below
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // "Thread limit exceeded replacing blocked worker"
            }
            UNCOMPENSATED_CALLERS.incrementAndGet(); // wait without a spare, as any thread does
            try {
                wait.block();
            } finally {
                UNCOMPENSATED_CALLERS.decrementAndGet();
            }
        } finally {
            COMMON_POOL_CALLERS.decrementAndGet();
        }
    }

    /**
     * The caller's parked wait for its call's outcome: an interrupt is told to the call's
     * {@code onInterrupt} (to stop its loop) and the wait goes on until the call is done.
     */
    private static final class OutcomeWait implements java.util.concurrent.ForkJoinPool.ManagedBlocker {
        private final Call<?> call;
        private final Consumer<Thread> onInterrupt;
        boolean interrupted;

        OutcomeWait(Call<?> call, Consumer<Thread> onInterrupt) {
            this.call = call;
            this.onInterrupt = onInterrupt;
        }

        @Override
        public boolean block() {
            while (!call.done()) {
                LockSupport.park(call);
                if (Thread.interrupted()) {
                    interrupted = true;
                    onInterrupt.accept(Thread.currentThread());
                }
            }
            return true;
        }

        @Override
        public boolean isReleasable() {
            return call.done();
        }
    }

    /**
     * Workers of the common pool waiting in {@link #awaitOutcome} for a run of their own (jqwik
     * shrinks in a {@code CompletableFuture} there, say).
     */
    private static final AtomicInteger COMMON_POOL_CALLERS = new AtomicInteger();

    /**
     * Those of {@link #COMMON_POOL_CALLERS} that wait without a spare worker in their place: the pool
     * still counts each as active (one in {@code managedBlock} it does not count).
     */
    private static final AtomicInteger UNCOMPENSATED_CALLERS = new AtomicInteger();

    /**
     * Whether the common pool has finished its work ({@code OutsideWaits.waitInPlace} waits for
     * that): {@code isQuiescent()}, except while workers wait in {@link #awaitOutcome} for a run:
     * {@code isQuiescent()} counts such a worker as busy (its queue is not idle) though the work it
     * waits for is a run's, not the pool's, and a run called from a common-pool worker would find the
     * pool busy at every such wait, for {@code maxStepWallTime} each. Then the pool is quiet when no
     * worker is active and nothing is queued; a waiting worker the pool could not replace with a
     * spare is still in its active count, so it is taken off.
     */
    static boolean commonPoolQuiet() {
        java.util.concurrent.ForkJoinPool pool = java.util.concurrent.ForkJoinPool.commonPool();
        if (COMMON_POOL_CALLERS.get() == 0) {
            return pool.isQuiescent();
        }
        return pool.getActiveThreadCount() <= UNCOMPENSATED_CALLERS.get() && !pool.hasQueuedSubmissions()
                && pool.getQueuedTaskCount() == 0;
    }
}
