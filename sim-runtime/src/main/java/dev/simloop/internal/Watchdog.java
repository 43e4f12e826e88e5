package dev.simloop.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.concurrent.locks.LockSupport;

/**
 * Watches running loops for a step that holds the driver too long without reaching a checkpoint
 * (a CPU loop, a call that blocks its thread): the one thing the driver cannot see for itself,
 * since it is that step's carrier. One daemon thread serves every loop; it samples each loop's step
 * counter and running task, so the loops pay nothing per step.
 *
 * <ul>
 *   <li>A <b>simulation</b> whose step runs {@code maxStepWallTime} fails with {@code LimitExceeded}
 *       naming the task, with the task's stack as the exception's; its caller is released
 *       ({@link Drivers.Call#rescue}). The JVM cannot stop a thread: the task's thread runs on until
 *       it reaches a checkpoint, where it unwinds.
 *   <li>On a <b>real loop</b>, a step that holds the loop longer than {@link #SLOW_STEP_PROPERTY}
 *       (default 100 ms) is logged once through {@link System.Logger} ("dev.simloop", WARNING) with
 *       the task and its stack, like asyncio's slow-callback warning: every other task of the loop
 *       waited meanwhile.
 * </ul>
 */
final class Watchdog {
    /** System property: the real-mode slow-step threshold, an ISO-8601 duration such as {@code PT0.1S}. */
    static final String SLOW_STEP_PROPERTY = "simloop.slowStepThreshold";
    /** The logger, in a holder: looking it up starts the JDK's logging, which a run that reports nothing does not need. */
    private static final class Log {
        static final System.Logger LOG = System.getLogger("dev.simloop");
    }
    /**
     * The bad value of each duration property last logged ({@link #durationProperty}), in a holder
     * made at the first bad value: the idle warning's property is read at every idle spell of a real
     * loop, and a value logged at each one logged the same warning for every request of a service.
     */
    private static final class LoggedBadValues {
        static final java.util.Map<String, String> BY_PROPERTY = new java.util.concurrent.ConcurrentHashMap<>();
    }
    static final long SLOW_STEP_NANOS = slowStepNanos();
    private static final long MIN_PERIOD_NANOS = 5_000_000L;
    private static final long MAX_PERIOD_NANOS = 1_000_000_000L;
    /** Written under the class lock; read without it on every run's fast path. */
    private static volatile Thread thread;
    /** The watchdog's current sleep between looks; a loop that needs a shorter one wakes it. */
    private static volatile long period = MAX_PERIOD_NANOS;

    private Watchdog() {
    }

    /**
     * The fields of a loop the watchdog reads from its own thread, with opaque reads (no cost to
     * the driver, which writes them plainly), but for the idle mark, read and written as volatile
     * ({@link #lookAtAll} says why). In a holder that the watchdog's first look loads, on its
     * own thread: making the handles is not work for a run's start (a fresh JVM's first simulation, issue 15).
     */
    private static final class Seen {
        static final VarHandle RUNNING = field("running", TaskImpl.class);
        static final VarHandle STEPS = field("steps", long.class);
        static final VarHandle IDLE = field("idle", boolean.class);

        private static VarHandle field(String name, Class<?> type) {
            try {
                return MethodHandles.privateLookupIn(Scheduler.class, MethodHandles.lookup())
                        .findVarHandle(Scheduler.class, name, type);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }
    }

    /**
     * Starts watching {@code loop} (its driver calls this as the run starts, with the loop already
     * set as its driver's: the watchdog looks at every driver's loop, so a run costs no registration).
     */
    static void watch(Scheduler loop) {
        if (thread != null && periodFor(loop) >= period) {
            return; // the common case, once per simulation: waking the watchdog would cost more than the run
        }
        synchronized (Watchdog.class) {
            if (thread == null) {
                period = Math.min(period, periodFor(loop)); // its first look comes one period after the start
                start();
            } else {
                LockSupport.unpark(thread); // a tighter limit needs a shorter period
            }
        }
    }

    /**
     * Starts the watchdog's thread if it has not started: the {@link WarmUp} does, when the runtime is
     * first used, and the thread does the warm-up's first part before its first look.
     */
    static synchronized void start() {
        if (thread == null) {
            thread = new WatchdogThread();
            thread.start();
        }
    }

