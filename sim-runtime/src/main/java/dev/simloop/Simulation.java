package dev.simloop;

import dev.simloop.internal.DeterminismCheck;
import dev.simloop.internal.ThreadIdSkew;
import dev.simloop.internal.Drivers;
import dev.simloop.internal.HtmlReport;
import dev.simloop.internal.RunOutcome;
import dev.simloop.internal.Nanos;
import dev.simloop.internal.Scheduler;
import dev.simloop.internal.Picker;
import dev.simloop.internal.ReplayPicker;
import dev.simloop.internal.Runaway;
import dev.simloop.internal.SafeText;
import dev.simloop.internal.WidthRecorder;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

/**
 * Runs code on a simulated loop: a virtual clock that starts at 0 and jumps to the next timer when
 * no task is ready (an hour of {@link Loop#sleep} takes microseconds), and a seeded strategy that
 * chooses which ready task runs next. Every choice among several ready tasks is recorded, so the
 * run replays exactly from the one line {@link SimResult#replayLine()} prints.
 *
 * <pre>{@code
 * SimResult<Integer> r = Simulation.run(42, () -> counterRace());
 * if (r.failed()) System.out.println("replay with: " + r.replayLine());
 * SimResult<Integer> again = Simulation.builder().replay(r.replayLine()).run(() -> counterRace());
 * }</pre>
 *
 * <p>Besides the program's own failures, a run fails with {@link DeadlockDetected} (every task
 * blocked, nothing pending; the message shows the wait-for cycles), {@link LimitExceeded},
 * {@link NondeterminismDetected}, and {@link LeakDetected} when a task finished still holding a
 * lock (see {@link Builder#checkLeaks(boolean)}).
 */
public final class Simulation {
    /** Default livelock guard. */
    public static final long DEFAULT_MAX_STEPS = 10_000_000L;
    /** Default runaway-time guard. */
    public static final Duration DEFAULT_MAX_VIRTUAL_TIME = Duration.ofDays(365);
    /** The largest {@code maxVirtualTime}: half the nanoseconds a long counts, so no deadline within it saturates. */
    private static final Duration MAX_VIRTUAL_TIME = Duration.ofNanos(Long.MAX_VALUE / 2);

    /** @return {@code d}, checked as a {@code maxVirtualTime} for {@code call}: not negative, at most {@link #MAX_VIRTUAL_TIME} */
    static Duration virtualTimeLimit(Duration d, String call) {
        Objects.requireNonNull(d, call + ": d");
        if (d.isNegative()) {
            throw new IllegalArgumentException(call + ": must not be negative, but was " + d);
        }
        if (d.compareTo(MAX_VIRTUAL_TIME) > 0) {
            // the clock counts nanoseconds in a long: past about 292 years deadlines saturate and tie
            throw new IllegalArgumentException(call + ": at most " + MAX_VIRTUAL_TIME.toDays() + " days (about 146"
                    + " years), but was " + d + ": the virtual clock counts nanoseconds in a long, and timers past its"
                    + " end would all fire at one instant");
        }
        return d;
    }
    /** Default of {@link Builder#maxStepWallTime}: 10 seconds of real time. */
    public static final Duration DEFAULT_MAX_STEP_WALL_TIME = Duration.ofSeconds(10);

    private Simulation() {
    }

    /**
     * Runs {@code main} with the {@link Strategy#random()} strategy seeded with {@code seed}.
     *
     * @param seed the seed
     * @param main the root task's body
     * @param <T> the value type
     * @return the result; never throws the task's failure
     */
    public static <T> SimResult<T> run(long seed, ThrowingSupplier<T> main) {
        Objects.requireNonNull(main, "Simulation.run: main");
        return builder().seed(seed).run(main);
    }

    /** @return a builder for a configured run */
    public static Builder builder() {
        return new BuilderImpl();
    }

    /** Configures one simulated run. */
    public interface Builder {
        /**
         * @param seed seeds the strategy and {@link Loop#random()}; default 0
         * @return this builder
         * @throws IllegalStateException after {@link #replay}, whose line sets the seed itself
         */
        Builder seed(long seed);

        /**
         * @param s how to choose among ready tasks; default {@link Strategy#random()}
         * @return this builder
         * @throws IllegalStateException after {@link #replay}, whose line sets the strategy itself
         */
        Builder strategy(Strategy s);

