package dev.simloop.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.simloop.Exploration;
import dev.simloop.Loop;
import dev.simloop.NondeterminismDetected;
import dev.simloop.SimResult;
import dev.simloop.Simulation;
import dev.simloop.ThrowingSupplier;
import dev.simloop.junit.SimulatedLoop;
import dev.simloop.junit.SimulatedLoopFailure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.StructuredTaskScope;
import java.util.concurrent.StructuredTaskScope.Subtask;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The snippets of docs/existing-code.md, the worked example's failing test (a fixture, run through
 * the EngineTestKit), a race through {@code StructuredTaskScope} found and replayed (this module
 * compiles with preview features for it), and a check that every test the page's table names exists.
 */
class ExistingCodeSnippetsTest {

    /**
     * The worked example's {@link dev.simloop.docs.StockService} with its race fixed (the check and the
     * update hold the lock together), under the same name: the page's reader fixes their class in place
     * and runs the same test on it, so here the name means this class.
     */
    static class StockService {
        private final ExecutorService executor;
        private final ReentrantLock lock = new ReentrantLock();
        private final Map<String, Integer> stock = new HashMap<>();

        StockService(ExecutorService executor, Map<String, Integer> initial) {
            this.executor = executor;
            this.stock.putAll(initial);
        }

        // snippet:stock-service-fix
        public CompletableFuture<Boolean> reserve(String item) {
            return CompletableFuture.supplyAsync(() -> takeIfAvailable(item), executor);
        }

        private boolean takeIfAvailable(String item) {
            lock.lock();
            try {                                   // the check and the update in one hold of the lock
                int left = stock.getOrDefault(item, 0);
                if (left == 0) {
                    return false;
                }
                stock.put(item, left - 1);
                return true;
            } finally {
                lock.unlock();
            }
        }
        // end-snippet

        int left(String item) {
            lock.lock();
            try {
                return stock.getOrDefault(item, 0);
            } finally {
                lock.unlock();
            }
        }
    }

    // snippet:stock-service-fixed-test
    @Test
    @SimulatedLoop(schedules = 200, seed = 1)
    void theLastBookIsSoldOnce() {
        StockService stock = new StockService(Loop.executor(), Map.of("book", 1));
        CompletableFuture<Boolean> alice = stock.reserve("book");
        CompletableFuture<Boolean> bob = stock.reserve("book");
        CompletableFuture.allOf(alice, bob).join();
        int sold = (alice.join() ? 1 : 0) + (bob.join() ? 1 : 0);
        assertEquals(1, sold, "books sold");
        assertEquals(0, stock.left("book"), "books left");
    }
    // end-snippet

    @Test
    void theWorkedExamplesTestFindsTheRaceAndItsLineReplaysIt() throws Exception {
        SimulatedLoopFailure f = JunitSnippetsTest.failure(JunitSnippetsTest.run("StockServiceRaceTest", Map.of()));
        assertThat(f.getCause()).hasMessage("books sold ==> expected: <1> but was: <2>");
        assertThat(f.schedules()).isEqualTo(200);
        SimulatedLoopFailure again = JunitSnippetsTest.failure(JunitSnippetsTest.run("StockServiceRaceTest",
                Map.of("simloop.replay", f.replayLine())));
        assertThat(again.traceDigest()).isEqualTo(f.traceDigest());
        assertThat(again.getCause()).hasMessage(f.getCause().getMessage());
    }

    // snippet:fetch
    static int fetch(String what) {                 // stands in for a call over the network
        Loop.sleep(Duration.ofMillis(what.length() * 10L));
        return what.equals("price") ? 100 : 20;
    }
    // end-snippet

    // snippet:thread-per-task-executor
    @Test
    @SimulatedLoop
    void aThreadPerTaskExecutorRunsItsThreadsAsTasks() throws Exception {
        try (ExecutorService ex = Executors.newThreadPerTaskExecutor(Loop.threadFactory())) {
            Future<Integer> price = ex.submit(() -> fetch("price"));    // each thread is a task
            Future<Integer> tax = ex.submit(() -> fetch("tax"));
            assertEquals(120, price.get() + tax.get());
        }
        assertEquals(50_000_000, Loop.nanoTime());                      // virtual time: 50 ms, at once
    }
    // end-snippet

