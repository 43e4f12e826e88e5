package dev.simloop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simloop.sync.BrokenResourceException;
import dev.simloop.sync.Event;
import dev.simloop.sync.Lock;
import dev.simloop.sync.RLock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Issue 4, checks: a simulated run fails when a task finished while still holding a lock. */
class LeakCheckTest {

    /** Two workers; 'worker-2' returns holding the lock after 1.5s of virtual time. */
    private static String workers() {
        Lock accounts = new Lock("accounts");
        TaskGroup.with(tg -> {
            tg.spawn("worker-1", () -> {
                Loop.sleep(Duration.ofMillis(1500));
                try (var _ = accounts.hold()) {
                    Loop.checkpoint();
                }
            });
            tg.spawn("worker-2", () -> {
                Loop.sleep(Duration.ofMillis(1500));
                accounts.acquire(); // never released
            });
            return null;
        });
        return "done";
    }

    @Test
    void aTaskThatReturnsHoldingALockFailsTheRunNamingLockTaskStepAndTime() {
        SimResult<String> r = Simulation.builder().seed(3).strategy(Strategy.fifo()).run(LeakCheckTest::workers);
        assertThat(r.failure()).isInstanceOf(LeakDetected.class)
                .hasMessageMatching("leak: Lock 'accounts' was still held by task 'worker-2' when it finished "
                        + "\\(step \\d+, virtual time 1\\.5s\\)")
                .hasNoSuppressedExceptions();
        LeakDetected leak = (LeakDetected) r.failure();
        assertThat(leak.leaks()).singleElement().asString().startsWith("Lock 'accounts' was still held by task 'worker-2'");
        // the step is the one at which 'worker-2' finished, within the run
        long step = Long.parseLong(leak.getMessage().replaceAll(".*\\(step (\\d+),.*", "$1"));
        assertThat(step).isBetween(1L, r.steps());
        // reported against this run: value() throws with the replay line, and the replay fails the same way
        assertThat(catchSimulationFailure(r)).cause().isSameAs(leak);
        SimResult<String> again = Simulation.builder().replay(r.replayLine()).run(LeakCheckTest::workers);
        assertThat(again.failure()).isInstanceOf(LeakDetected.class).hasMessage(leak.getMessage());
    }

    private static Throwable catchSimulationFailure(SimResult<?> r) {
        try {
            r.value();
            return null;
        } catch (SimulationFailure f) {
            return f;
        }
    }

    @Test
    void theCheckCanBeTurnedOff() {
        SimResult<String> r = Simulation.builder().seed(3).strategy(Strategy.fifo()).checkLeaks(false)
                .run(LeakCheckTest::workers);
        assertThat(r.failed()).isFalse();
        assertThat(r.value()).isEqualTo("done");
    }

    @Test
    void aRunThatFailsAnywayKeepsItsFailureWithTheLeakSuppressed() {
        SimResult<Object> r = Simulation.builder().strategy(Strategy.fifo()).run(() -> {
            Lock lock = new Lock("db");
            TaskGroup.with(tg -> {
                tg.spawn("careless", () -> {
                    lock.acquire();
                    throw new IllegalStateException("boom while holding the lock");
                });
                return null;
            });
            return null;
        });
        assertThat(r.failure()).isInstanceOf(IllegalStateException.class).hasMessage("boom while holding the lock");
        assertThat(r.failure().getSuppressed()).singleElement().isInstanceOf(LeakDetected.class).extracting(Throwable::getMessage)
                .asString().startsWith("leak: Lock 'db' was still held by task 'careless' when it finished (step ");
    }

    @Test
    void aDeadlockedRunKeepsItsDeadlockWithTheEarlierLeakSuppressed() {
        SimResult<Object> r = Simulation.builder().strategy(Strategy.fifo()).run(() -> {
            Lock lock = new Lock("db");
            TaskGroup.with(tg -> {
                tg.spawn("careless", () -> lock.acquire());
                return null;
            });
            new Event().await();
            return null;
        });
        assertThat(r.failure()).isInstanceOf(DeadlockDetected.class);
        assertThat(r.failure().getSuppressed()).singleElement().isInstanceOf(LeakDetected.class);
    }

    @Test
    void aLockReleasedProperlyIsNoLeak() {
        SimResult<Integer> r = Simulation.builder().strategy(Strategy.random()).seed(11).run(() -> {
            Lock lock = new Lock("counter");
            RLock rlock = new RLock("nested");
            int[] n = {0};
            TaskGroup.with(tg -> {
                for (int i = 0; i < 4; i++) {
                    tg.spawn("w" + i, () -> {
                        try (var _ = lock.hold(); var _ = rlock.hold(); var _ = rlock.hold()) {
                            Loop.checkpoint();
                            n[0]++;
                        }
                    });
                }
                return null;
            });
            return n[0];
        });
        assertThat(r.failure()).isNull();
        assertThat(r.value()).isEqualTo(4);
    }