        /**
         * Exact replay of a recorded run: its strategy, priority policy, seed and every choice (a
         * later {@link #priorityPolicy} call overrides the line's policy; a later {@link #seed} or
         * {@link #strategy} call is an error, as it would run another run). A run that no longer
         * fits the recorded choices (a choice among fewer candidates than recorded, more choices than
         * recorded, or fewer or more steps than the line's) fails with {@link ReplayDiverged} (a
         * {@link NondeterminismDetected}) naming the step, the virtual time and the ready tasks,
         * unless {@link #lenientReplay} is on.
         *
         * @param line a line printed by {@link SimResult#replayLine()}
         * @return this builder
         * @throws IllegalArgumentException when the line is malformed, or is a built schedule's
         *     {@code Schedule.of(…)} form, which has no run to replay (follow it with
         *     {@link #followChoices} instead)
         */
        Builder replay(String line);

        /**
         * Makes a {@link #replay} lenient: from the first recorded choice that no longer fits the
         * program (which has changed since the line was recorded), the line's strategy and seed
         * decide the rest of the run instead of failing it. Useful to see whether a recorded bug
         * still shows up after an edit. Default off.
         *
         * @param on whether a replay that stops fitting continues with the strategy
         * @return this builder
         */
        Builder lenientReplay(boolean on);

        /**
         * Runs the program twice with the same seed, strategy and schedule and compares them step
         * by step: which task ran, the ready tasks and timers before it (through the trace digest),
         * and how its step ended. When the runs differ, the result fails with
         * {@link NondeterminismDetected} "nondeterminism detected at step N (task …)", with the
         * first run's own failure, if any, attached as suppressed. Default off (it doubles the
         * cost); {@link Exploration} and {@code @SimulatedLoop} turn it on for the replay of a
         * failure.
         *
         * @param on whether to run twice and compare
         * @return this builder
         */
        Builder checkDeterminism(boolean on);

        /**
         * Steers the run with {@code s}'s choices, then lets the strategy continue: choice {@code i}
         * picks candidate {@code c % candidates}, so any list of numbers makes a valid run, which is
         * what generated and shrunk schedules need (see {@code dev.simloop.jqwik}). This is not a
         * replay: the seed, strategy and priority policy stay this builder's, and the choices are
         * followed even where they no longer fit. To reproduce a recorded run exactly, use
         * {@link #replay(String)} with its replay line.
         *
         * @param s the choices to follow first
         * @return this builder
         * @throws IllegalStateException after {@link #replay}, whose line sets the choices itself
         */
        Builder followChoices(Schedule s);

        /**
         * The old name of {@link #followChoices}, which read like {@link #replay(String)}.
         *
         * @param s the choices to follow first
         * @return this builder
         * @deprecated use {@link #followChoices(Schedule)}; this name goes in 0.2
         */
        @Deprecated(since = "0.1", forRemoval = true)
        default Builder schedule(Schedule s) {
            return followChoices(Objects.requireNonNull(s, "Simulation.Builder.schedule: schedule"));
        }

        /**
         * @param on record the run's events for {@link SimResult#traceTable} and
         *     {@link SimResult#chromeTraceJson} (default off: a traced run allocates per event)
         * @return this builder
         */
        Builder trace(boolean on);

        /**
         * @param steps stop the run with {@link LimitExceeded} after this many steps
         * @return this builder
         */
        Builder maxSteps(long steps);

        /**
         * @param d stop the run with {@link LimitExceeded} when the next timer is later than this; at
         *     most about 146 years ({@code Long.MAX_VALUE / 2} nanoseconds: the clock counts
         *     nanoseconds in a long)
         * @return this builder
         * @throws IllegalArgumentException when {@code d} is negative or longer than that
         */
        Builder maxVirtualTime(Duration d);

        /**
         * The no-silent-hang guard, in real (wall-clock) time: a task that runs this long without
         * reaching a checkpoint (a CPU loop), or a simulation that waits this long for work outside it
         * ({@link Loop#toThread} work, a future of the common pool, a wait that only a thread outside
         * could end), fails the run with {@link LimitExceeded} (or {@link NondeterminismDetected} for the
         * last), naming the task and where it is. A runaway task's thread cannot be stopped (the JVM
         * cannot kill a thread): the run reports and returns, and the thread goes on until it reaches
         * a checkpoint, where it unwinds. Default {@link #DEFAULT_MAX_STEP_WALL_TIME}.
         *
         * @param d the limit; positive
         * @return this builder
         */
        Builder maxStepWallTime(Duration d);