    /** @return how often the watchdog must look at {@code loop}: a quarter of its limit, within bounds */
    private static long periodFor(Scheduler loop) {
        long limit = loop.isSimulated() ? loop.maxStepWallNanos() : SLOW_STEP_NANOS;
        return Math.max(MIN_PERIOD_NANOS, limit / 4);
    }

    /**
     * The watchdog's thread: a plain daemon that inherits no inheritable thread locals, made without
     * a thread builder or a method reference, which a fresh JVM's first run would pay to load (issue 15).
     */
    private static final class WatchdogThread extends Thread {
        WatchdogThread() {
            super(null, null, "simloop-watchdog", 0, false);
            setDaemon(true);
        }

        @Override
        public void run() {
            WarmUp.watchdogFirst();
            for (;;) {
                LockSupport.parkNanos(period); // a first look at the start would only note what runs
                try {
                    lookAtAll();
                } catch (Throwable e) {
                    // Out of memory, most likely, while a run filled the heap: the watchdog must outlive
                    // it, or no later runaway in this JVM would be reported. It looks again next period.
                    period = MAX_PERIOD_NANOS;
                }
            }
        }
    }

    /**
     * One look at every running loop; sets the period until the next. An idle real loop is not
     * looked at: its driver wakes the watchdog as it wakes ({@code Scheduler.awaitWorkIdle}) when the
     * period it reads then is longer than the loop needs. So that no wake-up is lost, the period is
     * written before the idle marks are read again: a driver that woke after its mark was read either
     * reads the long period (and wakes the watchdog) or its loop is seen busy here.
     */
    private static void lookAtAll() {
        long next = MAX_PERIOD_NANOS;
        long now = System.nanoTime();
        boolean skipped = false;
        for (Drivers.DriverThread d : Drivers.ALL) {
            Scheduler loop = d.loop;
            if (loop == null) {
                continue;
            }
            if ((boolean) Seen.IDLE.getVolatile(loop)) {
                skipped = true;
                continue;
            }
            next = Math.min(next, periodFor(loop));
            loop.probe.look(now, loop.isSimulated() ? loop.maxStepWallNanos() : SLOW_STEP_NANOS);
        }
        period = next;
        if (skipped) {
            for (Drivers.DriverThread d : Drivers.ALL) {
                Scheduler loop = d.loop;
                if (loop != null && !(boolean) Seen.IDLE.getVolatile(loop)) {
                    next = Math.min(next, periodFor(loop));
                }
            }
            period = next;
        }
    }

    /**
     * What the watchdog saw of one loop last: its running task and step, and since when. A step
     * that has run {@code limit} nanos is a runaway in a simulation, and a slow step on a real loop.
     * Watchdog thread only.
     */
    static final class Probe {
        private final Scheduler loop;
        private long seenSteps = -1;
        private TaskImpl<?> seenTask;
        private long seenSince;
        private long reportedStep = -1;
        /**
         * The step whose task the watchdog found parked pinned in a wait it may not end (a JDK wait,
         * which a thread outside may end), and read the stack of; -1 once the task is seen otherwise,
         * so that a later pinned wait of the same step is looked at again.
         */
        private long pinnedCheckedStep = -1;
        /** The last step in which the watchdog reported a pinned wait of the loop's: one report per step, every such wait ended. */
        private long pinnedReportedStep = -1;
        /** How many times the watchdog has looked at the loop; written by the watchdog's thread only. */
        private volatile long looks;
        /**
         * A wait of the loop's that the watchdog found pinned to the driver, for its task to end
         * ({@link #pinnedWaitOf}). Written by the watchdog before it interrupts the task, and read by
         * the task after the interrupt, which orders the two.
         */
        private volatile PinnedWait pinnedWait;

        Probe(Scheduler loop) {
            this.loop = loop;
        }

        /** @return how many times the watchdog has looked at the loop (for tests: an idle loop is not looked at) */
        long looks() {
            return looks;
        }