    // snippet:structured-task-scope
    @Test
    @SimulatedLoop
    void bothPartsOfTheQuoteArrive() throws InterruptedException {
        try (var scope = StructuredTaskScope.open(StructuredTaskScope.Joiner.<Integer>allSuccessfulOrThrow(),
                cf -> cf.withThreadFactory(Loop.threadFactory()))) {          // forks are tasks
            Subtask<Integer> price = scope.fork(() -> fetch("price"));
            Subtask<Integer> tax = scope.fork(() -> fetch("tax"));
            scope.join();
            assertEquals(120, price.get() + tax.get());
        }
    }
    // end-snippet

    /** The first result wins; the scope cancels the slower fork (a task) and waits for it as it closes. */
    @Test
    void aScopeThatNeedsOneResultCancelsTheOtherForkInLoopTime() {
        SimResult<String> r = Simulation.run(1, () -> {
            List<String> log = new ArrayList<>();
            String winner;
            try (var scope = StructuredTaskScope.open(StructuredTaskScope.Joiner.<String>anySuccessfulResultOrThrow(),
                    cf -> cf.withThreadFactory(Loop.threadFactory()))) {
                scope.fork(() -> {
                    Loop.sleep(Duration.ofMillis(10));
                    return "fast";
                });
                scope.fork(() -> {
                    try {
                        Loop.sleep(Duration.ofHours(1));
                        return "slow";
                    } finally {
                        log.add("slow fork ended at " + Loop.nanoTime());
                    }
                });
                winner = scope.join();
            }
            return winner + ", " + log + ", closed at " + Loop.nanoTime();
        });
        assertThat(r.value()).as(String.valueOf(r.failure()))
                .isEqualTo("fast, [slow fork ended at 10000000], closed at 10000000");
    }