        /**
         * Runs the loop with a priority policy: the strategy chooses only among the ready tasks with
         * the most urgent effective priority (and tasks boosted after waiting too long), so the
         * explored interleavings are the ones a production loop with the same policy can produce.
         * The replay line records the policy (the recorded choices index the candidates it allowed),
         * and {@link #replay} sets it again. Called after {@code replay}, it overrides the line's
         * policy; a replay that then parts from the line fails with {@link ReplayDiverged} naming
         * both policies.
         *
         * @param policy the policy; null turns it off (the default)
         * @return this builder
         */
        Builder priorityPolicy(PriorityPolicy policy);

        /**
         * The leak check (on by default): a run that otherwise succeeds fails with
         * {@link LeakDetected} when a task finished while still holding a lock (which then broke),
         * naming the lock, the task and the step and virtual time it finished at; a run that failed
         * anyway keeps its failure and gets the {@code LeakDetected} as a suppressed exception.
         * Turn it off for a program that leaves locks held on purpose (its later acquirers get
         * {@link dev.simloop.sync.BrokenResourceException} either way).
         *
         * @param on whether to check
         * @return this builder
         */
        Builder checkLeaks(boolean on);

        /**
         * Runs {@code main} as the root task of a fresh simulated loop.
         *
         * @param main the root task's body
         * @param <T> the value type
         * @return the result; never throws the task's failure
         */
        <T> SimResult<T> run(ThrowingSupplier<T> main);
    }

    private static final class BuilderImpl implements Builder {
        private long seed;
        private Strategy strategy = Strategy.random();
        private Schedule follow;
        private boolean strict;
        private boolean lenient;
        private boolean checkDeterminism;
        private long maxSteps = DEFAULT_MAX_STEPS;
        private Duration maxVirtualTime = DEFAULT_MAX_VIRTUAL_TIME;
        private Duration maxStepWallTime = DEFAULT_MAX_STEP_WALL_TIME;
        private PriorityPolicy priorityPolicy;
        private boolean trace;
        private boolean checkLeaks = true;
        /** Record how many candidates each choice had (a systematic search needs them); off normally. */
        private boolean recordWidths;
        /** The tasks to run, by id, choice by choice ({@link #followingTaskIds}); null normally. */
        private int[] followIds;

        @Override
        public Builder checkLeaks(boolean on) {
            this.checkLeaks = on;
            return this;
        }

        @Override
        public Builder trace(boolean on) {
            this.trace = on;
            return this;
        }

        @Override
        public Builder seed(long seed) {
            requireNoReplay("seed(" + seed + ")");
            this.seed = seed;
            return this;
        }

        @Override
        public Builder strategy(Strategy s) {
            Objects.requireNonNull(s, "Simulation.Builder.strategy: strategy");
            requireNoReplay("strategy(" + s + ")");
            this.strategy = s;
            return this;
        }

        /**
         * A replay line names its seed and strategy; another one set after it would run a different
         * run than the line's while the user believes it is a replay.
         */
        private void requireNoReplay(String call) {
            if (strict) {
                throw new IllegalStateException("Simulation.Builder." + call + ": this builder replays a line, which"
                        + " sets the seed and the strategy itself (seed " + seed + ", strategy " + strategy + "); drop"
                        + " the " + call.substring(0, call.indexOf('(')) + " call, or use a new builder to run another run");
            }
        }

        @Override
        public Builder replay(String line) {
            Objects.requireNonNull(line, "Simulation.Builder.replay: line");
            Schedule s = Schedule.parse(line);
            if (s.isBuilt()) {
                throw new IllegalArgumentException(notAReplayLine(s));
            }
            this.follow = s;
            this.strict = true;
            this.seed = s.seed();
            this.strategy = Strategy.parse(s.strategy());
            this.priorityPolicy = s.priorityPolicy().orElse(null);
            return this;
        }

        private static String notAReplayLine(Schedule s) {
            String text = s.toString();
            return "'" + (text.length() <= 80 ? text : text.substring(0, 77) + "...") + "' is a built schedule (a list "
                    + "of choices, such as a generated jqwik sample), not a replay line recorded from a run, so it "
                    + "cannot be replayed: follow its choices with Simulation.builder().followChoices(Schedule.parse("
                    + "\"...\")), or replay the line a failed run printed (SimResult.replayLine(), the 'replay:' "
                    + "line of a failure message)";
        }

        @Override
        public Builder lenientReplay(boolean on) {
            this.lenient = on;
            return this;
        }

        @Override
        public Builder checkDeterminism(boolean on) {
            this.checkDeterminism = on;
            return this;
        }