        void look(long now, long limit) {
            looks++; // the watchdog's thread only writes it
            TaskImpl<?> r = (TaskImpl<?>) Seen.RUNNING.getOpaque(loop);
            long s = (long) Seen.STEPS.getOpaque(loop);
            long userCode = loop.userCodeOnDriverSince();
            if (r == null && userCode != 0 && now - userCode >= limit && reportedStep != s) {
                reportedStep = s;
                blockedDriver(now - userCode, s);
                return;
            }
            if (r != null && pinnedInLoopWait(r, s)) {
                return; // ended at once: no limit to wait for, since nothing else can end that wait
            }
            if (r == null || s != seenSteps || r != seenTask) {
                seenSteps = s;
                seenTask = r;
                seenSince = now;
                return;
            }
            if (now - seenSince < limit || reportedStep == s) {
                return;
            }
            reportedStep = s;
            StackTraceElement[] stack = r.thread.getStackTrace();
            if (loop.isSimulated()) {
                String initializer = waitingInAClassInitializer(stack);
                RunawayTasks.add(r); // it goes on, with what it holds, after its run has stopped
                loop.ranAway(ranAway(r, stack, initializer, now - seenSince, s), s);
                if (initializer != null) {
                    // Pinned in the initializer, the wait holds the driver that would end it: nothing
                    // else ever would, and the task, its driver and every user of that class would wait
                    // for the rest of the JVM. An interrupt cancels the wait; the task unwinds.
                    r.thread.interrupt();
                }
            } else {
                slowStep(r.name(), now - seenSince, stack, startedInAnInitializer(), waitingInAClassInitializer(stack));
            }
        }

        /**
         * Whether {@code r}, the running task of step {@code step}, is parked pinned to the driver in
         * one of the loop's own waits, which only the driver could end: it then holds the driver, and
         * the loop, for ever (a task waiting inside a static initializer, most often). Reported here
         * on a simulation as the run's failure, and on a real loop as a warning; either way the task's
         * wait is then ended with an {@link IllegalStateException} ({@link #pinnedWaitOf}) so that the
         * task unwinds, or, for a wait that cancellation cannot end, the run fails with that exception
         * ({@code Scheduler.endIfPinned}). Every such wait is ended, and the first of a step
         * reported: a task that catches the exception and waits again in the same initializer is
         * pinned again, and would hold the driver for ever after a warning that says its wait was
         * ended. The stack is read only when the thread's state says pinned, and once per pinned
         * JDK wait.
         *
         * @return whether the task is in such a wait, found now or found before and not yet ended
         */
        private boolean pinnedInLoopWait(TaskImpl<?> r, long step) {
            PinnedWait ending = pinnedWait;
            if (ending != null && ending.task == r) {
                return true; // the wait found last is ending: its task has yet to take the exception
            }
            if (!VirtualThreads.parkedPinned(r.thread)) {
                pinnedCheckedStep = -1;
                return false;
            }
            if (pinnedCheckedStep == step) {
                return false;
            }
            StackTraceElement[] stack = r.thread.getStackTrace();
            if (!Frames.parksInLoopWait(stack)) {
                pinnedCheckedStep = step;
                return false; // a JDK wait pinned there may be ended by a thread outside: the limit applies
            }
            reportedStep = step;
            String initializer = waitingInAClassInitializer(stack);
            String cause = pinnedCause(initializer);
            pinnedWait = new PinnedWait(r, r.quoted() + " cannot wait here, pinned to its loop's driver"
                    + " thread: " + cause + " simloop ended the wait with this exception, since nothing else could have"
                    + " ended it.");
            if (pinnedReportedStep != step) {
                pinnedReportedStep = step;
                report(r, stack, initializer, cause, step);
            }
            r.thread.interrupt(); // ends its park: the task takes pinnedWait and throws it from the wait
            return true;
        }

        /** Reports the first wait of a step that {@link #pinnedInLoopWait} found: the run's failure, or a warning. */
        private void report(TaskImpl<?> r, StackTraceElement[] stack, String initializer, String cause, long step) {
            if (loop.isSimulated()) {
                RunawayTasks.add(r); // until it has unwound
                loop.ranAway(pinnedRunaway(r, stack, initializer, cause, step), step);
            } else {
                warn(() -> pinnedWarning(r.name(), cause, stack));
            }
        }