    /**
     * Without the agent, a scope's time-out would fire on the common pool's delay-scheduler thread,
     * outside the run: the run fails at the step that opens the scope, naming the agent.
     */
    @Test
    void aScopeTimeOutWithoutTheAgentFailsTheRunAtItsForkNamingTheAgent() {
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < 2; i++) { // the first run starts the common pool's timer thread, the second finds it
            SimResult<String> r = Simulation.run(1, () -> {
                try (var scope = StructuredTaskScope.open(StructuredTaskScope.Joiner.<String>awaitAll(),
                        cf -> cf.withThreadFactory(Loop.threadFactory()).withTimeout(Duration.ofSeconds(5)))) {
                    scope.fork(() -> "never forked");
                    scope.join();
                    return "joined";
                }
            });
            assertThat(r.failure()).isInstanceOf(NondeterminismDetected.class);
            failures.add(r.failure().getMessage() + " " + r.traceDigest());
        }
        assertThat(failures.get(0)).startsWith("task 'main' forked a java.util.concurrent.StructuredTaskScope opened "
                        + "with a time-out (withTimeout), at dev.simloop.docs.ExistingCodeSnippetsTest.")
                .contains("(step 1): the JDK arms that time-out on the common pool's timer thread")
                .contains("Run the test JVM with the simloop agent (artifact dev.simloop:simloop-agent")
                .contains("or bound the scope with CancelScope.failAfter / moveOnAfter instead of withTimeout.");
        assertThat(failures.get(1)).isEqualTo(failures.get(0));
    }

    /** A lost update through two forks of a scope: found by exploration, replayed from its line. */
    @Test
    void aRaceThroughStructuredTaskScopeIsFoundAndReplayed() {
        ThrowingSupplier<Integer> program = () -> {
            int[] balance = {0};
            try (var scope = StructuredTaskScope.open(StructuredTaskScope.Joiner.awaitAllSuccessfulOrThrow(),
                    cf -> cf.withThreadFactory(Loop.threadFactory()))) {
                for (int amount : new int[] {10, 20}) {
                    scope.fork(() -> {
                        int seen = balance[0];
                        Thread.yield();
                        balance[0] = seen + amount;
                    });
                }
                scope.join();
            }
            if (balance[0] != 30) {
                throw new IllegalStateException("lost update: balance " + balance[0]);
            }
            return balance[0];
        };
        Exploration.Report<Integer> report = Exploration.of(program).seed(14).schedules(200)
                .stopAtFirstFailure(false).run();
        SimResult<Integer> failing = report.firstFailure().orElseThrow();
        assertThat(failing.failure()).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("lost update: balance ");
        assertThat(report.failingSchedules()).isLessThan(report.schedulesRun());
        SimResult<Integer> replayed = Simulation.builder().replay(failing.replayLine()).run(program);
        assertThat(replayed.failure()).hasMessage(failing.failure().getMessage());
        assertThat(replayed.traceDigest()).isEqualTo(failing.traceDigest());
    }

    /** Every test a row of the page's table names (`Class.method`) exists in this repository's tests. */
    @Test
    void everyTestTheTableNamesExists() throws IOException {
        Path root = Path.of("").toAbsolutePath().getParent();
        String table = table(root.resolve("docs/existing-code.md"), "| JDK API |");
        Matcher m = Pattern.compile("`([A-Z][A-Za-z]*Test)\\.([a-z][A-Za-z]*)`").matcher(table);
        List<String> missing = new ArrayList<>();
        int rows = 0;
        while (m.find()) {
            rows++;
            if (!testExists(root, m.group(1), " " + m.group(2) + "(")) {
                missing.add(m.group(1) + "." + m.group(2));
            }
        }
        assertThat(rows).as("tests named in the table").isGreaterThan(20);
        assertThat(missing).as("tests the table names that do not exist").isEmpty();
        for (String line : table.split("\n")) {
            if (line.startsWith("| `") || line.startsWith("| ")) {
                assertThat(line.contains("Test.") || line.startsWith("| JDK API") || line.startsWith("|---"))
                        .as("a row without a test: %s", line).isTrue();
            }
        }
    }

    /** virtual-time.md's table of timed APIs names test classes: each must exist, and every row but its own header names one. */
    @Test
    void everyTestClassTheVirtualTimeTableNamesExists() throws IOException {
        Path root = Path.of("").toAbsolutePath().getParent();
        String table = table(root.resolve("docs/virtual-time.md"), "| API, inside a simulated task |");
        Matcher m = Pattern.compile("`([A-Z][A-Za-z]*Test)`").matcher(table);
        List<String> missing = new ArrayList<>();
        int named = 0;
        while (m.find()) {
            named++;
            if (!testExists(root, m.group(1), "class " + m.group(1))) {
                missing.add(m.group(1));
            }
        }
        assertThat(named).as("test classes named in the table").isGreaterThan(15);
        assertThat(missing).as("test classes the table names that do not exist").isEmpty();
        for (String line : table.split("\n")) {
            if (line.startsWith("| ") && !line.startsWith("| API,")) {
                assertThat(line).as("a row without a test").containsPattern("`[A-Z][A-Za-z]*Test`");
            }
        }
    }

    /** @return the markdown table of {@code page} that starts with {@code header}, up to the blank line after it */
    private static String table(Path page, String header) throws IOException {
        String text = Files.readString(page);
        int start = text.indexOf(header);
        assertThat(start).as("%s in %s", header, page).isNotNegative();
        return text.substring(start, text.indexOf("\n\n", start));
    }

    /** @return whether a test source {@code cls}.java (in any module) contains {@code text} */
    private static boolean testExists(Path root, String cls, String text) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(p -> p.toString().contains("/src/test/java/")
                            && p.getFileName().toString().equals(cls + ".java"))
                    .anyMatch(p -> contains(p, text));
        }
    }

    private static boolean contains(Path p, String text) {
        try {
            return Files.readString(p).contains(text);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