        @Override
        public Builder followChoices(Schedule s) {
            Objects.requireNonNull(s, "Simulation.Builder.followChoices: schedule");
            requireNoReplay("followChoices(" + s + ")");
            this.follow = s;
            this.strict = false;
            return this;
        }

        @Override
        public Builder maxSteps(long steps) {
            if (steps <= 0) {
                throw new IllegalArgumentException("Simulation.Builder.maxSteps: must be positive, but was " + steps);
            }
            this.maxSteps = steps;
            return this;
        }

        @Override
        public Builder maxVirtualTime(Duration d) {
            this.maxVirtualTime = virtualTimeLimit(d, "Simulation.Builder.maxVirtualTime");
            return this;
        }

        @Override
        public Builder maxStepWallTime(Duration d) {
            this.maxStepWallTime = positive(d, "Simulation.Builder.maxStepWallTime");
            return this;
        }

        @Override
        public Builder priorityPolicy(PriorityPolicy policy) {
            this.priorityPolicy = policy;
            return this;
        }

        @Override
        public <T> SimResult<T> run(ThrowingSupplier<T> main) {
            Objects.requireNonNull(main, "Simulation.Builder.run: main");
            if (lenient && !strict) {
                throw new IllegalStateException("Simulation.Builder.lenientReplay(true) applies to a replay, and this"
                        + " builder replays no line: give it the line with replay(line), or drop lenientReplay(true)");
            }
            if (!checkDeterminism) {
                return runOnce(main, null);
            }
            DeterminismCheck first = DeterminismCheck.recording();
            long mark = ThreadIdSkew.mark();
            SimResult<T> a = runOnce(main, first);
            ThreadIdSkew.after(mark); // the runs' thread ids differ by a prime: threadId() % n differs too
            SimResult<T> b = runOnce(main, first.comparing());
            if (b.failure() instanceof NondeterminismDetected d && a.failure() != null && a.failure() != d) {
                d.addSuppressed(a.failure());
            }
            return b;
        }

        private <T> SimResult<T> runOnce(ThrowingSupplier<T> main, DeterminismCheck check) {
            Strategy actual = strategy.forSeed(seed); // a portfolio's member: what the replay line names
            Scheduler.requireCanSimulate("Simulation.run"); // here, on the caller's thread: a task must not reach a driver
            RootRun<T> run = new RootRun<>(this, actual, check, main);
            if (Thread.currentThread().isInterrupted()) {
                // interrupted before the call: the run stops before its first step, every time (the
                // caller's wait would see the interrupt only if the run outlasted its first spin)
                run.accept(Thread.currentThread());
            }
            RunOutcome o;
            try {
                o = Drivers.call(run, run);
            } catch (Runaway r) {
                o = r.outcome(); // a task ran away; its thread goes on without us
            }
            @SuppressWarnings("unchecked") // the outcome's value is what main returned: a T
            T value = (T) o.value();
            ReplayLimits limits = o.failure() instanceof LimitExceeded ? replayLimits() : ReplayLimits.NONE;
            return new Result<>(value, withPolicyCause(o), actual, priorityPolicy, seed, run.widths, limits);
        }

        /**
         * @return {@code o}, or, when a strict replay under another priority policy than its line's
         *     parted from the line, {@code o} with a failure that names that policy as the cause: the
         *     line's choices index the candidates its own policy allowed, so the program need not have
         *     changed, as a divergence otherwise says
         */
        private RunOutcome withPolicyCause(RunOutcome o) {
            PriorityPolicy recorded = follow == null ? null : follow.priorityPolicy().orElse(null);
            if (!strict || lenient || !(o.failure() instanceof ReplayDiverged d) || Objects.equals(recorded, priorityPolicy)) {
                return o;
            }
            String detail = d.getMessage();
            if (detail.startsWith(ReplayPicker.PROGRAM_CHANGED)) {
                detail = detail.substring(ReplayPicker.PROGRAM_CHANGED.length());
            }
            if (detail.endsWith(ReplayPicker.IF_UNCHANGED)) {
                detail = detail.substring(0, detail.length() - ReplayPicker.IF_UNCHANGED.length()); // the policy is the cause
            }
            ReplayDiverged why = new ReplayDiverged("the replay runs " + policyText(priorityPolicy) + ", but its line was"
                    + " recorded " + policyText(recorded) + " (a line's choices index the candidates its policy allowed),"
                    + " so the run parted from the line; the program need not have changed. Replay it exactly under the"
                    + " line's own policy: drop the priorityPolicy(..) call after replay(line) (in @SimulatedLoop,"
                    + " priorityPolicy = true adds the standard policy to a line recorded without one). Where it parted: "
                    + detail);
            why.setStackTrace(d.getStackTrace());
            for (Throwable kept : d.getSuppressed()) {
                why.addSuppressed(kept); // e.g. the deadlock a run that ended sooner than its line's ended in
            }
            return new RunOutcome(o.value(), why, o.steps(), o.endNanos(), o.choices(), o.preemptions(), o.digest(),
                    o.trace());
        }