        /**
         * @return the message for the task that {@link #pinnedInLoopWait} found, to throw from its
         *     wait; null, and nothing taken, for any other task
         */
        String pinnedWaitOf(TaskImpl<?> t) {
            PinnedWait p = pinnedWait;
            if (p == null || p.task != t) {
                return null;
            }
            pinnedWait = null;
            return p.message;
        }

        /** The simulation's failure for a task that {@link #pinnedInLoopWait} found. */
        private dev.simloop.LimitExceeded pinnedRunaway(TaskImpl<?> t, StackTraceElement[] stack, String initializer,
                String cause, long step) {
            StringBuilder where = new StringBuilder();
            appendStack(where, stack);
            dev.simloop.LimitExceeded e = new dev.simloop.LimitExceeded(t.quoted() + " waits pinned to the"
                    + " loop's driver thread (step " + step + ", virtual time " + Nanos.format(loop.now()) + "): "
                    + cause + " The run stops here, and"
                    + " simloop ends the task's wait with an IllegalStateException so that it unwinds"
                    + (initializer == null ? "." : outOfTheInitializer("it"))
                    + " The task is at:" + where);
            e.setStackTrace(stack);
            return e;
        }

        /** User code that the driver runs outside any task has blocked it for the limit. */
        private void blockedDriver(long nanos, long step) {
            Thread driver = loop.driver;
            StackTraceElement[] stack = driver == null ? new StackTraceElement[0] : driver.getStackTrace();
            StringBuilder where = new StringBuilder();
            appendStack(where, stack);
            String what = loop.userCodeOnDriver();
            if (!loop.isSimulated()) {
                if (Log.LOG.isLoggable(System.Logger.Level.WARNING)) {
                    Log.LOG.log(System.Logger.Level.WARNING, what + " has held the loop's driver for "
                            + nanos / 1_000_000 + " ms: it must not block. It is at:" + where);
                }
                return;
            }
            dev.simloop.LimitExceeded e = new dev.simloop.LimitExceeded(what + " ran for " + Nanos.format(nanos)
                    + " of real time on the loop's driver thread (maxStepWallTime = " + Nanos.format(loop.maxStepWallNanos())
                    + ", step " + step + ", virtual time " + Nanos.format(loop.now()) + "): code there must not block,"
                    + " since no task runs until it returns. Wait for the future in a task instead (join() or get(),"
                    + " which end at the time-out) and act on its outcome in that task (an Async method with"
                    + " Loop.executor() does not help: the driver would hand the action over, and it may not call the"
                    + " loop). The run stops here; the driver is at:" + where);
            e.setStackTrace(stack);
            loop.ranAway(e, step);
        }

        /** @param initializer the class whose static initializer the task waits in ({@link #waitingInAClassInitializer}), or null */
        private dev.simloop.LimitExceeded ranAway(TaskImpl<?> t, StackTraceElement[] stack, String initializer, long nanos,
                long step) {
            StringBuilder where = new StringBuilder();
            appendStack(where, stack);
            if (loop.isKilling()) {
                // not a task without checkpoints: one that catches what unwinds it, and so never ends
                dev.simloop.LimitExceeded e = new dev.simloop.LimitExceeded(t.quoted() + " did not end while"
                        + " the aborted run unwound it: for " + Nanos.format(nanos) + " of real time it went on after the"
                        + " run had failed, catching what unwinds it at every runtime call (a catch (Throwable) or"
                        + " catch (Error) around a wait, in a loop, say). Let dev.simloop.internal.TaskAbandoned, an"
                        + " Error, pass such a catch. The task's thread cannot be stopped: it goes on until it lets"
                        + " that pass. The task is at:" + where);
                e.setStackTrace(stack);
                return e;
            }
            String afterwards = initializer != null
                    ? " The run stops here, and simloop interrupts the task's wait so that it unwinds"
                            + outOfTheInitializer("what the wait throws")
                    : " The run stops here. The task's thread cannot be stopped (the JVM cannot kill a thread): it goes"
                            + " on until it reaches a checkpoint, where it unwinds.";
            dev.simloop.LimitExceeded e = new dev.simloop.LimitExceeded(t.quoted() + " ran for "
                    + Nanos.format(nanos) + " of real time without reaching a checkpoint (maxStepWallTime = "
                    + Nanos.format(loop.maxStepWallNanos()) + ", step " + step + ", virtual time "
                    + Nanos.format(loop.now()) + "): " + likelyCause(initializer) + afterwards + " If the step is only slow,"
                    + " raise the limit with Simulation.builder().maxStepWallTime(d) or @SimulatedLoop(maxStepWallTime"
                    + " = ...). The task is at:" + where);
            e.setStackTrace(stack);
            return e;
        }

