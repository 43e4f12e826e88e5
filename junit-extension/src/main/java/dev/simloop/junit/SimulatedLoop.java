package dev.simloop.junit;

import dev.simloop.Simulation;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs a JUnit Jupiter test body as the main task of a deterministic simloop simulation: a virtual
 * clock ({@code Loop.sleep(Duration.ofHours(1))} returns at once) and a seeded strategy that
 * chooses which ready task runs next. When the test fails, the failure (a
 * {@link SimulatedLoopFailure} whose cause is the test's own exception) holds the one replay line
 * that reproduces the exact run, as an annotation to paste and as {@code -Dsimloop.replay=…};
 * unless {@link #shrink()} is off, it also holds a shrunk line: a schedule with the fewest
 * preemptions found that fails the same way, which the annotation and command line then use.
 *
 * <pre>{@code
 * @Test @SimulatedLoop                                  // one run, fresh seed, seed printed on failure
 * @Test @SimulatedLoop(seed = 42)                       // fixed seed
 * @Test @SimulatedLoop(schedules = 1000)                // explore 1000 schedules (the portfolio); stop at the first failure
 * @Test @SimulatedLoop(strategy = PREEMPTION_BOUNDED, bound = 2)
 *                                                      // every schedule within 2 preemptions
 * @Test @SimulatedLoop(schedules = 100_000, timeLimit = "PT30S")
 *                                                      // as many as 30 seconds allow
 * @Test @SimulatedLoop(schedules = 1000, failOn = AssertionError.class)
 *                                                      // hunt assertion failures; count the others
 * @Test @SimulatedLoop(replay = "simloop:1:...")        // exact replay of a reported failure
 * }</pre>
 *
 * <h2>Where it applies</h2>
 * On a method it applies to that test; on a class, to every test method of the class and of its
 * {@code @Nested} classes (also those it inherits from a superclass, which run in its instances). The
 * annotation nearest to the method wins: method, then its class, then enclosing classes. It is
 * meta-annotated with {@code @ExtendWith(SimulatedLoopExtension.class)}, so nothing else needs
 * registering. It works with {@code @Test}, {@code @ParameterizedTest} and
 * {@code @RepeatedTest} (each invocation is its own simulation or exploration); {@code @Timeout}
 * still guards wall-clock time, for the whole exploration. {@code @TestFactory} dynamic tests are
 * not simulated; on a {@code @TestFactory} method itself the annotation is refused (the factory
 * fails with an {@code IllegalArgumentException}).
 *
 * <h2>What runs inside the simulation</h2>
 * Only the test method's body: it is the root task's body, so {@code Loop}, {@code TaskGroup} and
 * the rest of simloop work directly in it, and {@code Loop.rootGroup()} is the run's root group.
 * {@code @BeforeEach}/{@code @AfterEach} methods run outside it, around each schedule: JUnit's own
 * calls on its thread for the first schedule, and for each later one on the thread that runs it. A test that never calls simloop runs as a single-task simulation. A parameter of type
 * {@link SimulationContext} receives the run's seed, clock and root group.
 *
 * <h2>Fresh state per schedule</h2>
 * With {@code schedules = n > 1}, every schedule starts from fresh test state. Schedule 1 runs on the
 * instance JUnit created for the test, with JUnit's full lifecycle. Each later schedule runs on a new
 * instance of the test class (for {@code @Nested} tests, a new instance of every enclosing class
 * too), built through JUnit's {@code ExecutableInvoker} so constructor parameters resolve as
 * usual; the class's {@code @BeforeEach} methods run on it first and its {@code @AfterEach} methods
 * after, also when the schedule fails. Extensions' own callbacks ({@code BeforeEachCallback},
 * {@code TestInstancePostProcessor}, ...) run once per test, for schedule 1 only. Test method
 * parameters are resolved once and passed to every schedule. With
 * {@code @TestInstance(Lifecycle.PER_CLASS)} the same instance is kept (that is what the class asks
 * for), as is that of a {@code PER_CLASS} enclosing class of a {@code @Nested} test, and only
 * {@code @BeforeEach}/{@code @AfterEach} re-run around each schedule. Static fields
 * are never reset.
 *
 * <h2>Command-line overrides</h2>
 * These JUnit configuration parameters (so {@code -D} system properties, or entries in
 * {@code junit-platform.properties}) override every {@code @SimulatedLoop} of the run:
 * {@code simloop.seed}, {@code simloop.replay}, {@code simloop.schedules}, {@code simloop.strategy}
 * (a {@link Kind} name in any case, such as {@code random} or {@code preemption_bounded}, any
 * strategy text such as {@code pct(5)}, or a bounded search with its bound: {@code exhaustive(2)},
 * {@code preemptionBounded(2)}, {@code delayBounded(3)}), {@code simloop.timeLimit} (a duration, as
 * {@link #timeLimit()}), {@code simloop.parallelism} (as {@link #parallelism()}), {@code simloop.shard}
 * and {@code simloop.shrink} ({@code true} or {@code false}, as {@link #shrink()}). One of them set
 * to an empty or blank value (a CI variable that was not set) is an error, as is one spelt in another
 * case ({@code -Dsimloop.timelimit}) or a letter or two off ({@code -Dsimloop.schedule}); {@code simloop.timeLimit} without {@code simloop.schedules} on a
 * test that runs one schedule is an error too, as it would stop nothing there.
 *
 * <h2>Sharding and results</h2>
 * {@code -Dsimloop.shard=INDEX/COUNT} (1-based), or a CI system's shard variables (see
 * {@code dev.simloop.Shard}), runs one part of every explored test's schedules: schedule {@code i}
 * of {@code schedules} runs in shard {@code i % COUNT + 1}, with the seed it has unsharded (a test
 * with a fresh seed then takes a shared one: {@code -Dsimloop.seed}, else the CI run's id, else one
 * fixed per test), so shards together run exactly the unsharded exploration and a failure found in
 * one replays anywhere. Every simulated test appends a line to {@code target/simloop/results.jsonl}
 * ({@link Results}), which {@code Results merge} turns into one summary and a JUnit XML report.
 * {@code -Dsimloop.replay} applies to every simulated test, so select the one test to replay too
 * (for Maven, {@code -Dtest=MyTest#method}).
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@ExtendWith(SimulatedLoopExtension.class)
public @interface SimulatedLoop {
    /** The value of {@link #seed()} that means "a fresh random seed for every run" (the default). */
    long FRESH_SEED = Long.MIN_VALUE;

    /**
     * The seed of the first schedule; later schedules of an exploration use seeds derived from it.
     * By default every run draws a fresh seed, which a failure report prints.
     *
     * @return the seed, or {@link #FRESH_SEED}
     */
    long seed() default FRESH_SEED;

    /** The default cap on the schedules of a bounded search ({@link Kind#EXHAUSTIVE}, {@link Kind#PREEMPTION_BOUNDED}, {@link Kind#DELAY_BOUNDED}). */
    int EXHAUSTIVE_SCHEDULES = 10_000;

    /** The value of {@link #bound()} that means "the bound is {@link #maxPreemptions()}" (the default). */
    int BOUND_FROM_MAX_PREEMPTIONS = -1;

    /**
     * How many schedules to explore. The test passes when all pass; exploration stops at the first
     * failure (of a kind {@link #failOn()} names), which is reported with its index ("schedule 17
     * of 1000"). A {@link #timeLimit()} may stop it sooner. For a bounded search
     * ({@link Kind#EXHAUSTIVE}, {@link Kind#PREEMPTION_BOUNDED}, {@link Kind#DELAY_BOUNDED}) it caps
     * the search. 0, the default, means 1, and {@value #EXHAUSTIVE_SCHEDULES} for a bounded search.
     *
     * @return at least 1, or 0 for the default
     */
    int schedules() default 0;

    /**
     * A wall-clock budget for the test's whole exploration: once it has passed, no further schedule
     * starts (the running one finishes first), and the test passes if no schedule failed, with a
     * report entry saying how many schedules ran and that the time limit stopped them. ISO-8601
     * ({@code "PT30S"}) or a number with a unit, as {@link #maxVirtualTime()} ({@code "30s"},
     * {@code "5m"}); positive. Empty, the default, means no limit: {@link #schedules()} runs (or
     * the end of a bounded search) end the exploration. Pair it with a large
     * {@code schedules} to explore for as long as a build can spare: on one schedule (no
     * {@code schedules} nor {@code -Dsimloop.schedules}, and no bounded search) it would stop nothing,
     * and is an error. {@code @Timeout}, by
     * contrast, fails the test when it fires.
     *
     * @return the budget, or empty for none
     */
    String timeLimit() default "";

    /**
     * How many schedules run at once, each on its own thread with its own fresh test instance. The
     * outcome is the one a single thread gives: results are judged in schedule order, so the failure
     * reported is the one with the lowest schedule index, and the pass summary counts the same
     * schedules; only the wall time differs. The test's schedules must then be safe to run
     * side by side: state they keep outside the simulation (static fields, files) is shared.
     * {@code -Dsimloop.parallelism=n} overrides it for every test. More than 1 on one schedule (no
     * {@code schedules} nor {@code -Dsimloop.schedules}, and no bounded search) would do nothing, and is
     * an error.
     *
     * @return at least 1; default 1
     */
    int parallelism() default 1;

    /**
     * The failures to hunt: a schedule that fails with an instance of one of these classes (the
     * test's own exception, or {@code DeadlockDetected}, {@code LimitExceeded}, ...) fails the test
     * as usual. A schedule that fails with anything else does not: the exploration goes on, and
     * such failures are counted by exception class in the report entry
     * {@code simloop.otherFailures} (and in the failure report, when a later schedule fails the
     * test). Empty, the default, means every failure fails the test. A
     * {@code NondeterminismDetected} (a {@link #replay()} that diverged, or a failed
     * {@link #checkDeterminism()}) always fails it: the run could not be reproduced.
     *
     * @return the exception classes that fail the test, or empty for every failure
     */
    Class<? extends Throwable>[] failOn() default {};

    /**
     * How the next ready task is chosen. The default, {@link Kind#DEFAULT}, is {@link Kind#RANDOM}
     * for one schedule and {@link Kind#PORTFOLIO} for several.
     *
     * @return the strategy kind
     */
    Kind strategy() default Kind.DEFAULT;

    /**
     * The depth (number of priority change points plus one) for {@link Kind#PCT}.
     *
     * @return from 1 to 1,000
     */
    int pctDepth() default 3;

    /**
     * The bound of a bounded search: {@link Kind#PREEMPTION_BOUNDED} runs every schedule with at
     * most this many preemptions, {@link Kind#DELAY_BOUNDED} every schedule at most this many
     * delays away from the non-preemptive one, {@link Kind#EXHAUSTIVE} every schedule with at most
     * this many choices away from FIFO order, unless {@link #schedules()} runs come first. The
     * default, {@link #BOUND_FROM_MAX_PREEMPTIONS}, takes {@link #maxPreemptions()} (2 unless set).
     *
     * @return at least 0, or {@link #BOUND_FROM_MAX_PREEMPTIONS}
     */
    int bound() default BOUND_FROM_MAX_PREEMPTIONS;

    /**
     * The bound of a bounded search when {@link #bound()} is not set: the older name of
     * {@link #bound()}, from when {@link Kind#EXHAUSTIVE} was the only bounded search; a
     * {@link #bound()} that is set wins.
     *
     * @return at least 0
     */
    int maxPreemptions() default 2;

    /**
     * A replay line ({@code simloop:1:…}) from a failure report: the test then runs exactly that one
     * schedule, and {@link #seed()}, {@link #schedules()} and {@link #strategy()} are ignored.
     *
     * @return the replay line, or empty
     */
    String replay() default "";

    /**
     * Livelock guard: a run taking more scheduling steps fails with {@code LimitExceeded}.
     *
     * @return the step limit of each run
     */
    long maxSteps() default Simulation.DEFAULT_MAX_STEPS;

    /**
     * Runaway-time guard: a run whose next timer lies beyond this virtual time fails with
     * {@code LimitExceeded}. ISO-8601 ({@code PT2H}) or a number with a unit: {@code ns}, {@code us},
     * {@code ms}, {@code s}, {@code m}, {@code h}, {@code d} ({@code 90s}, {@code 2h}). Empty means
     * the runtime's default, {@link Simulation#DEFAULT_MAX_VIRTUAL_TIME}.
     *
     * @return the limit, or empty
     */
    String maxVirtualTime() default "";

    /**
     * No-silent-hang guard, in real time: a task that runs this long without reaching a checkpoint
     * (a CPU loop, a call that blocks its thread), or a simulation that waits this long for work
     * outside it ({@code Loop.toThread}, a future of the common pool), fails the schedule with
     * {@code LimitExceeded} naming the task and where it is. Written like {@link #maxVirtualTime()};
     * positive. Empty means the runtime's default, {@link Simulation#DEFAULT_MAX_STEP_WALL_TIME}
     * (10 seconds).
     *
     * @return the limit, or empty
     */
    String maxStepWallTime() default "";

    /**
     * Runs every schedule a second time from its replay line and fails with
     * {@code NondeterminismDetected} when the two runs differ (digest or outcome): catches tests
     * whose behaviour depends on something outside the simulation (static state, wall time, real
     * I/O). Doubles the cost. A {@link #replay} (or {@code -Dsimloop.replay}) is always checked,
     * whatever this says: a replay that does not reproduce itself must not pass for a reproduction.
     *
     * @return whether to check
     */
    boolean checkDeterminism() default false;

    /**
     * Whether the scheduler honours task priorities ({@code Task.setPriority}) when choosing among
     * ready tasks: {@code PriorityPolicy.standard()} (most urgent effective priority first, FIFO
     * among equals, boosting so nothing starves); exploring strategies then choose only among the
     * most urgent ready tasks. Replay lines of such runs record the policy, and a {@link #replay}
     * of one runs with it whatever this says.
     *
     * @return whether the priority policy is on
     */
    boolean priorityPolicy() default false;

    /**
     * The leak check ({@code Simulation.Builder.checkLeaks}): a run in which a task finished while
     * still holding a lock fails with {@code LeakDetected}, naming the lock, the task and the step
     * and virtual time it finished at (a run that fails anyway gets it as a suppressed exception).
     * Turn it off for a test that leaves a lock held on purpose.
     *
     * @return whether to check; default on
     */
    boolean checkLeaks() default true;

    /**
     * Whether a failure is shrunk: the extension replays the test (on fresh test instances, as
     * schedules after the first run) to find a schedule with the fewest preemptions
     * ({@code SimResult.preemptions()}) that fails the same way (the same exception class, and its
     * message's first line but for numbers), first cutting the failing run before its preemptions,
     * then searching fewer preemptions, fewest first ({@code dev.simloop.Shrinking}); it is validated
     * by a replay of its line. The report prints both lines with their preemption counts, the shrunk
     * one first, and suggests it to paste. Within {@link #shrinkRuns()} runs and
     * {@link #shrinkTime()}; not for a {@link #replay()} or a {@code NondeterminismDetected}, and not
     * needed for an unsharded {@link Kind#PREEMPTION_BOUNDED} search (its failure has the fewest
     * already). {@code -Dsimloop.shrink=false} turns it off for every test, {@code true} on.
     *
     * @return whether to shrink; default on
     */
    boolean shrink() default true;

    /**
     * The most runs shrinking a failure may take (the validating replay is one more). Counted before
     * the wall time, so a shrink that ends within it gives the same line on every machine.
     *
     * @return at least 0 (0 turns shrinking off, as {@link #shrink()} {@code = false} does); default 2,000
     */
    int shrinkRuns() default 2_000;

    /**
     * The most wall time shrinking a failure may take, written like {@link #maxVirtualTime()};
     * positive. Empty, the default, means 2 seconds. When it ends the shrinking before
     * {@link #shrinkRuns()} does, the line found may differ between machines (it is a valid,
     * replayable failure either way).
     *
     * @return the budget, or empty for 2 seconds
     */
    String shrinkTime() default "";

    /** The scheduling strategies. */
    enum Kind {
        /** {@link #RANDOM} for one schedule, {@link #PORTFOLIO} for several; the default. */
        DEFAULT,
        /** Uniform random choice among ready tasks ({@code Strategy.random()}). */
        RANDOM,
        /**
         * Several strategies taking turns, one per schedule ({@code Strategy.portfolio()}: random,
         * pct(2), pct(3), pos, spawnerfirst), since no single one finds every bug; the replay line names the one
         * that ran. The default for several schedules.
         */
        PORTFOLIO,
        /** Production order, no exploration ({@code Strategy.fifo()}). */
        FIFO,
        /** Probabilistic concurrency testing ({@code Strategy.pct(depth)}), see {@link #pctDepth()}. */
        PCT,
        /** Partial-order sampling ({@code Strategy.pos()}). */
        POS,
        /**
         * Every schedule within {@link #bound()} departures from FIFO order, fewest first
         * ({@code BoundedSearch.upTo}, as {@code Exploration.exhaustive}); {@link #schedules()} caps
         * the runs, and every schedule uses the same seed. A pass says whether the bound was
         * exhausted. Departures are not preemptions as CHESS counts them: prefer
         * {@link #PREEMPTION_BOUNDED}.
         */
        EXHAUSTIVE,
        /**
         * Iterative preemption bounding (CHESS): every schedule with at most {@link #bound()}
         * preemptions, fewest first ({@code BoundedSearch.preemptions}, as
         * {@code Exploration.preemptionBounded}); capped and seeded as {@link #EXHAUSTIVE}. A
         * failure it finds has the fewest preemptions of any.
         */
        PREEMPTION_BOUNDED,
        /**
         * Iterative delay bounding: every schedule at most {@link #bound()} delays away from the
         * non-preemptive schedule, fewest first ({@code BoundedSearch.delays}, as
         * {@code Exploration.delayBounded}); capped and seeded as {@link #EXHAUSTIVE}.
         */
        DELAY_BOUNDED
    }
}