        private static String policyText(PriorityPolicy p) {
            return p == null ? "without a priority policy" : "with " + p.lineForm();
        }

        /** @return this builder's limits where they are not the defaults, as a replay of a run they stopped must repeat them */
        private ReplayLimits replayLimits() {
            String calls = "";
            String elements = "";
            if (maxSteps != DEFAULT_MAX_STEPS) {
                String literal = maxSteps + (maxSteps > Integer.MAX_VALUE ? "L" : ""); // pasted as Java source
                calls += ".maxSteps(" + literal + ")";
                elements += ", maxSteps = " + literal;
            }
            if (!maxVirtualTime.equals(DEFAULT_MAX_VIRTUAL_TIME)) {
                calls += ".maxVirtualTime(Duration.parse(\"" + maxVirtualTime + "\"))";
                elements += ", maxVirtualTime = \"" + maxVirtualTime + "\"";
            }
            return new ReplayLimits(calls, elements);
        }

        /**
         * @return a new loop for one run of {@code actual} as this builder says, made on the thread
         *     that runs it (see {@link RootRun}), which is told the recorder of its widths, if any
         */
        private Scheduler newLoop(Strategy actual, DeterminismCheck check, RootRun<?> run) {
            Picker picker = actual.newPicker(seed);
            if (follow != null) {
                ReplayPicker.Mode mode = !strict ? ReplayPicker.Mode.MODULO
                        : lenient ? ReplayPicker.Mode.LENIENT : ReplayPicker.Mode.STRICT;
                picker = new ReplayPicker(follow.choiceArray(), mode, picker);
            }
            if (followIds != null) {
                picker = new dev.simloop.internal.TaskIdPicker(followIds, picker);
            }
            WidthRecorder widths = recordWidths ? new WidthRecorder(picker) : null;
            if (widths != null) {
                picker = widths;
            }
            Scheduler loop = Scheduler.simulated(picker, seed, maxSteps, maxVirtualTime);
            if (follow != null && strict && !lenient) {
                loop.replayEndsAt(follow.steps());
            }
            if (priorityPolicy != null) {
                loop.setPriorityPolicy(priorityPolicy.newScheduling());
            }
            if (trace) {
                loop.enableTrace();
            }
            if (check != null) {
                loop.checkDeterminism(check);
            }
            loop.setCheckLeaks(checkLeaks);
            loop.setMaxStepWallTime(maxStepWallTime);
            run.widths = widths;
            return loop;
        }
    }

    /**
     * One run's work on its driver: the loop runs {@code main} in a task group of the root task,
     * and an interrupted caller stops the loop. A named class rather than the four lambdas it
     * replaces: each lambda's first use spins a class, which a fresh JVM's first simulation pays
     * (issue 15).
     *
     * <p>The loop is made on the driver, not by the caller: the loop, its picker and its
     * collaborators are touched at every step, and objects a thread has just made sit in that
     * thread's core's cache. Made by the caller, each of their cache lines first crossed to the
     * driver's core: with the cores far apart, a trivial run took 1,805–1,850 ns that way and
     * 1,611–1,630 ns this way (issue 15, row U1).
     */
    private static final class RootRun<T> implements Callable<RunOutcome>, Consumer<Thread>, ThrowingSupplier<T>,
            ThrowingFunction<TaskGroup, T> {
        private final BuilderImpl builder;
        private final Strategy actual;
        private final DeterminismCheck check;
        private final ThrowingSupplier<T> main;
        /** The run's loop once the driver has made it; read by an interrupted caller. */
        private volatile Scheduler loop;
        /** Set by an interrupted caller: a loop made after it must stop at once. */
        private volatile boolean stopAsked;
        /**
         * The recorder of the run's choices' widths, or null; set by the driver before the run. A
         * plain field: the caller reads it after the call's outcome (or the watchdog's rescue, which
         * found the run's loop on its driver) is published, both after this write.
         */
        WidthRecorder widths;

        RootRun(BuilderImpl builder, Strategy actual, DeterminismCheck check, ThrowingSupplier<T> main) {
            this.builder = builder;
            this.actual = actual;
            this.check = check;
            this.main = main;
        }

        /** On the driver: the whole run. */
        @Override
        public RunOutcome call() {
            Scheduler l = builder.newLoop(actual, check, this);
            loop = l;
            if (stopAsked) { // the caller was interrupted before the loop was there to be told
                l.requestStop();
            }
            return l.run(this);
        }

        /** The caller was interrupted while it waited. */
        @Override
        public void accept(Thread caller) {
            stopAsked = true;
            Scheduler l = loop;
            if (l != null) {
                l.requestStop();
            }
        }

        /** The root task's body. */
        @Override
        public T get() {
            return TaskGroup.with(this);
        }

        /** The root group's body. */
        @Override
        public T apply(TaskGroup root) throws Exception {
            return main.get();
        }
    }