    @Test
    void theMainTaskLeakingIsReportedAndEveryLeakIsListed() {
        SimResult<Object> r = Simulation.builder().strategy(Strategy.fifo()).run(() -> {
            Lock a = new Lock("a");
            Lock b = new Lock("b");
            TaskGroup.with(tg -> {
                tg.spawn("t", () -> b.acquire());
                return null;
            });
            a.acquire();
            return null;
        });
        assertThat(r.failure()).isInstanceOf(LeakDetected.class);
        LeakDetected leak = (LeakDetected) r.failure();
        assertThat(leak.leaks()).hasSize(2);
        assertThat(leak.leaks().get(0)).startsWith("Lock 'b' was still held by task 't' when it finished (step ");
        assertThat(leak.leaks().get(1)).startsWith("Lock 'a' was still held by task 'main' when it finished (step ");
        assertThat(leak.getMessage()).startsWith("leak: 2 found:\n  Lock 'b' was still held by task 't'")
                .contains("\n  Lock 'a' was still held by task 'main'");
    }

    @Test
    void laterAcquirersStillSeeTheBrokenLockAndTheRunStillReportsTheLeak() {
        SimResult<String> r = Simulation.builder().strategy(Strategy.fifo()).run(() -> {
            Lock lock = new Lock("db");
            TaskGroup.with(tg -> {
                tg.spawn("careless", () -> lock.acquire());
                return null;
            });
            try {
                lock.acquire();
                return "acquired";
            } catch (BrokenResourceException e) {
                return "broken"; // handled, but the leak is still a bug
            }
        });
        assertThat(r.failure()).isInstanceOf(LeakDetected.class).hasMessageContaining("task 'careless'");
    }

    @Test
    void explorationChecksEverySchedule() {
        ThrowingSupplier<String> leaky = () -> {
            Lock lock = new Lock("db");
            TaskGroup.with(tg -> {
                tg.spawn("careless", () -> lock.acquire());
                tg.spawn("other", () -> Loop.checkpoint());
                return null;
            });
            return "done";
        };
        Exploration.Report<String> checked = Exploration.of(leaky).schedules(5).run();
        assertThat(checked.firstFailure()).get().extracting(SimResult::failure).isInstanceOf(LeakDetected.class);
        Exploration.Report<String> unchecked = Exploration.of(leaky).schedules(5).checkLeaks(false).run();
        assertThat(unchecked.failingSchedules()).isZero();
        assertThat(unchecked.schedulesRun()).isEqualTo(5);
    }

    @Test
    void realModeDoesNotCheck() {
        String v = Loop.run(() -> {
            Lock lock = new Lock("db");
            TaskGroup.with(tg -> {
                tg.spawn("careless", () -> lock.acquire());
                return null;
            });
            return "finished with " + (lock.isBroken() ? "a broken lock" : "a free lock");
        });
        assertThat(v).isEqualTo("finished with a broken lock");
    }

    @Test
    void leakDetectedListsItsLeaks() {
        LeakDetected one = new LeakDetected(List.of("Lock 'x' was still held by task 'y' when it finished (step 1, "
                + "virtual time 0s)"));
        assertThat(one).hasMessage("leak: Lock 'x' was still held by task 'y' when it finished (step 1, virtual time 0s)");
        assertThat(one.leaks()).hasSize(1);
    }

    @Test
    void aThousandLeakedLocksAreFiftyLinesOfTheMessageAndAllOfLeaks() {
        int tasks = 1_000;
        SimResult<Object> r = Simulation.builder().seed(1).strategy(Strategy.fifo()).run(() -> {
            TaskGroup.with(g -> {
                for (int i = 0; i < tasks; i++) {
                    Lock l = new Lock("l" + i);
                    g.spawn(l::acquire);
                }
                return null;
            });
            return null;
        });
        LeakDetected leak = (LeakDetected) r.failure();
        assertThat(leak.leaks()).hasSize(tasks);
        String[] lines = leak.getMessage().split("\n");
        assertThat(lines).hasSize(1 + 50 + 1);
        assertThat(lines[0]).isEqualTo("leak: 1000 found:");
        assertThat(lines[50]).isEqualTo("  " + leak.leaks().get(49));
        assertThat(lines[51]).isEqualTo("  and 950 more (leaks() lists them all)");
    }
    /**
     * The trace says that a lock its holder left held is broken, not released: its waiters and
     * later acquirers get a {@code BrokenResourceException}. Before, the event after the holder's
     * finish read "release Lock 'connection'", as if the lock had been let go and were free.
     */
    @Test
    void theTraceSaysALeakedLockIsBrokenNotReleased() {
        SimResult<Object> r = Simulation.builder().seed(1).trace(true).run(() -> {
            Lock conn = new Lock("connection");
            TaskGroup.with(tg -> {
                tg.spawn("client", () -> {
                    CancelScope.moveOnAfter(Duration.ofMillis(50), () -> {
                        conn.acquire();
                        Loop.sleep(Duration.ofMillis(100)); // the time-out cancels it here: the release is never reached
                        conn.release();
                        return null;
                    });
                });
                return null;
            });
            return null;
        });
        assertThat(r.failure()).isInstanceOf(LeakDetected.class);
        String table = r.traceTable(40).orElseThrow().replaceAll("\\n[ |]+\\| ", " "); // a long cell wraps within its column
        assertThat(table).contains("release Lock 'connection' (broken: the task finished without releasing it)");
        // a lock let go as usual reads as before
        SimResult<Object> fine = Simulation.builder().seed(1).trace(true).run(() -> {
            Lock conn = new Lock("connection");
            conn.acquire();
            conn.release();
            return null;
        });
        assertThat(fine.traceTable(40).orElseThrow()).contains("release Lock 'connection'").doesNotContain("broken");
    }
}