        /**
         * @param initializer the class whose static initializer the task waits in, or null
         * @return why a task holds the driver: a wait inside a static initializer, a run started from
         *     one (whose class every other thread waits for), or, as a rule, a CPU loop or a blocking call
         */
        private String likelyCause(String initializer) {
            if (initializer != null) {
                return pinnedCause(initializer);
            }
            StackTraceElement start = startedInAnInitializer();
            if (start != null) {
                return startedIn(start, "simulation") + "; or, if the task spins, it is a CPU loop or a call that"
                        + " blocks its thread.";
            }
            return "a CPU loop, or a call that blocks its thread, which no simulation can schedule around.";
        }

        /**
         * @return the innermost static initializer frame of the thread that waits for this loop's
         *     run, or null: that class's other users wait for the run to end
         */
        private StackTraceElement startedInAnInitializer() {
            return loop.caller() instanceof Thread caller ? innermostInitializer(caller.getStackTrace()) : null;
        }
    }

    /**
     * @param caught what the initializer would have to catch, as the sentence names it
     * @return how a task that unwinds out of a static initializer leaves the class, to end a report's sentence
     */
    private static String outOfTheInitializer(String caught) {
        return " out of the initializer: unless the initializer catches " + caught + ", that class's initialization"
                + " then fails, and later uses of the class in this JVM throw NoClassDefFoundError.";
    }

    /** A wait that the watchdog found pinned to its loop's driver, and the message to end it with. */
    private record PinnedWait(TaskImpl<?> task, String message) {
    }

    /**
     * @param initializer the class whose static initializer the task waits in, or null (a native
     *     frame pins it)
     * @return why a task's wait holds its driver, and what to do
     */
    static String pinnedCause(String initializer) {
        String where = initializer != null ? "inside the static initializer of " + initializer
                : "below a native method's frame (native code that called back into Java)";
        return "it waits " + where + ", where the JVM pins the task to the driver: the wait cannot give the driver"
                + " back, so no other task runs and no timer fires that could end it. Move the wait (a sleep, a lock,"
                + " a wait for another task) out of " + (initializer != null ? "the static initializer" : "that call")
                + ", into code the task calls.";
    }

    /** The warning of a real loop whose task waits pinned to the driver (the task's wait is then ended). */
    private static String pinnedWarning(String task, String cause, StackTraceElement[] stack) {
        StringBuilder sb = new StringBuilder("task '").append(task).append("' waits pinned to the loop's driver thread: ")
                .append(cause).append(" simloop ends the wait with an IllegalStateException, so that the task fails"
                        + " instead of holding the loop for ever; a wait that cancellation cannot end (a task group's"
                        + " wait for its tasks, a lock taken back after a condition's wait) fails the whole run with"
                        + " it instead. It is at:");
        appendStack(sb, stack);
        return sb.toString();
    }

    /**
     * @return why a run started at {@code start}, a static initializer's frame, holds a task that
     *     uses that class; {@code run} says what kind of run it is
     */
    private static String startedIn(StackTraceElement start, String run) {
        String c = start.getClassName();
        return "the " + run + " was started from the static initializer of " + c + " (at " + start + "), and until"
                + " that initializer returns, which it does only after this run, the JVM holds any other thread that"
                + " uses " + c + " (calls its methods or lambdas, reads its static fields): most likely the task waits"
                + " there. Start the " + run + " outside static initializers (from main, a test method, or a method"
                + " that the initializer's users call)";
    }

    /** @return the innermost {@code <clinit>} frame of {@code stack}, or null */
    static StackTraceElement innermostInitializer(StackTraceElement[] stack) {
        for (StackTraceElement f : stack) {
            if (f.getMethodName().equals("<clinit>")) {
                return f;
            }
        }
        return null;
    }