    /**
     * @return {@code d}, checked to be a positive duration
     * @throws IllegalArgumentException naming {@code call} when it is zero or negative
     */
    static Duration positive(Duration d, String call) {
        if (d == null) {
            throw new NullPointerException(call + ": d"); // the message built only when thrown: this runs once per schedule
        }
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(call + ": must be positive, but was " + d);
        }
        return d;
    }

    /** @return the result of a run that ended with {@code outcome} (one that ran away, reported from outside it) */
    static <T> SimResult<T> resultOf(RunOutcome outcome, Strategy strategy, PriorityPolicy policy, long seed) {
        return new Result<>(null, outcome, strategy, policy, seed, null, ReplayLimits.NONE);
    }

    /**
     * The limits a replay must repeat to stop where the run did: a strict replay of a run that a
     * limit stopped goes past the line's end without it. As builder calls ({@code .maxSteps(300)})
     * and as {@code @SimulatedLoop} elements ({@code , maxSteps = 300}); empty where the run had the
     * defaults, which a replay has too.
     */
    private record ReplayLimits(String builderCalls, String annotationElements) {
        static final ReplayLimits NONE = new ReplayLimits("", "");
    }

    static {
        dev.simloop.internal.WarmUp.start(); // the JDK's start-up a first run needs, on another thread (issue 15)
        dev.simloop.internal.RanAway.register(new RanAwayResults());
        dev.simloop.internal.FailedAfterRun.register(new FailedAfterRunResults());
    }

    /** What the JUnit extension shrinks when a schedule's run passed and its {@code @AfterEach} then threw (see {@code FailedAfterRun}). */
    private static final class FailedAfterRunResults implements dev.simloop.internal.FailedAfterRun.Results {
        @Override
        public SimResult<?> of(SimResult<?> run, Throwable failure) {
            Objects.requireNonNull(failure, "FailedAfterRun.of: failure");
            if (!(run instanceof Result<?> r) || r.failed()) {
                throw new IllegalArgumentException("FailedAfterRun.of: takes a run of a Simulation that passed, but was "
                        + run);
            }
            RunOutcome o = r.outcome;
            return new Result<>(null, new RunOutcome(null, failure, o.steps(), o.endNanos(), o.choices(), o.preemptions(),
                    o.digest(), o.trace()), r.strategy, r.policy, r.seed, r.widths, r.limits);
        }
    }

    /** What the JUnit extension's batched schedules get for a run that ran away (see {@code RanAway}). */
    private static final class RanAwayResults implements dev.simloop.internal.RanAway.Results {
        @Override
        public SimResult<?> of(Builder builder, RunOutcome outcome) {
            BuilderImpl b = (BuilderImpl) builder;
            return resultOf(outcome, b.strategy.forSeed(b.seed), b.priorityPolicy, b.seed);
        }
    }

    /** @return the raw digest of a result made here (cheaper than parsing {@code traceDigest()}) */
    static long rawDigest(SimResult<?> r) {
        return dev.simloop.internal.RawDigest.of(r);
    }

    /** @return {@code b}, set to record how many candidates each choice of its runs had ({@link #widths}) */
    static Builder recordingWidths(Builder b) {
        ((BuilderImpl) b).recordWidths = true;
        return b;
    }

    /**
     * @return {@code b}, set to run, choice by choice, the task of the given id ({@code -(i + 1)}:
     *     tied timer {@code i}), and its strategy for what the ids do not decide (see
     *     {@link dev.simloop.internal.TaskIdPicker}). The run's replay line holds the choices made,
     *     so it replays without the ids.
     */
    static Builder followingTaskIds(Builder b, int[] ids) {
        ((BuilderImpl) b).followIds = ids.clone();
        return b;
    }

    /** @return for each choice of a run of a {@link #recordingWidths} builder, the id of the task chosen (see {@link #followingTaskIds}) */
    static int[] chosenIds(SimResult<?> r) {
        return r instanceof Result<?> res && res.widths != null ? res.widths.chosenIds() : null;
    }

    /** @return for each choice of a run of a {@link #recordingWidths} builder, the id of the task that had just yielded, or negative */
    static int[] continuingIds(SimResult<?> r) {
        return r instanceof Result<?> res && res.widths != null ? res.widths.continuingIds() : null;
    }

    /** @return the choices of a result made here */
    static int[] choices(SimResult<?> r) {
        return r instanceof Result<?> res ? res.outcome.choices() : null;
    }

    /** @return how many candidates each choice of a run of a {@link #recordingWidths} builder had */
    static int[] widths(SimResult<?> r) {
        return r instanceof Result<?> res && res.widths != null ? res.widths.widths() : null;
    }

    /** @return for each choice of a run of a {@link #recordingWidths} builder, the candidate that had just yielded */
    static int[] continuing(SimResult<?> r) {
        return r instanceof Result<?> res && res.widths != null ? res.widths.continuing() : null;
    }

    /**
     * @return the builder calls a replay of {@code r}'s line must add to stop where the run did
     *     ({@code .maxSteps(300)}), empty unless a limit other than the default stopped it
     */
    static String replayLimitCalls(SimResult<?> r) {
        return r instanceof Result<?> res ? res.limits.builderCalls() : "";
    }

    /**
     * @return {@code r} (a result made here) with {@code why} as its failure: a failing schedule whose
     *     line, replayed, ran differently, so that the line is shown as the one that failed once, not
     *     as one that reproduces the failure
     */
    static <T> SimResult<T> notReproduced(SimResult<T> r, NondeterminismDetected why) {
        Result<T> res = (Result<T>) r;
        RunOutcome o = res.outcome;
        Result<T> x = new Result<>(null, new RunOutcome(o.value(), why, o.steps(), o.endNanos(), o.choices(),
                o.preemptions(), o.digest(), o.trace()), res.strategy, res.policy, res.seed, res.widths, res.limits);
        x.notReproduced = true;
        return x;
    }

    /** @return how many choices the run recorded */
    static int choiceCount(SimResult<?> r) {
        return r instanceof Result<?> res ? res.outcome.choices().length : Schedule.parse(r.replayLine()).size();
    }

    /** The longest replay line a failure's message quotes in the ways to paste it ({@link SafeText#LONGEST_QUOTED_LINE}). */
    static final int LONGEST_QUOTED_LINE = SafeText.LONGEST_QUOTED_LINE;
    /** The longest replay line a failure's message gives whole ({@link SafeText#LONGEST_SHOWN_LINE}); a longer one is cut. */
    static final int LONGEST_SHOWN_LINE = SafeText.LONGEST_SHOWN_LINE;

    /** A finished run. The replay line and digest text are built on first use: exploring loops rarely need them. */
    private static final class Result<T> implements SimResult<T>, dev.simloop.internal.RawDigest,
            dev.simloop.internal.SearchOrder.Recorded {
        private final T theValue;
        private final RunOutcome outcome;
        private final Strategy strategy;
        private final PriorityPolicy policy;
        private final long seed;
        /** How many candidates each choice had and which had just yielded, when recorded; null otherwise. */
        private final WidthRecorder widths;
        /** The limits a replay must repeat (see {@link ReplayLimits}): none unless a limit stopped the run. */
        private final ReplayLimits limits;
        private String schedule;
        /** Whether a replay of the line ran differently ({@link #notReproduced}): the report does not offer it as a pin. */
        private boolean notReproduced;

        Result(T value, RunOutcome outcome, Strategy strategy, PriorityPolicy policy, long seed, WidthRecorder widths,
                ReplayLimits limits) {
            this.limits = limits;
            this.theValue = value;
            this.outcome = outcome;
            this.strategy = strategy;
            this.policy = policy;
            this.seed = seed;
            this.widths = widths;
        }

        @Override
        public Throwable failure() {
            return outcome.failure();
        }

        @Override
        public int[] recordedChoices() {
            return outcome.choices();
        }

        @Override
        public WidthRecorder recordedWidths() {
            return widths;
        }

        @Override
        public long seed() {
            return seed;
        }

        @Override
        public String replayLine() {
            if (schedule == null) {
                schedule = Schedule.recorded(outcome.choices(), strategy, policy, seed, outcome.steps(),
                        outcome.preemptions()).toString();
            }
            return schedule;
        }

        @Override
        public long steps() {
            return outcome.steps();
        }

        @Override
        public int preemptions() {
            return outcome.preemptions();
        }

        @Override
        public Duration virtualTime() {
            return Duration.ofNanos(outcome.endNanos());
        }

        @Override
        public Optional<String> traceTable(int lastEvents) {
            if (lastEvents < 0) {
                throw new IllegalArgumentException("SimResult.traceTable: lastEvents must not be negative, but was "
                        + lastEvents);
            }
            return outcome.trace() == null ? Optional.empty() : Optional.of(outcome.trace().table(lastEvents));
        }

        @Override
        public Optional<String> chromeTraceJson() {
            return outcome.trace() == null ? Optional.empty() : Optional.of(outcome.trace().chromeJson());
        }

        @Override
        public void writeHtmlReport(java.nio.file.Path file, String title, String shrunkReplayLine)
                throws java.io.IOException {
            Objects.requireNonNull(file, "SimResult.writeHtmlReport: file");
            Objects.requireNonNull(title, "SimResult.writeHtmlReport: title");
            if (outcome.trace() == null) {
                SimResult.super.writeHtmlReport(file, title, shrunkReplayLine);
            }
            String page = new HtmlReport().title(title).failure(failure()).replayLine(replayLine())
                    .shrunkLine(shrunkReplayLine)
                    .facts("seed " + seed + " \u00b7 strategy " + strategy + " \u00b7 " + steps() + " steps \u00b7 virtual time "
                            + Nanos.format(outcome.endNanos()) + " \u00b7 digest " + traceDigest())
                    .render(outcome.trace());
            java.nio.file.Files.writeString(file, page);
        }

        @Override
        public long rawDigest() {
            return outcome.digest();
        }

        @Override
        public String traceDigest() {
            String hex = Long.toHexString(outcome.digest()); // as %016x, without a Formatter per call
            return hex.length() == 16 ? hex : "0".repeat(16 - hex.length()) + hex;
        }

        @Override
        public boolean failed() {
            return outcome.failure() != null;
        }

        @Override
        public T value() {
            if (failure() != null) {
                throw new SimulationFailure(report(), failure());
            }
            return theValue;
        }

        private String report() {
            String line = replayLine();
            return "simulated run failed: " + SafeText.brief(failure())
                    + "\n  seed:         " + seed
                    + "\n  strategy:     " + strategy
                    + "\n  virtual time: " + Nanos.format(outcome.endNanos()) + " after " + steps() + " steps"
                    + "\n  replay:       " + shown(line)
                    + (notReproduced ? "\n  (the line of the run that failed; replayed, it ran differently, so it does"
                            + " not reproduce the failure: see the failure's message)"
                    // the line once only when long: a run of millions of steps has a line of megabytes
                    : line.length() > LONGEST_SHOWN_LINE
                            ? "\n  (the line is " + line.length() + " characters long, too long for a message: the"
                                    + " result's replayLine() returns it whole, and Simulation.builder()" + limits.builderCalls()
                                    + ".replay(line) reproduces it" + sameLimits() + ")"
                    : line.length() <= LONGEST_QUOTED_LINE
                            ? "\n  (Simulation.builder()" + limits.builderCalls() + ".replay(\"" + line
                                    + "\") or @SimulatedLoop(replay = \"" + line + "\"" + limits.annotationElements()
                                    + ") reproduces it" + sameLimits() + ")"
                            : "\n  (Simulation.builder()" + limits.builderCalls() + ".replay(line), with the line above,"
                                    + " reproduces it" + sameLimits() + "; at " + line.length()
                                    + " characters it is too long for an annotation's string or one command-line argument)");
        }

        /** @return the line, or its start when it is too long to show ({@link SafeText#line}) */
        private static String shown(String line) {
            return SafeText.line(line, "");
        }

        /** @return why the advice repeats the run's limits, when it does */
        private String sameLimits() {
            return limits.builderCalls().isEmpty() ? "" : ": with the limit that stopped the run, so that the replay"
                    + " stops where it did";
        }

        @Override
        public String toString() {
            return "SimResult[" + (failed() ? "failed: " + SafeText.brief(failure()) : "value " + theValue) + ", seed " + seed
                    + ", " + steps() + " steps, virtual time " + Nanos.format(outcome.endNanos())
                    + ", digest " + traceDigest() + ", replay " + shown(replayLine()) + "]";
        }
    }
}
