package dev.simloop.junit;

import dev.simloop.BoundedSearch;
import dev.simloop.Exploration.StopReason;
import dev.simloop.LimitExceeded;
import dev.simloop.NondeterminismDetected;
import dev.simloop.ReplayDiverged;
import dev.simloop.Shard;
import dev.simloop.Shrinking;
import dev.simloop.SimResult;
import dev.simloop.Simulation;
import dev.simloop.Strategy;
import dev.simloop.ThrowingSupplier;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import dev.simloop.internal.FailedAfterRun;
import dev.simloop.internal.LoopStopper;
import dev.simloop.internal.OrderedRuns;
import dev.simloop.internal.PctText;
import dev.simloop.internal.RanAway;
import dev.simloop.internal.Runaway;
import dev.simloop.internal.Scheduler;
import dev.simloop.internal.ThreadIdSkew;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;
import org.junit.jupiter.api.extension.TestWatcher;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.ReflectionSupport;

/**
 * The JUnit Jupiter extension behind {@link SimulatedLoop}; registered by the annotation, so tests
 * need not name it. It runs the test method's body as the main task of one simulated run per
 * schedule, gives each schedule fresh test state (see {@link SimulatedLoop}), stops at the first
 * failing schedule (of the kinds {@link SimulatedLoop#failOn()} names) and throws a
 * {@link SimulatedLoopFailure} whose message is the replay report. A passing test publishes a
 * report entry: {@code simloop} says in words how many schedules ran and passed and why the
 * exploration stopped; {@code simloop.schedules} is the number run, {@code simloop.stopReason} an
 * {@link StopReason} name ({@code ALL_SCHEDULES_RUN}, {@code EXHAUSTED}, {@code TIME_LIMIT} or
 * {@code INTERRUPTED}), and {@code simloop.otherFailures}, present when some schedules failed
 * outside {@code failOn}, counts them by exception class.
 *
 * <p>Thread-safe: every test invocation owns its simulations, so tests may run in parallel. The
 * state shared between them is a map, by unique id, of the invocations whose exploration ended and
 * whose result JUnit has not reported yet ({@link #testFailed} reads it). Which instance of the
 * extension simulates a test, when JUnit registered two ({@link #owns}), is kept in the test's store.
 */