    /**
     * @return the class whose static initializer {@code stack} waits in (a park below a
     *     {@code <clinit>} frame), or null
     */
    static String waitingInAClassInitializer(StackTraceElement[] stack) {
        boolean parked = false;
        for (StackTraceElement f : stack) { // innermost first
            if (f.getClassName().equals("java.lang.VirtualThread") && f.getMethodName().startsWith("park")
                    || f.getClassName().equals("jdk.internal.misc.Unsafe") && f.getMethodName().equals("park")) {
                parked = true;
            } else if (parked && f.getMethodName().equals("<clinit>")) {
                return f.getClassName();
            }
        }
        return null;
    }

    /** Logs {@code message} at WARNING ("dev.simloop"), made only when that level is logged. */
    static void warn(java.util.function.Supplier<String> message) {
        if (Log.LOG.isLoggable(System.Logger.Level.WARNING)) {
            Log.LOG.log(System.Logger.Level.WARNING, message.get());
        }
    }

    /**
     * Logs a slow step of a real loop. {@code nanos} counts from the watchdog's first look at the
     * step (the driver reads no clock per step), so the step may have run up to a period longer.
     *
     * @param task the task's name
     * @param startedIn the static initializer frame that the loop's caller is in, or null
     * @param waitsIn the class whose static initializer the task waits in (pinned there, with a JDK
     *     wait: the loop's own are reported at once), or null
     */
    static void slowStep(String task, long nanos, StackTraceElement[] stack, StackTraceElement startedIn,
            String waitsIn) {
        if (!Log.LOG.isLoggable(System.Logger.Level.WARNING)) {
            return;
        }
        StringBuilder sb = new StringBuilder("task '").append(task).append("' has held the loop for at least ")
                .append(nanos / 1_000_000).append(" ms without reaching a checkpoint, and no other task of the loop "
                        + "runs meanwhile. ");
        if (waitsIn != null) {
            String cause = pinnedCause(waitsIn);
            sb.append(Character.toUpperCase(cause.charAt(0))).append(cause, 1, cause.length()).append(" It is at:");
        } else if (startedIn != null) {
            String cause = startedIn(startedIn, "loop");
            sb.append(Character.toUpperCase(cause.charAt(0))).append(cause, 1, cause.length()).append(". If the task"
                    + " spins instead, offload CPU-heavy or blocking work with Loop.toThread, or add Loop.checkpoint()"
                    + " calls. It is at:");
        } else {
            sb.append("Offload CPU-heavy or blocking work with Loop.toThread, or add Loop.checkpoint() calls. It is at:");
        }
        appendStack(sb, stack);
        Log.LOG.log(System.Logger.Level.WARNING, sb.toString());
    }

    static void appendStack(StringBuilder sb, StackTraceElement[] stack) {
        int shown = 0;
        for (StackTraceElement e : stack) {
            if (shown++ == 12) {
                sb.append("\n\t...");
                break;
            }
            sb.append("\n\tat ").append(e);
        }
    }

    private static long slowStepNanos() {
        return durationProperty(SLOW_STEP_PROPERTY, 100_000_000L, "100 ms");
    }

    /**
     * @return the ISO-8601 duration the system property {@code name} gives, in nanos, or
     *     {@code defaultNanos} when it is not set, or not a positive duration a long counts in
     *     nanoseconds (which is logged, once for each bad value: it may be read again and again)
     */
    static long durationProperty(String name, long defaultNanos, String defaultText) {
        String v = System.getProperty(name);
        if (v == null || v.isBlank()) {
            return defaultNanos;
        }
        String problem;
        try {
            Duration d = Duration.parse(v.trim());
            if (d.isPositive()) {
                return d.toNanos();
            }
            problem = "is not positive";
        } catch (DateTimeParseException e) {
            problem = "is not an ISO-8601 duration";
        } catch (ArithmeticException e) {
            problem = "is longer than the 292 years a long counts in nanoseconds";
        }
        if (!v.equals(LoggedBadValues.BY_PROPERTY.put(name, v))) {
            Log.LOG.log(System.Logger.Level.WARNING, "-D" + name + "=" + SafeText.input(v) + " " + problem
                    + " (write it like PT0.1S for 100 ms, or PT2S); using the default, " + defaultText);
        }
        return defaultNanos;
    }
}