public final class SimulatedLoopExtension
        implements InvocationInterceptor, ParameterResolver, LifecycleMethodExecutionExceptionHandler, TestWatcher,
        AfterAllCallback, AfterTestExecutionCallback {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(SimulatedLoopExtension.class);

    /**
     * The test invocations (by unique id) whose exploration ended and wrote its results line, until
     * JUnit reports the test's result: what JUnit runs after the exploration (the first schedule's
     * {@code @AfterEach}) can still fail the test or add a failure outside {@code failOn} to its
     * summary, which {@link #testSuccessful} publishes, and what it runs before (a {@code @BeforeEach})
     * can fail it with no exploration at all; {@link #testFailed} writes the line those leave. Kept
     * here, not in the context's store, because JUnit closes the store before it calls a watcher.
     */
    private static final Map<String, Ended> ENDED = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * How one test invocation's exploration ended.
     *
     * @param cfg its settings, or null when they did not resolve
     * @param exploring the exploration, or null when its settings did not resolve
     * @param thrown what the exploration threw to JUnit, or null when it passed; set again when the
     *     first schedule's {@code @AfterEach} fails it
     * @param replayedFirst whether a re-run's replay ({@link #replayFirst}) failed the test, on a fresh
     *     instance of its own: JUnit's own instance never ran the test
     */
    private record Ended(RunConfig cfg, Exploring exploring, Throwable thrown, boolean replayedFirst) {
        Ended(RunConfig cfg, Exploring exploring, Throwable thrown) {
            this(cfg, exploring, thrown, false);
        }
    }

    /** Created by JUnit. */
    public SimulatedLoopExtension() {
    }

    @Override
    public void interceptTestMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> call,
            ExtensionContext context) throws Throwable {
        simulate(invocation, call, context);
    }

    @Override
    public void interceptTestTemplateMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> call,
            ExtensionContext context) throws Throwable {
        simulate(invocation, call, context);
    }

    /**
     * A {@code @TestFactory}'s dynamic tests are not simulated: JUnit runs their executables after the
     * factory returns, outside any hook that gives them a fresh instance and lifecycle per schedule.
     * With {@code @SimulatedLoop} on the class that is documented and the factory runs as it is; on
     * the factory method itself it can only be a mistake that would pass silently, so it fails the
     * factory with the way to simulate its tests.
     */
    @Override
    public <T> T interceptTestFactoryMethod(Invocation<T> invocation, ReflectiveInvocationContext<Method> call,
            ExtensionContext context) throws Throwable {
        Method factory = call.getExecutable();
        if (AnnotationSupport.isAnnotated(factory, SimulatedLoop.class)) {
            invocation.skip();
            throw new IllegalArgumentException("@SimulatedLoop on the @TestFactory method "
                    + factory.getDeclaringClass().getSimpleName() + "." + factory.getName()
                    + "() would simulate nothing: JUnit runs a factory's dynamic tests after it returns, and"
                    + " simloop does not simulate them. Put @SimulatedLoop on a @Test, @ParameterizedTest or"
                    + " @RepeatedTest method instead, or have each dynamic test call Simulation.run(seed, ...)"
                    + " or Exploration.of(...) itself.");
        }
        return invocation.proceed();
    }

    @Override
    public boolean supportsParameter(ParameterContext p, ExtensionContext context) {
        // Claimed in a lifecycle method or constructor too, to refuse it there saying why (resolveParameter),
        // where JUnit said only "No ParameterResolver registered".
        return p.getParameter().getType() == SimulationContext.class
                && context.getTestMethod().isPresent()
                && owns(context); // else JUnit fails the test: "multiple competing ParameterResolvers"
    }

    /** The key, in a test's store, of the instance of this extension that simulates the test ({@link #owns}). */
    private static final String OWNER = "owner";

    /**
     * @return whether this instance of the extension simulates the test: the first one asked. JUnit
     *     registers the extension once however often annotations name it, but an instance in a
     *     {@code @RegisterExtension} field is registered beside the one that {@code @SimulatedLoop} on the
     *     class names. Both would then simulate the test, the inner one inside the outer one's first
     *     schedule, which fails as a task waiting on a thread the simulation does not own; so the other
     *     passes every call through.
     */
    private boolean owns(ExtensionContext context) {
        ExtensionContext.Store store = context.getStore(NS);
        synchronized (STORE_LOCK) {
            Object owner = store.get(OWNER);
            if (owner == null) {
                store.put(OWNER, this);
                return true;
            }
            return owner == this;
        }
    }

    /**
     * @return whether another instance of this extension simulates the test ({@link #owns}), and this
     *     one lets it through: its watcher callbacks leave the test's results line to that one
     */
    private boolean passedThrough(ExtensionContext context) {
        Object owner = context.getStore(NS).get(OWNER);
        return owner != null && owner != this;
    }

    @Override
    public Object resolveParameter(ParameterContext p, ExtensionContext context) {
        if (!(p.getDeclaringExecutable() instanceof Method m) || !context.getTestMethod().get().equals(m)) {
            throw new org.junit.jupiter.api.extension.ParameterResolutionException("a SimulationContext is given to a"
                    + " @SimulatedLoop test method only, and " + executable(p) + " is not that: its clock and root group"
                    + " are those of the schedule's run, whose root task is the test method's body. Take it as a"
                    + " parameter of the test method.");
        }
        return simulationContext(context);
    }

    /** @return the method or constructor that declares {@code p}, as a message names it */
    private static String executable(ParameterContext p) {
        java.lang.reflect.Executable e = p.getDeclaringExecutable();
        return e instanceof Method ? "the method " + e.getDeclaringClass().getSimpleName() + "." + e.getName() + "()"
                : "the constructor of " + e.getDeclaringClass().getSimpleName();
    }

    /**
     * The first schedule's {@code @AfterEach}, which JUnit runs after the exploration, failed: when the
     * exploration passed, that schedule is judged as a later schedule with a throwing {@code @AfterEach}
     * is. A failure of a {@code failOn} kind fails the test, with its replay line, and its results line
     * says so; any other is counted with the failures outside {@code failOn} (not again when the
     * schedule's run failed already, as a later schedule's is counted once, by its run's failure), a
     * new results line replaces the passing one, and the test passes, its summary
     * ({@link #testSuccessful}) counting it.
     * Anything else is rethrown as it is.
     */
    @Override
    public void handleAfterEachMethodExecutionException(ExtensionContext context, Throwable thrown) throws Throwable {
        if (passedThrough(context)) {
            throw thrown; // the instance that simulated the test judges it
        }
        Ended ended = ENDED.get(context.getUniqueId());
        if (ended != null && ended.replayedFirst()) {
            // JUnit's own instance never ran the test: what its @AfterEach finds there is no run's, and the
            // replay's own @AfterEach, on the instance that ran it, was judged already
            return;
        }
        if (ended == null || ended.thrown() != null || ended.exploring() == null
                || ended.exploring().firstRun == null || isAssumption(thrown)) {
            throw thrown;
        }
        Exploring exploring = ended.exploring();
        RunConfig cfg = ended.cfg();
        if (!cfg.failsOn(thrown)) {
            if (!exploring.firstRun.failed()) {
                // a run that failed (outside failOn, or aborted by an assumption) was judged by its own
                // failure, as a later schedule's is, whatever its @AfterEach threw
                exploring.progress.others.merge(thrown.getClass().getName(), 1, Integer::sum);
                ResultsFile.append(context, cfg, exploring.progress, null, null); // replaces the passing line in a merge
            }
            return;
        }
        Judged failed = new Judged(exploring.firstIndex, exploring.firstRun, thrown);
        exploring.progress.why = StopReason.FAILURE_FOUND;
        // shrunk as a later schedule failed by its @AfterEach is; a run that failed (outside failOn) is judged by
        // what its @AfterEach threw, which its own failure's shrinking would not keep
        Shrinking.Outcome shrunk = exploring.firstRun.failed() ? null : shrink(cfg, failed, exploring.call, exploring.fresh);
        // replaces the passing line in a merge
        ResultsFile.append(context, cfg, exploring.progress, failed, shrunk == null ? null : shrunk.run());
        Traced traced = tracedForReport(cfg, failed, exploring.call, exploring.fresh, diverged(context), null);
        if (traced.notReplayable() == null) { // the report's own replay repeated the failure
            rememberForRerun(context, cfg, failed, shrunk, null); // a retry replays it first, as a later schedule's
        }
        SimulatedLoopFailure report = report(context, cfg, failed, shrunk, exploring.progress, traced, null);
        ENDED.put(context.getUniqueId(), new Ended(cfg, exploring, report));
        throw report;
    }

    /**
     * The test failed with something its exploration did not throw (a {@code @BeforeEach} that threw
     * before any schedule, the first schedule's {@code @AfterEach} when the exploration failed, another
     * extension's callback): its line says so, so that a merge
     * of the shards fails as JUnit failed the test.
     */
    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        reached(context);
        if (passedThrough(context)) {
            return;
        }
        Ended ended = ENDED.remove(context.getUniqueId());
        if (ended != null && ended.thrown() != null) {
            return; // the line written fails the merge already (JUnit may report another exception: a @Timeout's)
        }
        RunConfig cfg = ended != null ? ended.cfg() : settingsOrNull(context);
        ResultsFile.appendError(context, cfg, ended == null || ended.exploring() == null ? null
                : ended.exploring().progress, cause);
    }

    /**
     * Publishes a passing exploration's summary ({@link #publishSummary}): here, after the first
     * schedule's {@code @AfterEach}, which can still add a failure outside {@code failOn} to it.
     */
    @Override
    public void testSuccessful(ExtensionContext context) {
        reached(context);
        if (passedThrough(context)) {
            return;
        }
        publishSummaryOfPassedExploration(context);
    }

    /** An assumption of the first schedule's {@code @AfterEach} aborted the test: its exploration passed all the same. */
    @Override
    public void testAborted(ExtensionContext context, Throwable cause) {
        reached(context);
        if (passedThrough(context)) {
            return;
        }
        publishSummaryOfPassedExploration(context);
    }

    /** A disabled test was reached all the same: its class's {@link #afterAll} writes no line for it. */
    @Override
    public void testDisabled(ExtensionContext context, Optional<String> reason) {
        reached(context);
    }

    /** The key, in a class's store, set once JUnit reached a test of the class or of its {@code @Nested} classes. */
    private static final String REACHED = "reached";
    /** The key, in a class's store, set once the lines of its tests that never ran were written ({@link #afterAll}). */
    private static final String NEVER_RUN_WRITTEN = "neverRunWritten";

    /** JUnit reached the test of {@code context} (it ran, or was disabled): notes it in the store of every class above it. */
    private static void reached(ExtensionContext context) {
        for (Optional<ExtensionContext> c = context.getParent(); c.isPresent(); c = c.get().getParent()) {
            if (c.get().getTestMethod().isEmpty() && c.get().getTestClass().isPresent()) {
                c.get().getStore(NS).put(REACHED, Boolean.TRUE);
            }
        }
    }

    /**
     * A class that failed before JUnit reached any of its tests (a {@code @BeforeAll} method or another
     * extension's {@code BeforeAllCallback} threw): JUnit runs none of them and calls no extension for
     * them, so each simulated test gets its results line here ({@link NeverRun}), else a merge of the
     * shards would pass tests that never ran. A class whose tests ran (and whose {@code @AfterAll}
     * threw) has their lines already. Once per class, however often the extension is registered on it.
     */
    @Override
    public void afterAll(ExtensionContext context) {
        Throwable failure = context.getExecutionException().orElse(null);
        if (failure == null || isAssumption(failure)) {
            return; // an assumption of a @BeforeAll skips the class's tests, as JUnit reports them
        }
        ExtensionContext.Store store = context.getStore(NS);
        synchronized (STORE_LOCK) {
            if (store.get(REACHED) != null || store.get(NEVER_RUN_WRITTEN) != null) {
                return;
            }
            store.put(NEVER_RUN_WRITTEN, Boolean.TRUE);
        }
        NeverRun.appendLines(context, failure);
    }

    private static void publishSummaryOfPassedExploration(ExtensionContext context) {
        Ended ended = ENDED.remove(context.getUniqueId());
        if (ended != null && ended.thrown() == null && ended.exploring() != null) {
            publishSummary(context, ended.exploring().progress);
        }
    }

    /** @return the test's settings, or null when they do not resolve (the line then has no shard) */
    private static RunConfig settingsOrNull(ExtensionContext context) {
        try {
            return settings(context);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** @return the test's settings: its annotation, then configuration parameters and system properties */
    private static RunConfig settings(ExtensionContext context) {
        // JUnit's configuration parameters normally include system properties; the fallback covers
        // launchers that turn implicit parameters off (the EngineTestKit does).
        Function<String, Optional<String>> params = key -> context.getConfigurationParameter(key)
                .or(() -> Optional.ofNullable(System.getProperty(key)));
        context.getTestClass().ifPresent(Placement::checkMethodsOf);
        RunConfig.checkPropertyNames(System.getProperties().stringPropertyNames());
        RunConfig cfg = RunConfig.resolve(find(context).orElse(null), params, context.getUniqueId(), System.getenv());
        if (!FreshInstances.perClassClasses(context).isEmpty()) {
            // a PER_CLASS test, or a @Nested one in a PER_CLASS class: its schedules share a kept instance
            cfg = cfg.forOneKeptInstance(params);
        }
        return cfg;
    }

    /** Makes {@link #simulationContext}'s look-up and store one step. */
    private static final Object STORE_LOCK = new Object();

    private static SimulationContext simulationContext(ExtensionContext context) {
        // get and put, not getOrComputeIfAbsent: JUnit 6 deprecates that, and computeIfAbsent, its
        // replacement, is missing before 5.13. One lock for all tests makes the two one step (getStore
        // returns a new view each call, so the view is no lock); a test takes it twice.
        ExtensionContext.Store store = context.getStore(NS);
        synchronized (STORE_LOCK) {
            SimulationContext sim = store.get(SimulationContext.class, SimulationContext.class);
            if (sim == null) {
                sim = new SimulationContext();
                store.put(SimulationContext.class, sim);
            }
            return sim;
        }
    }

    /**
     * The annotation nearest to the test method: the method, its class, then the classes JUnit runs it
     * in, innermost first (for a {@code @Nested} class, the class whose instance encloses it: a
     * subclass of the class that declares it, when a test class inherits it).
     */
    static Optional<SimulatedLoop> find(ExtensionContext context) {
        List<Class<?>> classes = new ArrayList<>();
        for (Optional<ExtensionContext> c = Optional.of(context); c.isPresent(); c = c.get().getParent()) {
            c.get().getTestClass().filter(k -> classes.isEmpty() || classes.getLast() != k).ifPresent(classes::add);
        }
        return find(context.getTestMethod().orElse(null), classes);
    }

    /**
     * @param method the test method, or null for none
     * @param classes its test class, then the classes JUnit runs that class in, innermost first: for a
     *     {@code @Nested} class, the class of the instance that encloses it, which for a nested class a
     *     test class inherits is that test class, not the superclass that declares it
     * @return the annotation nearest to {@code method}: the method's, then the classes'; also for a test
     *     that never ran ({@link NeverRun})
     */
    static Optional<SimulatedLoop> find(Method method, List<Class<?>> classes) {
        Optional<SimulatedLoop> a = method == null ? Optional.empty()
                : AnnotationSupport.findAnnotation(method, SimulatedLoop.class);
        for (int i = 0; a.isEmpty() && i < classes.size(); i++) {
            a = AnnotationSupport.findAnnotation(classes.get(i), SimulatedLoop.class);
        }
        return a;
    }

    private void simulate(Invocation<Void> invocation, ReflectiveInvocationContext<Method> call,
            ExtensionContext context) throws Throwable {
        if (!owns(context)) {
            invocation.proceed(); // the owner's first schedule, inside its run
            return;
        }
        AtomicBoolean proceeded = new AtomicBoolean();
        RunConfig cfg = null;
        Exploring exploring = null;
        boolean written = false;
        boolean replayedFirst = false;
        Running running = new Running(Thread.currentThread());
        context.getStore(NS).put(Running.class, running); // afterTestExecution waits for it
        try {
            checkRuntimeAccess(); // before any class that uses the runtime's internals is loaded
            cfg = settings(context);
            Remembered rerun = cfg.freshSeed() && !cfg.isReplay() ? FAILED_BEFORE.get(context.getUniqueId()) : null;
            SimulatedLoopFailure again = rerun == null ? null : replayFirst(cfg.replaying(rerun.line()), rerun.way(), call,
                    context);
            if (again != null) {
                written = true;
                replayedFirst = true;
                throw again;
            }
            exploring = new Exploring(cfg, invocation, call, context, proceeded);
            exploring.run();
            if (exploring.setUpFailed != null) {
                written = true;
                Judged setUp = exploring.setUpFailed;
                ResultsFile.appendSetUpError(context, cfg, exploring.progress, setUp.failure(), setUp.index(),
                        seedOf(cfg, setUp.index()));
                throw setUp.failure(); // as JUnit shows a failing @BeforeEach: the exception, with settingUp's note
            }
            if (exploring.failed == null && exploring.progress.allAborted() != null) {
                // skipped: no schedule applied. Its line still says so: a shard whose every schedule an
                // assumption aborted ran its part, and a merge must not count it missing
                written = true;
                ResultsFile.append(context, cfg, exploring.progress, null, null);
                throw exploring.progress.allAborted();
            }
            Shrinking.Outcome shrunk = exploring.failed == null ? null : shrink(cfg, exploring.failed, call, exploring.fresh);
            written = true;
            ResultsFile.append(context, cfg, exploring.progress, exploring.failed, shrunk == null ? null : shrunk.run());
            if (exploring.failed != null) {
                Traced traced = tracedForReport(cfg, exploring.failed, call, exploring.fresh, diverged(context),
                        exploring.passedBefore(exploring.failed));
                String lacking = lackingFields(exploring, exploring.failed);
                if (traced.notReplayable() == null) { // the report's own replay repeated the failure
                    rememberForRerun(context, cfg, exploring.failed, shrunk, lacking);
                }
                throw report(context, cfg, exploring.failed, shrunk, exploring.progress, traced, lacking);
            }
            FAILED_BEFORE.remove(context.getUniqueId());
            ENDED.put(context.getUniqueId(), new Ended(cfg, exploring, null)); // testSuccessful publishes its summary
        } catch (Throwable t) {
            // Every test that ends leaves its line, also one that fails before its exploration is judged
            // (a bad setting, a lifecycle method that throws): else a merge of the shards would pass it.
            // A test aborted by an assumption outside its schedules is skipped, as JUnit reports it.
            if (!written && !isAssumption(t)) {
                try {
                    ResultsFile.appendError(context, cfg, exploring == null ? null : exploring.progress, t);
                } catch (Throwable lineFailed) {
                    // an Error while writing the line (a class the results need that cannot be loaded)
                    // must not replace the failure that fails the test
                    if (lineFailed != t) {
                        t.addSuppressed(lineFailed);
                    }
                }
            }
            ENDED.put(context.getUniqueId(), new Ended(cfg, exploring, t, replayedFirst));
            throw t;
        } finally {
            try {
                if (!proceeded.get()) {
                    invocation.skip();
                }
            } finally {
                running.ended(); // whatever skip() throws: afterTestExecution must not wait for ever
            }
        }
    }

    /**
     * A test's {@link #simulate} call, while it runs: the thread it runs on, and whether it has ended.
     * A {@code @Timeout(threadMode = SEPARATE_THREAD)} runs it on a thread of JUnit's and, when it
     * fires, fails the test on JUnit's own thread while the exploration is still stopping.
     */
    private static final class Running {
        private final Thread thread;
        private final java.util.concurrent.CountDownLatch ended = new java.util.concurrent.CountDownLatch(1);

        Running(Thread thread) {
            this.thread = thread;
        }

        synchronized void ended() {
            ended.countDown();
        }

        /**
         * Stops the exploration if it still runs, as an interrupt of its thread does (a timeout's), and
         * waits until it has ended. Under the lock of {@link #ended}, so that an interrupt never
         * reaches the thread once it has left the exploration (a pool's thread, running something else).
         */
        void stopAndAwait() {
            synchronized (this) {
                if (ended.getCount() == 0) {
                    return;
                }
                thread.interrupt(); // JUnit's timeout interrupted it already, but another interceptor may not have
            }
            boolean interrupted = false;
            for (;;) {
                try {
                    ended.await();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * JUnit's thread, once the test method is over for it: the test's exploration must be over too.
     * It is, but when a {@code @Timeout} on a thread of its own fired: JUnit then fails the test
     * without waiting for the thread it ran the method on, and the {@code @AfterEach} of JUnit's
     * instance (which may still be running schedule 0's body), the next test and the test's results
     * line would race with the schedule still stopping there. So this stops the exploration (an
     * interrupt, at the running schedule's next checkpoint; a task that runs away, at
     * {@code maxStepWallTime}) and waits for it. The timeout then carries the exploration's report, as
     * JUnit's timeout in its default thread mode does.
     */
    @Override
    public void afterTestExecution(ExtensionContext context) {
        Running running = context.getStore(NS).get(Running.class, Running.class);
        if (running == null || passedThrough(context)) {
            return;
        }
        running.stopAndAwait();
        Ended ended = ENDED.get(context.getUniqueId());
        Throwable failed = context.getExecutionException().orElse(null);
        if (ended != null && ended.thrown() != null && failed instanceof java.util.concurrent.TimeoutException
                && failed != ended.thrown() && !List.of(failed.getSuppressed()).contains(ended.thrown())) {
            failed.addSuppressed(ended.thrown());
        }
    }

    /** The package of the runtime that this extension uses beyond its API. */
    private static final String INTERNAL = "dev.simloop.internal";

    /**
     * Fails the test with the flags to add when this extension may not use the runtime's internals:
     * the runtime is a named module (on the module path) that does not export them to this
     * extension's module, as when surefire 3.5.4 or newer puts a project with a
     * {@code module-info.java} on the module path and the extension on the class path. Without this,
     * the test would die with a raw {@code IllegalAccessError} that names no flag.
     */
    private static void checkRuntimeAccess() {
        String missing = missingRuntimeAccess(Simulation.class.getModule(), SimulatedLoopExtension.class.getModule());
        if (missing != null) {
            throw new IllegalStateException(missing);
        }
    }

    /**
     * @param runtime the runtime's module ({@code dev.simloop.runtime} when named)
     * @param extension this extension's module
     * @return the message that names the missing flags, or null when {@code extension} may use
     *     {@code runtime}'s internals
     */
    static String missingRuntimeAccess(Module runtime, Module extension) {
        if (!runtime.isNamed() || runtime.isExported(INTERNAL, extension)) {
            return null;
        }
        String to = extension.isNamed() ? extension.getName() : "ALL-UNNAMED";
        String exports = "--add-exports " + runtime.getName() + "/" + INTERNAL + "=" + to;
        String opens = "--add-opens java.base/java.lang=" + runtime.getName();
        boolean opened = Object.class.getModule().isOpen("java.lang", runtime);
        String flags = opens + " " + exports;
        return "simloop's JUnit extension (" + (extension.isNamed() ? "module " + extension.getName()
                : "on the class path") + ") cannot use the runtime's internals: module " + runtime.getName()
                + " (on the module path) does not export " + INTERNAL + " to it. This is the set-up surefire 3.5.4"
                + " and newer make for a project with a module-info.java: the runtime on the module path, the"
                + " extension on the class path. Missing JVM flag" + (opened ? "" : "s") + ": "
                + (opened ? exports : flags) + ". Add " + (opened ? "it" : "them") + " to the java command line, or"
                + " for tests under Maven to the surefire plugin: <configuration><argLine>" + flags
                + "</argLine></configuration> (docs/setup.md, \"Maven\")"
                + dev.simloop.internal.SetupAdvice.ARG_LINE_PROPERTY + ".";
    }

    /**
     * The replay line of each unseeded test (by unique id) whose last run in this JVM failed in a
     * simulated run: a re-run of it (a retry plugin's, surefire's {@code rerunFailingTestsCount})
     * replays that schedule first ({@link #replayFirst}), so that a fresh seed does not pass it as a
     * flake. Removed when the test passes.
     */
    private static final Map<String, Remembered> FAILED_BEFORE = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * A failed test's line, and how it failed ({@link dev.simloop.internal.SafeText#way}): a re-run counts only the same failure.
     * Only lines that a pin could hold ({@link FailureReport#LONGEST_PIN}) are kept, so a JVM whose
     * tests stop at maxSteps does not hold megabytes per test.
     */
    private record Remembered(String line, String way) {
    }


    /**
     * Forgets every failed test remembered for a re-run, so that the next run of each test in this
     * JVM explores as a first run does. For the extension's own tests, which run one fixture from
     * several tests in one JVM: none of those runs is a re-run of another, and whichever ran first
     * would otherwise turn the fixture's later runs into replays of its failure (one schedule).
     */
    static void forgetFailuresForRerun() {
        FAILED_BEFORE.clear();
    }

    /** What a re-run's report and summary say it did first. */
    static final String RERUN_NOTE = "re-run of a failed test: replaying the failure first";

    /**
     * Remembers the line of a failure of an unseeded test (one a replay repeats), for a re-run of
     * the test in this JVM; a seeded or replayed test fails the same way when re-run by itself. The
     * line the report suggests: the shrunk one when shrinking found one that fails the same way, so
     * that the re-run's report (the one a retrying build shows) suggests it too.
     */
    private static void rememberForRerun(ExtensionContext context, RunConfig cfg, Judged failed,
            Shrinking.Outcome shrunk, String lacking) {
        if (cfg.freshSeed() && !cfg.isReplay() && failed.result() != null && lacking == null
                && notReplayable(failed.failure(), diverged(context)) == null) {
            String way = dev.simloop.internal.SafeText.way(failed.failure());
            SimResult<?> fewer = shrunk == null ? null : shrunk.run();
            String line = fewer != null && fewer != failed.result() && fewer.failed()
                    && dev.simloop.internal.SafeText.way(unwrap(fewer.failure())).equals(way)
                    ? fewer.replayLine() : failed.result().replayLine();
            if (line.length() <= FailureReport.LONGEST_PIN) {
                FAILED_BEFORE.put(context.getUniqueId(), new Remembered(line, way));
            }
        }
    }

    /**
     * A re-run of an unseeded test that failed in a simulated run in this JVM: replays the failing
     * schedule ({@code replay}'s line, as {@code -Dsimloop.replay} would) on a fresh test instance
     * before the exploration. The same failure as before ({@code way}: its class and first line) fails
     * the test with the report, which says it was a re-run; else the test explores as usual.
     *
     * @return the report when the replay failed (its line written), or null when it did not fail the same way
     */
    private static SimulatedLoopFailure replayFirst(RunConfig replay, String way, ReflectiveInvocationContext<Method> call,
            ExtensionContext context) {
        FreshInstances fresh = new FreshInstances(context);
        SimResult<?> r;
        Throwable failure;
        try {
            r = onFreshInstance(call, fresh, replay.builder(0), contextOf(replay, 0), null, true);
            failure = r.failed() ? unwrap(r.failure()) : null;
        } catch (AfterRunFailure after) {
            // the failure remembered was an @AfterEach's, after a run that passed: judged the same way here
            r = after.run;
            failure = unwrap(after.getCause());
        }
        if (failure == null || !replay.failsOn(failure) || !dev.simloop.internal.SafeText.way(failure).equals(way)) {
            System.out.println("simloop: " + testName(context) + " " + RERUN_NOTE + " (" + replay.replay() + "): it "
                    + (failure == null ? "passed" : "failed otherwise (" + failure.getClass().getName() + ")")
                    + ", so the failure depends on more than the schedule; exploring as usual");
            context.publishReportEntry("simloop.rerun", RERUN_NOTE + ": it did not fail the same way");
            return null;
        }
        Judged failed = new Judged(0, r, failure);
        Progress progress = new Progress(replay, null);
        progress.ran(failed.digest());
        progress.why = StopReason.FAILURE_FOUND;
        ResultsFile.append(context, replay, progress, failed, null);
        Traced traced = r.traceTable(1).isPresent() ? new Traced(r, null) : new Traced(null, null);
        return report(context, replay, failed, null, progress, traced, null, RERUN_NOTE);
    }

    /**
     * @return a test's {@link SimulationContext} for a replay of schedule {@code index} (a shrinking
     *     try, the traced replay for the report, the determinism check's second run): the schedule's
     *     own seed, index, count and strategy, so that a test that derives its inputs from them gets
     *     the same inputs as the run it replays
     */
    private static SimulationContext contextOf(RunConfig cfg, int index) {
        SimulationContext sim = new SimulationContext();
        describe(sim, cfg, index, cfg.strategyText());
        return sim;
    }

    /** Sets {@code sim} to describe schedule {@code index} of the test's exploration. */
    private static void describe(SimulationContext sim, RunConfig cfg, int index, String strategyText) {
        sim.update(seedOf(cfg, index), index, cfg.schedules(), strategyText, cfg.isReplay());
    }

    /** @return the seed of schedule {@code index}, as its {@link SimulationContext} and reports give it */
    private static long seedOf(RunConfig cfg, int index) {
        return cfg.isReplay() ? cfg.builderSeed() : cfg.seedFor(index);
    }

    /**
     * Shrinks the failure that fails the test ({@link Shrinking}), each replay on fresh test state
     * as a later schedule gets it.
     *
     * @return the shrunk run (the failing run itself when none with fewer preemptions fails the same
     *     way, or when it has the fewest already), and why its count is not shown to be the fewest when
     *     it is not; null when shrinking is off or does not apply
     */
    private static Shrinking.Outcome shrink(RunConfig cfg, Judged failed, ReflectiveInvocationContext<Method> call,
            FreshInstances fresh) {
        if (!cfg.shrinks() || failed.failure() instanceof NondeterminismDetected
                || Thread.currentThread().isInterrupted()) {
            return null; // a run that did not reproduce cannot be shrunk; a @Timeout that fired wants the test to end
        }
        if (cfg.fewestAlready()) {
            return new Shrinking.Outcome(failed.result(), Optional.empty(), false);
        }
        SimResult<?> run = failed.result();
        // each replay runs as a pasted line does: schedule 1 of 1 in its SimulationContext
        SimulationContext asPasted = contextOf(cfg.replaying(run.replayLine()), 0);
        try {
            if (run.failed()) {
                return Shrinking.outcome(run,
                        b -> onFreshInstance(call, fresh, cfg.untracedLimits(b), asPasted, null),
                        cfg.shrinkRuns(), cfg.shrinkTime());
            }
            // the run passed and an @AfterEach failed it: shrinking compares the runs' failures, so each run
            // counts as failed by what its @AfterEach throws, the way a pasted line's run is judged
            SimResult<?> judged = FailedAfterRun.of(run, failed.failure());
            Shrinking.Outcome o = Shrinking.outcome(judged, b -> {
                try {
                    return onFreshInstance(call, fresh, cfg.untracedLimits(b), asPasted, null, true);
                } catch (AfterRunFailure after) {
                    return FailedAfterRun.of(after.run, unwrap(after.getCause()));
                }
            }, cfg.shrinkRuns(), cfg.shrinkTime());
            // none fewer: the report names the failing run itself
            return o.run() == judged ? new Shrinking.Outcome(run, o.notShownFewest(), o.fewerLeftUntried()) : o;
        } catch (RuntimeException | Error e) {
            // a @BeforeEach or @AfterEach that failed on a replay: report the failure found, and why it was not shrunk
            failed.failure().addSuppressed(e);
            return null;
        }
    }

    /**
     * The failing run traced for the report, and whether its replay line repeats the failure.
     *
     * @param run the traced run, or null: the report then goes without a trace
     * @param notReplayable why pasting the failing run's line would not repeat the failure, or null
     *     when it would (as far as is known)
     */
    private record Traced(SimResult<?> run, String notReplayable, boolean keptState) {
        Traced(SimResult<?> run, String notReplayable) {
            this(run, notReplayable, false);
        }
    }

    /**
     * The failing schedule's run again, traced, for the report's trace table, Chrome trace and HTML
     * page (schedules run untraced: {@link RunConfig#scheduleLimits}): its replay on fresh test
     * state, kept only when it is the same run (same digest, same failure class). A replay that
     * differs shows that the failure depends on more than the schedule, so that its line is no
     * regression test to pin.
     *
     * <p>A replay on the state the exploration left repeats a failure that state caused (a list a
     * {@code PER_CLASS} instance or a static field grows at every schedule, failing from the third
     * on), so a replay that failed the same way is not yet a pin: when a schedule before the failing
     * one passed, that one is replayed too, and if it now fails, the failure came from the schedules
     * run before it ({@link #keptState}).
     *
     * @param diverged why a line of this test that diverged does not fit it ({@link #diverged})
     * @param passed a schedule that passed before the failing one, to replay as that check; null when none
     * @return the traced run (the failing run itself when it was traced already; none when it cannot
     *     be replayed, as a runaway or a stop would recur, or the replay differs), and why the line
     *     does not repeat the failure when it does not
     */
    private static Traced tracedForReport(RunConfig cfg, Judged failed, ReflectiveInvocationContext<Method> call,
            FreshInstances fresh, String diverged, Judged passed) {
        Traced traced = tracedReplay(cfg, failed, call, fresh, diverged);
        if (traced.notReplayable() != null || passed == null || Thread.currentThread().isInterrupted()) {
            return traced;
        }
        String kept = keptState(cfg, passed, call, fresh);
        return kept == null ? traced : new Traced(traced.run(), kept, true);
    }

    /** {@link #tracedForReport}'s replay of the failing schedule itself. */
    private static Traced tracedReplay(RunConfig cfg, Judged failed, ReflectiveInvocationContext<Method> call,
            FreshInstances fresh, String diverged) {
        SimResult<?> r = failed.result();
        String known = notReplayable(failed.failure(), diverged); // a determinism check's finding, say
        if (r.traceTable(1).isPresent()) {
            return new Traced(r, known);
        }
        if (known != null || Thread.currentThread().isInterrupted()) {
            return new Traced(null, known);
        }
        try {
            SimResult<?> again;
            Throwable againFailure;
            try {
                // as the pasted line runs: a replay is schedule 1 of 1, whatever index the failing schedule had
                again = onFreshInstance(call, fresh, cfg.limits(Simulation.builder().replay(r.replayLine())),
                        contextOf(cfg.replaying(r.replayLine()), 0), null, true);
                againFailure = again.failure();
            } catch (AfterRunFailure after) {
                again = after.run;
                againFailure = unwrap(after.getCause());
            }
            // the run's own failure, or (when the run passed) what its @AfterEach threw
            Throwable judged = r.failed() ? r.failure() : failed.failure();
            boolean same = againFailure != null && againFailure.getClass() == judged.getClass()
                    && again.traceDigest().equals(r.traceDigest());
            return same ? new Traced(again, null) : new Traced(null, "replaying it did not fail the same way: the"
                    + " failure depends on more than the schedule (" + perClassField(fresh) + scheduleIndex(call)
                    + "a static field kept across"
                    + " schedules, the real clock, another thread), so the line is no test to pin; checkDeterminism ="
                    + " true shows where two runs part");
        } catch (RuntimeException | Error e) {
            return new Traced(null, null); // a lifecycle method that failed this time: the report goes without the trace
        }
    }

    /**
     * @return the likely cause a test method that takes a {@link SimulationContext} adds to the list of
     *     what a failure depends on, or nothing
     */
    private static String scheduleIndex(ReflectiveInvocationContext<Method> call) {
        return java.util.Arrays.asList(call.getExecutable().getParameterTypes()).contains(SimulationContext.class)
                ? "the schedule's index or count that its SimulationContext gives, which are 0 and 1 for a replay, " : "";
    }

    /** @return the likely cause a PER_CLASS test adds to the list of what a failure depends on, or nothing */
    private static String perClassField(FreshInstances fresh) {
        // a PER_CLASS test's schedules share its instance: a field that no @BeforeEach resets is the likely cause
        return FreshInstances.perClassClasses(fresh.context()).isEmpty() ? ""
                : "a field of the @TestInstance(PER_CLASS) instance that every schedule shares and no @BeforeEach"
                        + " resets, ";
    }

    /**
     * Replays {@code passed}, a schedule that passed before the failing one, as a later schedule
     * runs (fresh instance, its {@code @BeforeEach} and {@code @AfterEach}).
     *
     * @return why the failing line is no pin when that replay fails now (the state the schedules
     *     left, not the failing schedule, made the failure: pasted, its line runs on fresh state and
     *     passes); null when it passes again, or does not apply (an assumption)
     */
    private static String keptState(RunConfig cfg, Judged passed, ReflectiveInvocationContext<Method> call,
            FreshInstances fresh) {
        Throwable now;
        try {
            SimResult<?> again = onFreshInstance(call, fresh,
                    cfg.untracedLimits(Simulation.builder().replay(passed.result().replayLine())),
                    contextOf(cfg, passed.index()), null, true);
            now = again.failure() == null ? null : unwrap(again.failure());
        } catch (AfterRunFailure after) {
            now = unwrap(after.getCause());
        } catch (RuntimeException | Error setUp) {
            now = setUp; // its @BeforeEach or constructor throws now, where it did not
        }
        if (now == null || isAssumption(now)) {
            return null;
        }
        return "schedule " + (passed.index() + 1) + " passed, and its replay after the exploration failed ("
                + dev.simloop.internal.SafeText.brief(now) + "): the test keeps state across schedules ("
                + perClassField(fresh) + "a static field, a file), so the failure depends on the schedules run before"
                + " it and its line, run alone, does not repeat it; make that state fresh for every schedule (a field"
                + " of the test instance, or reset in @BeforeEach)";
    }

    /**
     * @return why the report offers no line to pin, or null when it does: the failure's kind, which
     *     never replays, first; then fields the failing schedule's fresh instance lacked (a pin runs on
     *     JUnit's own instance, which has them); then a traced replay that differed, unless a shrunk
     *     line was replayed and failed the same way
     */
    private static String notAPin(Judged failed, String shrunkLine, Traced traced, String lacking, String diverged) {
        String kind = notReplayable(failed.failure(), diverged);
        if (kind != null) {
            return kind;
        }
        if (lacking != null) {
            return lacking;
        }
        // a shrunk line was replayed on the state the schedules left too: kept state makes it no pin either
        return shrunkLine == null || traced.keptState() ? traced.notReplayable() : null;
    }

    /**
     * @return, when the failing schedule ran on a fresh instance that lacked fields set on JUnit's own
     *     (by another extension's callback: {@link FreshInstances#lacking()}), the report's reason
     *     that its line is no pin: a pasted line runs on JUnit's instance, where they are set, and
     *     does not fail the same way; else null
     */
    private static String lackingFields(Exploring exploring, Judged failed) {
        List<String> lacking = exploring.fresh.lacking();
        if (lacking.isEmpty() || !exploring.ranOnFreshInstance(failed)) {
            return null;
        }
        boolean one = lacking.size() == 1;
        String names = lacking.size() <= 2 ? String.join(" and ", lacking)
                : String.join(", ", lacking.subList(0, lacking.size() - 1)) + " and " + lacking.getLast();
        return "fresh instance: " + (one ? "field " : "fields ") + names + (one ? " is" : " are") + " set on JUnit's"
                + " instance by another extension's callback, which JUnit runs for the first schedule only, and "
                + (one ? "is" : "are") + " null on this schedule's instance: create " + (one ? "it" : "them")
                + " in a field initializer or in the test method (junit.md, \"Other JUnit features\")";
    }

    /** @return whether the test is one invocation of a parameterized or repeated test (a template's) */
    private static boolean isTemplate(ExtensionContext context) {
        return !invocation(context).isEmpty();
    }

    /**
     * @return why a replay line that diverged in this test does not fit it: a parameterized or
     *     repeated test's line applies to every invocation; a {@code -Dsimloop.replay} line to every
     *     simulated test of the run, most often run without {@code -Dtest}; else the test changed
     */
    private static String diverged(ExtensionContext context) {
        if (isTemplate(context)) {
            return "the line does not fit this invocation: a replay line applies to every invocation of a"
                    + " parameterized or repeated test, and fits the one it was recorded in (or the test changed since"
                    + " it was made)";
        }
        boolean fromCommandLine = context.getConfigurationParameter(RunConfig.REPLAY)
                .or(() -> Optional.ofNullable(System.getProperty(RunConfig.REPLAY)))
                .filter(line -> !line.isBlank()).isPresent();
        return fromCommandLine ? "the line does not fit this test: -D" + RunConfig.REPLAY + " replays its line in every"
                + " simulated test of the run, and the line fits the one it was printed for: select that test as well"
                + " (mvn test -Dtest=TheTest#theMethod -D" + RunConfig.REPLAY + "=\"...\"), or, if this is that test, it"
                + " changed since the line was made: explore again for a new one"
                : "the line no longer fits the test (it changed since the line was made, or the line is another"
                        + " test's): explore again for a new one";
    }

    /**
     * @param diverged why a line that diverged does not fit the test ({@link #diverged})
     * @return why a run that failed with {@code f} is not repeated by its replay line, or null when it is
     */
    private static String notReplayable(Throwable f, String diverged) {
        if (f instanceof ReplayDiverged) {
            return diverged;
        }
        if (f instanceof NondeterminismDetected) {
            return "the run depended on something no seed decides (the failure says what: a wait on the real clock, a thread"
                    + " the simulation does not own, or two runs that differed), so its line does not repeat it";
        }
        if (!deterministicFailure(f)) {
            return "the run was stopped from outside (a @Timeout, or a step over its wall-time limit): the line"
                    + " replays the steps before the stop, not the stop";
        }
        return null;
    }

    /**
     * @return whether a replay of a run that failed with {@code f} fails again in the same number of
     *     steps: not a task that ran away in real time, an offload that never returned, or a run
     *     stopped from outside (each a {@link LimitExceeded} that a replay would wait for again)
     */
    private static boolean deterministicFailure(Throwable f) {
        if (f instanceof LimitExceeded limit) {
            return limit.repeatsOnReplay();
        }
        return !(f instanceof NondeterminismDetected);
    }

    /**
     * One schedule of a test's exploration: its index, whether it runs on JUnit's own test instance
     * ({@code proceeds}), and the builder of its run. A bounded search's schedule comes with its
     * builder (the search decides it, under the hand-out's lock); a seeded one's is made by the
     * worker that runs it ({@link #builder(RunConfig)}), outside that lock, so that two workers do
     * not take turns making them.
     */
    private static final class Job {
        final int index;
        final boolean proceeds;
        /** Whether this shard owns the schedule: a PCT learning schedule of another shard runs here uncounted. */
        final boolean owned;
        /** The strategy of a PCT schedule that runs with a learned choice count; null for the test's own. */
        final Strategy learned;
        /** Set before the run starts; read by the test thread when the run's task runs away. */
        private volatile Simulation.Builder builder;
        /** The run's choice count, for PCT to learn from; -1 when there was no run. Set by the worker that ran it. */
        volatile int choices = -1;

        Job(int index, Simulation.Builder builder, boolean proceeds) {
            this(index, builder, proceeds, true, null);
        }

        Job(int index, Simulation.Builder builder, boolean proceeds, boolean owned, Strategy learned) {
            this.index = index;
            this.builder = builder;
            this.proceeds = proceeds;
            this.owned = owned;
            this.learned = learned;
        }

        /** @return the run's builder, made now from {@code cfg} if it was not given */
        Simulation.Builder builder(RunConfig cfg) {
            Simulation.Builder b = builder;
            if (b == null) {
                b = learned == null ? cfg.builder(index)
                        : cfg.scheduleLimits(Simulation.builder().seed(cfg.seedFor(index)).strategy(learned));
                builder = b;
            }
            return b;
        }
    }

    /**
     * A schedule's run (null for a passing schedule of a seeded exploration: see
     * {@link Exploring#runOne}), the failure it is judged by (null when it passed), and its digest: made on
     * the worker that ran it, so that the in-order commit, on whichever worker makes it, reads this
     * worker's record rather than the result's objects.
     */
    record Judged(int index, SimResult<?> result, Throwable failure, long digest) {
        Judged(int index, SimResult<?> result, Throwable failure) {
            this(index, result, failure, dev.simloop.internal.RawDigest.of(result));
        }
    }

    /**
     * One test invocation's exploration: hands out its schedules (this shard's, in order), runs each
     * on fresh test state, and judges the results in schedule order (see {@link OrderedRuns}), so
     * that {@link SimulatedLoop#parallelism()} threads find what one would.
     */
    private static final class Exploring implements OrderedRuns.Source<Job> {
        private final RunConfig cfg;
        private final Invocation<Void> invocation;
        private final ReflectiveInvocationContext<Method> call;
        private final ExtensionContext context;
        private final AtomicBoolean proceeded;
        private final BoundedSearch search;
        /** Fresh test state for the schedules after the first, and for replays. */
        final FreshInstances fresh;
        /** The strategy as {@link SimulationContext#strategy()} says it; the same for every schedule. */
        private final String strategyText;
        final Progress progress;
        /** The time limit in nanoseconds; Long.MAX_VALUE for none. */
        private final long timeLimitNanos;
        /**
         * One slot per thread that runs this exploration's schedules (a worker), holding the loop of
         * the run it runs now, for a stop from the test thread. A worker finds its slot in its own
         * thread's map and writes only that slot, made on its own thread (in its own allocation
         * buffer, as {@code OrderedRuns} makes its lanes), so the workers share no memory per
         * schedule here: a shared map written at every schedule, or read beside a slot another
         * worker writes, moves cache lines between their cores at every schedule. A slot is
         * registered before the worker's first run, never inside one: a wait for the list's lock
         * inside a run would be a wait of its task, adding steps that depend on timing. A driver
         * thread outlives the exploration; its entry for this thread-local (a weak key) goes at the
         * thread's next clean-up once the exploration is gone, holding an empty slot till then.
         */
        private final ThreadLocal<LoopSlot> slot = new ThreadLocal<>();
        /** Every worker's slot, for {@link #stopFromTestThread}; a worker adds its own at its first schedule. Guarded by itself. */
        private final List<LoopSlot> slots = new ArrayList<>();
        /** Set when a runaway task kept the driver: results the driver still commits are dropped. Guarded by the runs. */
        private boolean abandoned;
        private OrderedRuns<Job, Judged> runs;
        /** The failure that fails the test, once judged; null while none. */
        Judged failed;
        /**
         * The schedule whose fresh instance's set-up (its constructor or {@code @BeforeEach} methods)
         * threw, once judged: it fails the test with that exception and has no run; null while none.
         */
        Judged setUpFailed;
        /**
         * The run of the schedule on JUnit's own test instance (this shard's first), and its index: its
         * {@code @AfterEach} runs after the exploration ({@link #handleAfterEachMethodExecutionException}).
         */
        private volatile SimResult<?> firstRun;
        private volatile int firstIndex;
        /** Whether {@link #firstRun} was judged and passed. Guarded by the runs. */
        private boolean firstPassed;
        /** The next schedule index to hand out. */
        private int next;
        /** How many schedules were handed out. */
        private int handedOut;
        /**
         * How many of the first schedules PCT learns its choice count from (0 when it learns none):
         * every shard runs all of them, one at a time, counting only its own, so that a schedule's
         * strategy does not depend on the split (Exploration's {@code LEARNING_SCHEDULES}).
         */
        private final int learningTotal;
        /** How many of the first schedules PCT learns from, as {@code Exploration} (its {@code LEARNING_SCHEDULES}). */
        static final int LEARNING_SCHEDULES = 32;
        /** The learning schedules handed out, and judged. Guarded by the runs. */
        private int learningOut;
        private int learningDone;
        /** The longest run among the learning schedules so far (0: none yet). Guarded by the runs. */
        private int learnedChoices;
        /** Each PCT member's strategy with {@link #learnedChoices}, made once per count. Guarded by the runs. */
        private final Map<Strategy, Strategy> learnedByMember = new HashMap<>();

        Exploring(RunConfig cfg, Invocation<Void> invocation, ReflectiveInvocationContext<Method> call,
                ExtensionContext context, AtomicBoolean proceeded) {
            this.cfg = cfg;
            this.invocation = invocation;
            this.call = call;
            this.context = context;
            this.proceeded = proceeded;
            this.search = cfg.isBoundedSearch() ? cfg.newSearch() : null;
            this.fresh = new FreshInstances(context);
            this.strategyText = cfg.strategyText();
            this.learningTotal = learningTotal();
            this.progress = new Progress(cfg, search);
            this.timeLimitNanos = cfg.timeLimit() == null ? Long.MAX_VALUE
                    : dev.simloop.internal.Nanos.saturated(cfg.timeLimit());
            this.next = firstOwnedFrom(0);
            if (cfg.schedules() > 1) {
                fresh.checkSettable(); // fails at once when a later schedule's fresh instance could not get JUnit's fields
                fresh.noteSetFields(); // now, before the first schedule's body can set fields of JUnit's instance
            }
        }

        void run() throws InterruptedException {
            runs = new OrderedRuns<>(OrderedRuns.workersFor(cfg.parallelism(), cfg.schedules()), this, this::runCarryingChecked,
                    judged -> judged.failure() != null, this::commit, this::stopHandOut);
            onDrivers();
            progress.ended(failed != null ? OrderedRuns.Ending.STOPPED_BY_SINK : runs.ending(), search);
        }

        /**
         * Runs the schedules on {@link SimulatedLoop#parallelism()} driver threads, each taking one
         * schedule after another, so that no schedule pays a hand-off between threads: each
         * {@code Simulation} run starts inline on its driver. An interrupt of the test thread (a
         * {@code @Timeout}) stops the running schedules and the hand-out; a task that runs away
         * keeps its driver, and the test thread reports that schedule as it got it.
         */
        private void onDrivers() {
            try {
                runs.runOnDrivers(caller -> stopFromTestThread());
            } catch (Runaway r) {
                ranAway(r);
            } catch (CheckedCarrier c) {
                throw sneaky(c.getCause()); // a lifecycle method's checked exception, as JUnit's thread would have thrown it
            }
        }

        /** The test thread was interrupted: stop handing out, and stop the schedules that run. */
        private void stopFromTestThread() {
            stopRequested = true; // before reading the loops: a run that starts later sees it (entered)
            List<LoopSlot> all;
            synchronized (slots) {
                all = List.copyOf(slots);
            }
            for (LoopSlot r : all) {
                Scheduler loop = r.loop;
                if (loop != null) {
                    loop.requestStop();
                }
            }
        }

        /**
         * A run is about to start on this thread: @return this thread's slot, which the run's main
         * task fills ({@link #entered}) and {@link #left} empties
         */
        LoopSlot entering() {
            LoopSlot mine = slot.get();
            if (mine == null) {
                mine = new LoopSlot();
                slot.set(mine);
                synchronized (slots) {
                    slots.add(mine);
                }
            }
            return mine;
        }

        /**
         * Called by a run's main task as it starts: notes its loop in the slot of the thread that
         * runs it ({@link #entering}), and stops it if a stop came first.
         */
        void entered(LoopSlot slot) {
            Scheduler loop = LoopStopper.loopOf("@SimulatedLoop");
            slot.loop = loop; // then the read of stopRequested: a stop either sees this loop or is seen here
            if (stopRequested) {
                loop.requestStop();
            }
        }

        /** The run that {@link #entering} gave {@code slot} for has ended. */
        void left(LoopSlot slot) {
            slot.loop = null;
        }

        /** @return whether the test thread asked the exploration to stop (a {@code @Timeout} fired) */
        boolean stopping() {
            return stopRequested || Thread.currentThread().isInterrupted();
        }

        /**
         * A schedule's task ran away and the watchdog released the test thread: that schedule, as far
         * as it got, is judged now, after every schedule before it (one worker commits in order).
         */
        private void ranAway(Runaway runaway) {
            synchronized (runs) {
                abandoned = true;
                OrderedRuns.Stuck<Job> stuck = runs.earliestStuck();
                if (stuck != null && failed == null && !runs.stoppedBySink()) {
                    SimResult<?> r = RanAway.result(stuck.job().builder(cfg), runaway.outcome());
                    Judged judged = new Judged(stuck.job().index, r, unwrap(r.failure()));
                    if (!judge(stuck.job(), judged) && failed == null) {
                        // outside failOn, but a runaway keeps its driver: the schedules after it cannot
                        // run, so the test cannot pass as if they had
                        failed = judged;
                    }
                }
            }
        }

        /** Set when the test thread is interrupted while the workers run (a {@code @Timeout} fired). */
        private volatile boolean stopRequested;

        /** Asked by the workers before each schedule but the first, without the runs' lock (volatile and final fields only). */
        private boolean stopHandOut() {
            if (stopping()) {
                progress.interrupted = true; // a @Timeout fired: it reports the timeout
                return true;
            }
            return System.nanoTime() - progress.start >= timeLimitNanos;
        }

        /** @return the next schedule of this shard, or null (with the runs' lock held) */
        @Override
        public Job take() {
            if (exhausted()) {
                return null;
            }
            if (search != null) {
                if (!search.hasNext()) {
                    return null;
                }
                int index = handedOut++;
                return new Job(index, cfg.scheduleLimits(search.next(cfg.seedFor(0))), index == 0 && !rootElsewhere());
            }
            int index = next;
            boolean learning = index < learningTotal;
            if (learningDone < (learning ? learningOut : learningTotal)) {
                return null; // PCT learns from results still out (as Exploration does)
            }
            if (learning) {
                learningOut++;
            }
            boolean owned = cfg.shard().owns(index);
            next = firstOwnedFrom(index + 1);
            if (owned) {
                handedOut++;
            }
            return new Job(index, null, index == 0 && owned, owned, learnedStrategy(index));
        }

        /**
         * @return the strategy of schedule {@code index} when PCT runs it with the choice count learned
         *     from the first schedules (the test's {@code pct(d)}, or a portfolio's PCT member), as
         *     {@code Exploration} does; null when it runs the test's own strategy
         */
        private Strategy learnedStrategy(int index) {
            if (learnedChoices == 0) {
                return null;
            }
            Strategy member = memberFor(index);
            return learnsChoices(member) ? learnedByMember.computeIfAbsent(member,
                    m -> Strategy.pct(PctText.depth(m.toString()), learnedChoices)) : null;
        }

        /** @return the strategy that runs schedule {@code index}: a portfolio's member for its seed, else the test's */
        private Strategy memberFor(int index) {
            List<Strategy> members = cfg.strategy().members();
            return members.isEmpty() ? cfg.strategy()
                    : members.get((int) Math.floorMod(cfg.seedFor(index), (long) members.size()));
        }

        /** @return whether {@code s} is PCT without a choice count given, which learns one */
        private static boolean learnsChoices(Strategy s) {
            return PctText.learnsChoices(s.toString());
        }

        /** @return how many of the first schedules PCT learns its choice count from: those of every shard */
        private int learningTotal() {
            if (search != null || cfg.isReplay()) {
                return 0;
            }
            boolean learns = learnsChoices(cfg.strategy())
                    || cfg.strategy().members().stream().anyMatch(Exploring::learnsChoices);
            return learns ? Math.min(LEARNING_SCHEDULES, cfg.schedules()) : 0;
        }

        /**
         * Learns from a learning schedule's result, in schedule order: the longest run among those that
         * ended normally or with a failure that fails the test, other than a limit, as Exploration does
         * (a run that a step limit stopped is as long as the limit).
         */
        private void learnChoices(Job job, Judged judged) {
            learningDone++;
            Strategy ran = job.learned != null ? job.learned : memberFor(job.index);
            Throwable failure = judged.failure();
            boolean showsLength = failure == null
                    || !(failure instanceof LimitExceeded) && !isAssumption(failure) && cfg.failsOn(failure);
            if (PctText.depth(ran.toString()) > 0 && job.choices >= 0 && showsLength) {
                if (job.choices > learnedChoices) {
                    learnedChoices = job.choices;
                    learnedByMember.clear();
                }
            }
        }

        /**
         * @return whether every schedule this shard may run is handed out (a search whose frontier
         *     is empty now may still grow from a result, so only its count is final)
         */
        @Override
        public boolean exhausted() {
            // a search with a frontier still open may hand out more after commits
            return search != null ? handedOut - (rootElsewhere() ? 1 : 0) == cfg.schedules() : next >= cfg.schedules();
        }

        @Override
        public boolean doneWhenIdle() {
            // every result recorded: a frontier with nothing left in it hands out no more (as Explorer's plan)
            return exhausted() || search != null && !search.hasNext();
        }

        /** @return whether a bounded search's root schedule is another shard's (it runs here uncounted) */
        private boolean rootElsewhere() {
            return !cfg.shard().isAll() && cfg.shard().index() != 0;
        }

        private int firstOwnedFrom(int i) {
            while (i < cfg.schedules() && i >= learningTotal && !cfg.shard().owns(i)) {
                i++;
            }
            return i;
        }

        /**
         * {@link #runOne}, with a checked exception of a lifecycle method carried unchecked (the
         * driver's call would wrap it), to be thrown unchanged on JUnit's thread.
         */
        private Judged runCarryingChecked(Job job) {
            try {
                return runOne(job);
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new CheckedCarrier(t);
            }
        }

        /** Runs one schedule (on a worker's thread) and judges it. */
        private Judged runOne(Job job) {
            SimulationContext sim = job.proceeds ? simulationContext(context) : new SimulationContext();
            describe(sim, cfg, job.index, strategyText);
            SimResult<?> r;
            long threadIds = checksDeterminism() ? ThreadIdSkew.mark() : 0; // see failureOf
            if (job.proceeds) {
                firstIndex = job.index; // before the run, which may never return: it names JUnit's instance's schedule
                LoopSlot slot = entering();
                try {
                    r = job.builder(cfg).run(body(() -> {
                        proceeded.set(true);
                        invocation.proceed();
                    }, this, slot));
                } finally {
                    left(slot);
                }
                firstRun = r;
            } else {
                try {
                    r = onFreshInstance(call, fresh, job.builder(cfg), sim, this, true);
                } catch (AfterRunFailure after) {
                    // an @AfterEach that checks what the run left fails this schedule: judged with its run,
                    // so the report gives the line that replays it (a replay runs the @AfterEach too)
                    return new Judged(job.index, after.run, unwrap(after.getCause()));
                } catch (Throwable setUp) {
                    if (isAssumption(setUp)) {
                        if (search != null) {
                            throw setUp; // a bounded search learns from every run it planned: it cannot skip one
                        }
                        // an assumption of the fresh instance's set-up (@BeforeEach) did not hold: this schedule
                        // does not apply, as when one in the test's body does; the exploration goes on
                        return new Judged(job.index, null, setUp, 0L);
                    }
                    // judged in order like a run's failure, so that the schedules before it count as run and
                    // the results line names this one (settingUp's note says which to JUnit)
                    return new Judged(job.index, null, setUp, 0L);
                }
            }
            if (job.index < learningTotal) {
                job.choices = dev.simloop.Schedule.parse(r.replayLine()).size();
            }
            Throwable failure = failureOf(r, job.index, threadIds);
            // a passing schedule's commit needs only its digest (a search's, the result it learns from):
            // results wait for their commit in OrderedRuns' window, so they should hold no more than that
            boolean keep = failure != null || search != null;
            return new Judged(job.index, keep ? r : null, failure, dev.simloop.internal.RawDigest.of(r));
        }

        /** @return whether {@code judged}'s schedule ran on a fresh instance, not on JUnit's own (the shard's first) */
        boolean ranOnFreshInstance(Judged judged) {
            return !proceeded.get() || judged.index() != firstIndex;
        }

        /**
         * @return the shard's first schedule, when it passed and {@code failed} is a later one: the
         *     schedule {@link #tracedForReport} replays to tell a failure that state kept across
         *     schedules caused; null otherwise. Null too when the test has an {@code @AfterEach}: the
         *     first schedule ran on JUnit's own instance, whose {@code @AfterEach} runs after the
         *     exploration, so it "passed" without it, and a replay that runs it may fail for its own
         *     seed, which would call a pin "not a pin"
         */
        Judged passedBefore(Judged failed) {
            SimResult<?> first = firstRun;
            return firstPassed && first != null && failed.index() != firstIndex && !fresh.hasAfterEach()
                    ? new Judged(firstIndex, first, null) : null;
        }

        /** Takes a judged schedule in order: @return whether it fails the test. */
        private boolean commit(Job job, Judged judged) {
            return !abandoned && judge(job, judged);
        }

        /**
         * Hands a schedule's run to the bounded search. Every run is of a builder the search made, so
         * one it refuses did not follow the choices its schedule prescribes: the test did not repeat
         * the earlier run they come from. Said in the test's terms, as BoundedSearch's own error is
         * about a misuse of its next() and ran() that the test's author never made.
         */
        private void learn(Judged judged) {
            try {
                search.ran(judged.result());
            } catch (IllegalArgumentException notFollowed) { // its message is about misuse: not passed on
                throw new IllegalStateException("@SimulatedLoop " + search + ": schedule index " + judged.index()
                        + " did not repeat the earlier run whose choices it followed (replay "
                        + dev.simloop.internal.SafeText.line(judged.result().replayLine(), ", too long to show")
                        + "): the test keeps state between schedules (static fields, files) or depends on something"
                        + " else outside the simulation, so the search cannot go on; keep the test's state in its"
                        + " instance, made fresh for every schedule (junit.md)");
            }
        }

        /** Counts a judged schedule: @return whether it fails the test. */
        private boolean judge(Job job, Judged judged) {
            if (judged.result() == null && judged.failure() != null && !isAssumption(judged.failure())) {
                progress.ranNoRun();
                setUpFailed = judged; // a set-up that threw fails the test whatever failOn says, as JUnit's own would
                return true;
            }
            if (search != null) {
                learn(judged);
                if (!search.ownsLast()) {
                    return false; // another shard's schedule, run here only for what the search learns from it
                }
            }
            if (job.index < learningTotal) {
                learnChoices(job, judged);
            }
            if (!job.owned) {
                return false; // another shard's schedule, run here only for PCT to learn its choice count from
            }
            progress.ran(judged.digest());
            Throwable failure = judged.failure();
            if (failure == null) {
                firstPassed |= job.proceeds;
                return false;
            }
            if (isAssumption(failure)) {
                progress.aborted(failure); // an assumption that did not hold: this schedule does not apply
                return false;
            }
            if (cfg.failsOn(failure)) {
                failed = judged;
                return true;
            }
            progress.others.merge(failure.getClass().getName(), 1, Integer::sum);
            return false;
        }

        /** @return whether each schedule runs twice, and the two runs must agree: asked, or a replay, which must reproduce */
        private boolean checksDeterminism() {
            return cfg.checkDeterminism() || cfg.isReplay();
        }

        /**
         * The failure a schedule is judged by: its own, unwrapped, unless the determinism check (always
         * on for a replay, which must reproduce) finds the runs differ; null when it passed.
         *
         * @param threadIds what {@link ThreadIdSkew#mark} gave before the schedule's run, when it checks
         *     determinism: the second run's thread ids are set apart from the first's by a prime, so
         *     that code picking by {@code threadId()} modulo a small number differs between them
         */
        private Throwable failureOf(SimResult<?> r, int index, long threadIds) {
            if (r.failure() instanceof ReplayDiverged || r.failure() instanceof LimitExceeded
                    || (r.failed() && stopping())) {
                // the line no longer fits the test (it changed since), a limit stopped the run (a second run
                // would hit it again, a runaway task after another maxStepWallTime), or a @Timeout stopped
                // it: a second run has nothing to tell, and a difference must not be blamed on the test
                return unwrap(r.failure());
            }
            if (checksDeterminism()) {
                ThreadIdSkew.after(threadIds);
                Optional<Throwable> nd = RuntimeSeams.checkDeterminism(r, b -> {
                    try {
                        return onFreshInstance(call, fresh, cfg.limits(b), contextOf(cfg, index), this, true);
                    } catch (AfterRunFailure after) {
                        return after.run; // the check compares the runs; what the schedule's own @AfterEach finds judges it
                    }
                });
                if (nd.isPresent()) {
                    return nd.get();
                }
            }
            return r.failure() == null ? null : unwrap(r.failure());
        }
    }

    /** A worker's slot: the loop of the run it runs now, once that run's main task has started ({@link Exploring#entered}); null between runs. */
    private static final class LoopSlot {
        volatile Scheduler loop;
    }

    /** How far a test's exploration got: schedules run, failures outside failOn, and why it stopped. */
    static final class Progress {
        private final RunConfig cfg;
        private final BoundedSearch search;
        final long start = System.nanoTime();
        /** Failures of a kind {@link SimulatedLoop#failOn()} does not name, by exception class; sorted. */
        final Map<String, Integer> others = new TreeMap<>();
        /** The digests of the schedules run: distinct interleavings. */
        private final dev.simloop.internal.DistinctCount digests = new dev.simloop.internal.DistinctCount();
        int ran;
        /** Schedules an assumption aborted (not failures: they do not apply), and the first one's exception. */
        int aborted;
        private Throwable firstAborted;
        /** Whether the test thread was interrupted (a {@code @Timeout} fired). */
        volatile boolean interrupted;
        StopReason why;

        Progress(RunConfig cfg, BoundedSearch search) {
            this.cfg = cfg;
            this.search = search;
        }

        /** Counts a schedule that ran in this shard, by its digest. */
        void ran(long digest) {
            ran++;
            digests.add(digest);
        }

        /** Counts a schedule whose set-up threw before its run: it ran no interleaving to count as distinct. */
        void ranNoRun() {
            ran++;
        }

        /** @return how many distinct interleavings ran (estimated past {@link dev.simloop.internal.DistinctCount#EXACT_LIMIT}) */
        int distinct() {
            return digests.count();
        }

        /** Counts a schedule that an assumption aborted. */
        void aborted(Throwable e) {
            aborted++;
            if (firstAborted == null) {
                firstAborted = e;
            }
        }

        /**
         * @return the first schedule's assumption failure when every schedule run was aborted by one
         *     (the test is skipped, as JUnit skips a test whose assumption fails), else null
         */
        Throwable allAborted() {
            return ran > 0 && aborted == ran ? firstAborted : null;
        }

        /** @return whether {@link #distinct()} is exact */
        boolean distinctExact() {
            return digests.isExact();
        }

        /** @return the wall time since the exploration started */
        Duration wallTime() {
            return Duration.ofNanos(System.nanoTime() - start);
        }

        /** Remembers why the exploration ended. */
        void ended(OrderedRuns.Ending ending, BoundedSearch search) {
            why = switch (ending) {
                case STOPPED_BY_SINK -> StopReason.FAILURE_FOUND;
                case SOURCE_DONE -> search != null && !search.hasNext() && search.outstanding() == 0
                        ? StopReason.EXHAUSTED : StopReason.ALL_SCHEDULES_RUN;
                default -> interrupted ? StopReason.INTERRUPTED : StopReason.TIME_LIMIT;
            };
        }

        /** @return how many schedules failed outside failOn */
        int otherCount() {
            return others.values().stream().mapToInt(Integer::intValue).sum();
        }

        /** @return the failures outside failOn, e.g. {@code 2 java.lang.IllegalStateException, 1 java.io.IOException} */
        String othersText() {
            StringBuilder sb = new StringBuilder();
            others.forEach((type, count) -> sb.append(sb.isEmpty() ? "" : ", ").append(count).append(' ').append(type));
            return sb.toString();
        }

        /** @return the sentence on failures outside failOn, to append; empty when there were none */
        String othersClause() {
            int n = otherCount();
            return (n == 0 ? "" : "; " + n + (n == 1 ? " schedule" : " schedules") + " failed outside failOn ("
                    + othersText() + ")")
                    + (aborted == 0 ? "" : "; " + aborted + (aborted == 1 ? " schedule" : " schedules")
                            + " aborted by an assumption");
        }

        /** The report entry of a passing test. */
        Map<String, String> entry() {
            Map<String, String> entry = new LinkedHashMap<>();
            entry.put("simloop", passed() + " (strategy " + cfg.strategyText() + ", seed "
                    + (cfg.isReplay() ? cfg.builderSeed() : cfg.baseSeed()) + ")" + othersClause() + stopClause());
            entry.put("simloop.schedules", Integer.toString(ran));
            entry.put("simloop.stopReason", why.name());
            if (!others.isEmpty()) {
                entry.put("simloop.otherFailures", othersText());
            }
            return entry;
        }

        /** The start of the report entry: what ran and passed. */
        private String passed() {
            int passed = ran - otherCount() - aborted;
            String some = passed == ran ? "" : passed + " of ";
            if (cfg.isReplay()) {
                return "replayed 1 schedule"; // which failed outside failOn, if othersClause() says so
            }
            if (search == null) {
                int asked = cfg.schedules();
                return "passed " + passed + " of " + (cfg.shard().isAll() ? asked + (asked == 1 ? " schedule" : " schedules")
                        : shareOf(asked) + " schedules, shard " + cfg.shard() + " of " + asked);
            }
            String bound = cfg.boundText();
            return switch (why) {
                case EXHAUSTED -> "passed " + some + (ran == 1 ? "the one schedule" : "all " + ran + " schedules")
                        + " within " + bound
                        + (cfg.shard().isAll() ? "" : " in shard " + cfg.shard());
                case ALL_SCHEDULES_RUN -> "passed " + some + ran + " schedules, the cap, before the search through "
                        + bound + " ended";
                default -> "passed " + some + ran + " schedules of the search through " + bound;
            };
        }

        /** @return how many of {@code schedules} this shard runs: those whose index it owns */
        private int shareOf(int schedules) {
            int count = cfg.shard().count();
            return (schedules - cfg.shard().index() + count - 1) / count;
        }

        /** @return the sentence on an early stop, to append; empty when the schedules ran out */
        private String stopClause() {
            return switch (why) {
                case TIME_LIMIT -> "; stopped by the time limit of " + cfg.timeLimit();
                case INTERRUPTED -> "; stopped when the test thread was interrupted";
                default -> "";
            };
        }
    }

    /**
     * Adapts a test body to the root task; checked throwables travel unchecked so the group keeps
     * them unwrapped. The task first tells {@code exploring} (when not null) its loop, in the slot
     * {@link Exploring#entering} gave.
     */
    private static ThrowingSupplier<Void> body(ThrowingBody body, Exploring exploring, LoopSlot slot) {
        return () -> {
            if (exploring != null) {
                exploring.entered(slot);
            }
            try {
                body.run();
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new CheckedCarrier(t);
            }
            return null;
        };
    }

    @FunctionalInterface
    private interface ThrowingBody {
        void run() throws Throwable;
    }

    /** Carries a checked throwable of the test body through the root task group unchanged. */
    private static final class CheckedCarrier extends RuntimeException {
        private static final long serialVersionUID = 1L;

        CheckedCarrier(Throwable cause) {
            super(cause.toString(), cause, false, false);
        }
    }

    /** JUnit 4's assumption failure, which JUnit Jupiter reports as aborted when JUnit 4 is on the class path. */
    private static final String JUNIT4_ASSUMPTION = "org.junit.internal.AssumptionViolatedException";

    /**
     * @return whether {@code t} says an assumption did not hold, as JUnit Jupiter reads it (and so
     *     reports the test aborted, not failed): opentest4j's {@code TestAbortedException}, which
     *     Jupiter's {@code Assumptions} throw, or JUnit 4's {@code AssumptionViolatedException}, which
     *     {@code org.junit.Assume} throws, and AssertJ's {@code assumeThat} too when JUnit 4 is on the
     *     class path (Testcontainers 1.x brings it). Matched by name: this module does not depend on JUnit 4.
     */
    static boolean isAssumption(Throwable t) {
        if (t instanceof org.opentest4j.TestAbortedException) {
            return true;
        }
        for (Class<?> c = t == null ? null : t.getClass(); c != null; c = c.getSuperclass()) {
            if (c.getName().equals(JUNIT4_ASSUMPTION)) {
                return true;
            }
        }
        return false;
    }

    private static Throwable unwrap(Throwable t) {
        if (t instanceof CheckedCarrier c) {
            Throwable inner = c.getCause();
            for (Throwable s : c.getSuppressed()) {
                inner.addSuppressed(s);
            }
            return inner;
        }
        return t;
    }

    // ---- fresh test state for schedules after the first

    /**
     * Runs one schedule on fresh test instances: creates them, runs their {@code @BeforeEach}
     * methods, runs the test method on the innermost instance inside the simulation {@code builder}
     * describes, then runs the {@code @AfterEach} methods (also when anything before failed). A
     * lifecycle failure after a failed run is attached to the run's failure as suppressed.
     */
    private static SimResult<?> onFreshInstance(ReflectiveInvocationContext<Method> call, FreshInstances fresh,
            Simulation.Builder builder, SimulationContext sim, Exploring exploring) {
        return onFreshInstance(call, fresh, builder, sim, exploring, false);
    }

    /**
     * @param carryAfterRun when the run passed and an {@code @AfterEach} then threw, throw an
     *     {@link AfterRunFailure} holding both (for a schedule of the exploration, judged by it) rather
     *     than what the method threw
     */
    private static SimResult<?> onFreshInstance(ReflectiveInvocationContext<Method> call, FreshInstances fresh,
            Simulation.Builder builder, SimulationContext sim, Exploring exploring, boolean carryAfterRun) {
        List<Object> chain;
        try {
            chain = fresh.create();
        } catch (Throwable e) { // a checked exception of a constructor comes through unchecked
            throw settingUp(e, sim);
        }
        int beforeDone = 0;
        Throwable lifecycleFailure = null;
        SimResult<?> r = null;
        try {
            for (Object instance : chain) {
                beforeDone++;
                fresh.beforeEach(beforeDone - 1, instance);
            }
            fresh.checkSet(chain);
            Object target = chain.getLast();
            Object[] args = call.getArguments().toArray();
            for (int i = 0; i < args.length; i++) {
                if (args[i] instanceof SimulationContext) {
                    args[i] = sim; // this schedule's own, as several may run at once
                }
            }
            LoopSlot slot = exploring != null ? exploring.entering() : null;
            try {
                r = builder.run(body(() -> ReflectionSupport.invokeMethod(call.getExecutable(), target, args), exploring,
                        slot));
            } finally {
                if (slot != null) {
                    exploring.left(slot);
                }
            }
        } catch (Throwable t) {
            lifecycleFailure = t;
        }
        for (int depth = beforeDone - 1; depth >= 0; depth--) {
            for (Method m : fresh.afterEach(depth)) {
                try {
                    fresh.invoke(m, chain.get(depth));
                } catch (Throwable t) {
                    if (lifecycleFailure == null) {
                        lifecycleFailure = t;
                    } else {
                        lifecycleFailure.addSuppressed(t);
                    }
                }
            }
        }
        try {
            fresh.autoClose(chain);
        } catch (Throwable t) {
            if (lifecycleFailure == null) {
                lifecycleFailure = t;
            } else {
                lifecycleFailure.addSuppressed(t);
            }
        }
        fresh.discard(chain, lifecycleFailure == null && r != null && !r.failed());
        if (lifecycleFailure != null) {
            if (r != null && r.failure() != null) {
                r.failure().addSuppressed(lifecycleFailure);
                return r;
            }
            if (r != null && carryAfterRun) {
                throw new AfterRunFailure(r, lifecycleFailure);
            }
            throw r == null ? settingUp(lifecycleFailure, sim) : sneaky(lifecycleFailure);
        }
        return r;
    }

    /**
     * @return {@code e}, thrown by the set-up of a schedule's fresh instance (its constructor or
     *     {@code @BeforeEach} methods), with a note that says which schedule: JUnit shows the bare exception
     */
    private static RuntimeException settingUp(Throwable e, SimulationContext sim) {
        e.addSuppressed(new IllegalStateException("simloop: thrown while setting up schedule " + (sim.scheduleIndex() + 1)
                + " of " + sim.schedules() + " (seed " + sim.seed() + ") on a fresh test instance (its constructor or"
                + " @BeforeEach methods), before its run"));
        return sneaky(e);
    }

    /** A schedule whose run passed, after which an {@code @AfterEach} threw (its cause). */
    private static final class AfterRunFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;
        /** The run; not serialized (it never leaves the extension). */
        private final transient SimResult<?> run;

        AfterRunFailure(SimResult<?> run, Throwable thrown) {
            super("an @AfterEach threw after a schedule's run passed", thrown, false, false);
            this.run = run;
        }
    }

    @SuppressWarnings("unchecked") // rethrows t unchanged: the cast to T is erased, so it never fails
    private static <T extends Throwable> RuntimeException sneaky(Throwable t) throws T {
        throw (T) t;
    }

    // ---- the report

    /**
     * @return the test as reports name it: {@code Class.method}, with the display name when it differs;
     *     a {@code @Nested} class after the classes it is nested in ({@code Outer.Inner.method}: two
     *     outer classes may nest an {@code Inner} each), and an invocation of a
     *     {@code @ParameterizedClass} by its display name ({@code Accounts.transfers [class [1] amount=5]})
     */
    private static String testName(ExtensionContext context) {
        return nestedName(context.getRequiredTestClass()) + "."
                + ResultsFile.methodName(context.getUniqueId(), context.getRequiredTestMethod().getName(),
                        context.getDisplayName())
                + classInvocations(context);
    }

    /** @return {@code type}'s simple name, after those of the classes it is nested in as an inner ({@code @Nested}) class */
    private static String nestedName(Class<?> type) {
        Class<?> outer = type.getEnclosingClass();
        boolean inner = outer != null && type.isMemberClass() && !java.lang.reflect.Modifier.isStatic(type.getModifiers());
        return inner ? nestedName(outer) + "." + type.getSimpleName() : type.getSimpleName();
    }

    /** The end of a {@code @ParameterizedClass} invocation's unique id. */
    private static final java.util.regex.Pattern CLASS_INVOCATION =
            java.util.regex.Pattern.compile("/\\[class-template-invocation:#\\d+]$");

    /** @return the display names of the {@code @ParameterizedClass} invocations the test runs in, outermost first, or nothing */
    private static String classInvocations(ExtensionContext context) {
        StringBuilder sb = new StringBuilder();
        for (Optional<ExtensionContext> c = context.getParent(); c.isPresent(); c = c.get().getParent()) {
            if (CLASS_INVOCATION.matcher(c.get().getUniqueId()).find()) {
                sb.insert(0, " [class " + c.get().getDisplayName() + "]");
            }
        }
        return sb.toString();
    }

    /**
     * Publishes a passing exploration's summary where users look: as a JUnit report entry (IDEs,
     * and surefire's XML report as a property of the test case) and as one line on standard output
     * (the console, and surefire's XML as the test's system-out).
     */
    private static void publishSummary(ExtensionContext context, Progress progress) {
        Map<String, String> entry = progress.entry();
        context.publishReportEntry(entry);
        System.out.println("simloop: " + testName(context) + " " + entry.get("simloop"));
    }

    /**
     * @return the strategy for the report: a portfolio's with the member that made the run and how to
     *     run that schedule alone, e.g. {@code portfolio (this schedule: pos; alone: -Dsimloop.seed=7
     *     -Dsimloop.strategy="pos" -Dsimloop.schedules=1)}: its seed alone would run {@code random}, what a test of one
     *     schedule runs, and a PCT member's text holds the choice count it learned
     */
    private static String strategyOfRun(RunConfig cfg, SimResult<?> r) {
        String asked = cfg.strategyText();
        String ran = dev.simloop.Schedule.parse(r.replayLine()).strategy();
        if (ran.equals(asked) || !asked.equals("portfolio") && PctText.depth(asked) == 0) {
            return asked;
        }
        // a portfolio's member, or PCT with the choice count it learned from the first schedules (pct(2,17)),
        // which the annotation cannot name
        // one schedule, the first: the one whose seed is the base seed; and in a job of a shard, the
        // first is in shard 1's part, so a sharded run's settings say to run every shard's
        return asked + " (this schedule: " + ran + (ran.equals("random") ? ""
                : "; alone: -D" + RunConfig.SEED + "=" + r.seed() + " -D" + RunConfig.STRATEGY + "=\"" + ran + "\""
                        + " -D" + RunConfig.SCHEDULES + "=1" + (cfg.shard().isAll() ? "" : " -D" + Shard.PROPERTY + "=1/1"))
                + ")";
    }

    /**
     * @return the test as its report files are named: the class with its package and enclosing
     *     classes, and the method with its parameter types when it has any, e.g.
     *     {@code com.example.Outer.Inner-transfers-TestInfo}; two tests of one run never share it
     */
    private static String reportName(ExtensionContext context) {
        Method m = context.getRequiredTestMethod();
        StringBuilder sb = new StringBuilder(context.getRequiredTestClass().getName().replace('$', '.'))
                .append('-').append(m.getName());
        for (Class<?> p : m.getParameterTypes()) {
            sb.append('-').append(p.getSimpleName());
        }
        return sb.toString();
    }

    /** The longest name {@link #fileName} gives a test: with {@code -replay.html}, within a file name's 255 bytes. */
    private static final int LONGEST_FILE_NAME = 200;

    /**
     * @return {@code name} as its report files are named: each character a file name may not hold (a
     *     space, a letter outside ASCII) as {@code _}, then, when there was one or the name is longer
     *     than {@value #LONGEST_FILE_NAME} characters, cut to them with {@code -} and 8 hex digits of
     *     the name's hash: two tests named in another script with names of one length ({@code сложить},
     *     {@code вычесть}) wrote to one file, and a name too long for a file had none
     */
    private static String fileName(String name) {
        String safe = name.replaceAll("[^A-Za-z0-9._-]", "_");
        if (safe.equals(name) && safe.length() <= LONGEST_FILE_NAME) {
            return safe;
        }
        String hash = String.format(java.util.Locale.ROOT, "-%08x", name.hashCode()); // String.hashCode is the same in every JVM
        return safe.substring(0, Math.min(safe.length(), LONGEST_FILE_NAME - hash.length())) + hash;
    }

    /**
     * @return {@code -invocationN} for the N-th invocation of a {@code @ParameterizedTest} or
     *     {@code @RepeatedTest}, and {@code -classInvocationN} for the N-th of a
     *     {@code @ParameterizedClass} (their report files would else overwrite each other's), else empty
     */
    private static String invocation(ExtensionContext context) {
        StringBuilder sb = new StringBuilder();
        java.util.regex.Matcher c = java.util.regex.Pattern.compile("\\[class-template-invocation:#(\\d+)]")
                .matcher(context.getUniqueId());
        while (c.find()) {
            sb.append("-classInvocation").append(c.group(1));
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\[test-template-invocation:#(\\d+)]$")
                .matcher(context.getUniqueId());
        return m.find() ? sb.append("-invocation").append(m.group(1)).toString() : sb.toString();
    }

    /**
     * @param traced the failing run traced ({@link #tracedForReport}; without a run, the report has no trace)
     * @param lacking why the failing schedule's fresh instance made its line no pin ({@link #lackingFields}), or null
     */
    private static SimulatedLoopFailure report(ExtensionContext context, RunConfig cfg, Judged failed,
            Shrinking.Outcome shrunk, Progress progress, Traced traced, String lacking) {
        return report(context, cfg, failed, shrunk, progress, traced, lacking, null);
    }

    /**
     * @return why the shrunk count of preemptions is not shown to be the fewest ({@link Shrinking.Outcome#notShownFewest()}),
     *     with how a test gets the schedules shrinking left untried; empty when it is shown
     */
    private static Optional<String> notShownFewest(Shrinking.Outcome outcome) {
        return outcome.notShownFewest(k -> "a larger shrinkRuns or shrinkTime, or @SimulatedLoop(strategy ="
                + " PREEMPTION_BOUNDED, bound = " + k + "), tries them");
    }

    /** @param rerun what a re-run of the test did first ({@link #RERUN_NOTE}), or null when it is no re-run */
    private static SimulatedLoopFailure report(ExtensionContext context, RunConfig cfg, Judged failed,
            Shrinking.Outcome outcome, Progress progress, Traced traced, String lacking, String rerun) {
        SimResult<?> shrunk = outcome == null ? null : outcome.run();
        int index = failed.index();
        SimResult<?> r = failed.result();
        // a replay's pages have a name of their own: under its index, always 1, it wrote over the first schedule's of an earlier run
        String which = cfg.isReplay() ? "replay" : String.valueOf(index + 1);
        String stem = fileName(reportName(context) + invocation(context)) + "-" + which;
        FailureReport report = new FailureReport()
                .test(testName(context))
                .rerun(rerun)
                .failure(failed.failure())
                .seed(r.seed())
                .strategy(strategyOfRun(cfg, r))
                .schedule(index, cfg.schedules(), cfg.isReplay())
                .virtualTime(r.virtualTime())
                .steps(r.steps())
                .digest(r.traceDigest())
                .replayLine(r.replayLine(), r.preemptions());
        String shrunkLine = null;
        if (shrunk == r) {
            report.fewest(cfg.fewestAlready() ? "the fewest: the search runs fewest first"
                    : notShownFewest(outcome).orElse("shrinking found none fewer"));
        } else if (shrunk != null) {
            shrunkLine = shrunk.replayLine();
            report.shrunk(shrunkLine, shrunk.preemptions()).shrunkNote(notShownFewest(outcome).orElse(null));
        }
        if (!cfg.isReplay() && cfg.schedules() > 1) {
            report.baseSeed(cfg.baseSeed());
        }
        if (!cfg.shard().isAll()) {
            report.shard(cfg.shard().toString());
        }
        if (failed.failure() instanceof LimitExceeded) {
            // a strict replay stops where the run did only under the same limits: without them it goes on past the line
            report.limitElements(cfg.limitElements());
        }
        if (progress.otherCount() > 0) {
            report.skipped(progress.otherCount() + (progress.otherCount() == 1 ? " schedule" : " schedules")
                    + " before it failed outside failOn (" + progress.othersText() + ")");
        }
        if (traced.run() != null) {
            RuntimeSeams.traceTable(traced.run()).ifPresent(report::traceTable);
            RuntimeSeams.chromeTrace(traced.run(), stem).ifPresent(report::traceFile);
            // a run that passed and then failed in its @AfterEach: the page shows that failure, not "passed"
            SimResult<?> pictured = traced.run().failed() ? traced.run() : FailedAfterRun.of(traced.run(), failed.failure());
            RuntimeSeams.htmlReport(pictured, stem, testName(context), shrunkLine)
                    .ifPresent(report::htmlFile);
        }
        String notAPin = notAPin(failed, shrunkLine, traced, lacking, diverged(context));
        if (notAPin != null) {
            report.notReplayable(notAPin);
        }
        report.everyInvocation(isTemplate(context));
        return report.build();
    }
}
