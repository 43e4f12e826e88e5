package dev.simloop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.simloop.sync.Channel;
import dev.simloop.sync.Condition;
import dev.simloop.sync.Event;
import dev.simloop.sync.Lock;
import dev.simloop.sync.Semaphore;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Issue 4, checks: a deadlock report is the wait-for graph of the blocked tasks, cycles first. */
class DeadlockCyclesTest {

    /**
     * @return {@code message} without the places where its tasks wait ({@code , at Class.method(File.java:line)}):
     *     for the tests of its structure; {@link #eachListedWaitSaysWhereTheTaskWaits} checks the places
     */
    private static String withoutPlaces(String message) {
        return PLACE.matcher(message).replaceAll("");
    }

    private static final java.util.regex.Pattern PLACE = java.util.regex.Pattern.compile(", at [\\w.$/]+\\(\\w+\\.java:\\d+\\)$",
            java.util.regex.Pattern.MULTILINE);

    private static DeadlockDetected deadlockOf(ThrowingSupplier<?> main) {
        SimResult<?> r = Simulation.builder().seed(7).strategy(Strategy.fifo()).run(main);
        assertThat(r.failure()).isInstanceOf(DeadlockDetected.class);
        return (DeadlockDetected) r.failure();
    }

    @Test
    void twoLockOrderDeadlockReportsTheCycleFirstThenTheOtherBlockedTasks() {
        DeadlockDetected d = deadlockOf(() -> TaskGroup.with(tg -> {
            Lock l1 = new Lock("L1");
            Lock l2 = new Lock("L2");
            Event aHolds = new Event();
            Event bHolds = new Event();
            tg.spawn("a", () -> {
                l1.acquire();
                aHolds.set();
                bHolds.await();
                l2.acquire();
            });
            tg.spawn("b", () -> {
                l2.acquire();
                bHolds.set();
                aHolds.await();
                l1.acquire();
            });
            tg.spawn("bystander", () -> new Event().await());
            return null;
        }));
        String m = withoutPlaces(d.getMessage());
        assertThat(m).startsWith("deadlock: every task is blocked and no timer is pending (virtual time 0s, step ")
                .contains("). 1 wait-for cycle, then the other blocked tasks:\n"
                        + "cycle: 'a' → 'b' → 'a'\n"
                        + "  task 'a' waits for Lock 'L2' held by task 'b' (1 waiting)\n"
                        + "  → task 'b' waits for Lock 'L1' held by task 'a' (1 waiting)\n"
                        + "other blocked tasks:\n"
                        + "  task 'main' waits for its task group to finish (3 tasks still running): "
                        + "tasks 'a', 'b' and 'bystander'\n"
                        + "  task 'bystander' waits for Event (not set, 1 waiting); no task holds it: "
                        + "it needs a call to set()");
        assertThat(m.indexOf("cycle:")).isLessThan(m.indexOf("task 'main'"));
        assertThat(m).endsWith("it needs a call to set()");
        assertThat(d.cycles()).containsExactly(List.of("a", "b"));
    }

    @Test
    void threeTaskCycleStartsAtTheEarliestSpawnedTaskAndFollowsTheWaits() {
        DeadlockDetected d = deadlockOf(() -> TaskGroup.with(tg -> {
            Lock l1 = new Lock("L1");
            Lock l2 = new Lock("L2");
            Lock l3 = new Lock("L3");
            Event go = new Event();
            tg.spawn("first", () -> {
                l2.acquire();
                go.await();
                l3.acquire();
            });
            tg.spawn("second", () -> {
                l3.acquire();
                go.await();
                l1.acquire();
            });
            tg.spawn("third", () -> {
                l1.acquire();
                go.await();
                l2.acquire();
            });
            while (!(l1.isLocked() && l2.isLocked() && l3.isLocked())) {
                Loop.checkpoint();
            }
            go.set();
            return null;
        }));
        assertThat(withoutPlaces(d.getMessage())).contains("1 wait-for cycle, then the other blocked tasks:\n"
                + "cycle: 'first' → 'second' → 'third' → 'first'\n"
                + "  task 'first' waits for Lock 'L3' held by task 'second' (1 waiting)\n"
                + "  → task 'second' waits for Lock 'L1' held by task 'third' (1 waiting)\n"
                + "  → task 'third' waits for Lock 'L2' held by task 'first' (1 waiting)\n"
                + "other blocked tasks:\n"
                + "  task 'main' waits for its task group to finish (3 tasks still running): "
                + "tasks 'first', 'second' and 'third'");
        assertThat(d.cycles()).containsExactly(List.of("first", "second", "third"));
    }

    @Test
    void cycleThroughAGroupJoinNamesTheGroupsChildren() {
        DeadlockDetected d = deadlockOf(() -> TaskGroup.with(tg -> {
            Lock l = new Lock("L");
            tg.spawn("parent", () -> {
                l.acquire();
                TaskGroup.with(inner -> {
                    inner.spawn("child", () -> l.acquire());
                    return null;
                }); // waits for 'child', which waits for the lock 'parent' holds
                l.release();
            });
            return null;
        }));
        assertThat(withoutPlaces(d.getMessage())).contains("1 wait-for cycle, then the other blocked tasks:\n"
                + "cycle: 'parent' → 'child' → 'parent'\n"
                + "  task 'parent' waits for its task group to finish (1 task still running): task 'child'\n"
                + "  → task 'child' waits for Lock 'L' held by task 'parent' (1 waiting)\n"
                + "other blocked tasks:\n"
                + "  task 'main' waits for its task group to finish (1 task still running): task 'parent'");
        assertThat(d.cycles()).containsExactly(List.of("parent", "child"));
    }

    @Test
    void aGroupWaitingForSeveralChildrenStuckOnItsLockGivesOneCyclePerChild() {
        DeadlockDetected d = deadlockOf(() -> {
            Lock l = new Lock("L");
            l.acquire();
            TaskGroup.with(tg -> {
                tg.spawn("c1", () -> l.acquire());
                tg.spawn("c2", () -> l.acquire());
                return null;
            });
            l.release();
            return null;
        });
        assertThat(withoutPlaces(d.getMessage())).contains("). 2 wait-for cycles:\n"
                + "cycle: 'main' → 'c1' → 'main'\n"
                + "  task 'main' waits for its task group to finish (2 tasks still running): tasks 'c1' and 'c2'\n"
                + "  → task 'c1' waits for Lock 'L' held by task 'main' (2 waiting)\n"
                + "cycle: 'main' → 'c2' → 'main'\n"
                + "  task 'main' waits for its task group to finish (2 tasks still running): tasks 'c1' and 'c2'\n"
                + "  → task 'c2' waits for Lock 'L' held by task 'main' (2 waiting)")
                .doesNotContain("other blocked tasks");
        assertThat(d.cycles()).containsExactly(List.of("main", "c1"), List.of("main", "c2"));
    }

    @Test
    void cyclesThroughAJoinAndAStartAreFound() {
        DeadlockDetected join = deadlockOf(() -> TaskGroup.with(tg -> {
            Lock l = new Lock("L");
            l.acquire();
            Task<Void> t = tg.spawn("worker", () -> l.acquire());
            t.join();
            l.release();
            return null;
        }));
        assertThat(withoutPlaces(join.getMessage())).contains("cycle: 'main' → 'worker' → 'main'\n"
                + "  task 'main' waits for task 'worker'\n"
                + "  → task 'worker' waits for Lock 'L' held by task 'main' (1 waiting)");
        assertThat(join.cycles()).containsExactly(List.of("main", "worker"));

        DeadlockDetected start = deadlockOf(() -> TaskGroup.with(tg -> {
            Lock l = new Lock("L");
            l.acquire();
            tg.start("server", status -> {
                l.acquire();
                status.started(null);
            });
            l.release();
            return null;
        }));
        assertThat(withoutPlaces(start.getMessage())).contains("cycle: 'main' → 'server' → 'main'\n"
                + "  task 'main' waits for task 'server' to call TaskStatus.started()\n"
                + "  → task 'server' waits for Lock 'L' held by task 'main' (1 waiting)");
        assertThat(start.cycles()).containsExactly(List.of("main", "server"));
    }

    @Test
    void withoutACycleCyclesIsEmptyAndEveryBlockedTaskIsListedInSpawnOrder() {
        DeadlockDetected d = deadlockOf(() -> TaskGroup.with(tg -> {
            Event never = new Event();
            tg.spawn("w1", never::await);
            tg.spawn("w2", never::await);
            never.await();
            return null;
        }));
        assertThat(d.cycles()).isEmpty();
        assertThat(withoutPlaces(d.getMessage())).doesNotContain("cycle").endsWith("). Blocked tasks:\n"
                + "  task 'main' waits for Event (not set, 3 waiting); no task holds it: it needs a call to set()\n"
                + "  task 'w1' waits for Event (not set, 3 waiting); no task holds it: it needs a call to set()\n"
                + "  task 'w2' waits for Event (not set, 3 waiting); no task holds it: it needs a call to set()");
    }

    @Test
    void primitivesThatNoTaskOwnsSayWhatWouldEndTheWait() {
        DeadlockDetected d = deadlockOf(() -> TaskGroup.with(tg -> {
            Semaphore sem = new Semaphore(0);
            Channel<String> empty = new Channel<>(1);
            Channel<String> full = new Channel<>(0);
            Condition cond = new Condition(new Lock("c"));
            tg.spawn("onSemaphore", sem::acquire);
            tg.spawn("receiver", empty::receive);
            tg.spawn("sender", () -> full.send("x"));
            tg.spawn("onCondition", () -> {
                try (var _ = cond.hold()) {
                    cond.await();
                }
            });
            return null;
        }));
        assertThat(d.cycles()).isEmpty();
        assertThat(withoutPlaces(d.getMessage()))
                .contains("task 'onSemaphore' waits for Semaphore (0 permits, 1 waiting); no task holds it: "
                        + "it needs a call to release()")
                .contains("task 'receiver' waits for Channel (capacity 1, 0 buffered, 1 waiting to receive); "
                        + "no task holds it: it needs a call to send() or close()")
                .contains("task 'sender' waits for Channel (capacity 0, 0 buffered, 1 waiting to send); "
                        + "no task holds it: it needs a call to receive() or close()")
                .contains("task 'onCondition' waits for Condition of Lock 'c' (free), 1 waiting for a signal; "
                        + "no task holds it: it needs a call to signal() or signalAll()");
    }

    /**
     * A missed wake-up: the producer signals before the consumer awaits, and the consumer awaits
     * without checking the state first. The report says that a signal came while no task waited,
     * from which task and at which step, and that a signal is not kept. Before, it said only that
     * the wait "needs a call to signal() or signalAll()", though one had been made.
     */
    @Test
    void aConditionWaitNamesTheSignalThatFoundNoTaskWaiting() {
        DeadlockDetected d = deadlockOf(() -> TaskGroup.with(tg -> {
            Lock lock = new Lock("q");
            Condition ready = new Condition(lock, "ready");
            tg.spawn("consumer", () -> {
                Loop.checkpoint(); // under FIFO, the producer signals first
                try (var _ = lock.hold()) {
                    ready.await(); // no check of the state: the signal is gone
                }
            });
            tg.spawn("producer", () -> {
                try (var _ = lock.hold()) {
                    ready.signal();
                }
            });
            return null;
        }));
        assertThat(withoutPlaces(d.getMessage())).contains("task 'consumer' waits for Condition 'ready' of Lock 'q' (free), 1 waiting for"
                + " a signal; no task holds it: it needs a call to signal() or signalAll(); the last signal that found no"
                + " task waiting came from task 'producer' at step 5, and a signal is not kept for a later await (a missed"
                + " wake-up): wait in a loop that checks the condition's state before each await");
        // a condition that was never signalled reads as before
        DeadlockDetected never = deadlockOf(() -> {
            Lock lock = new Lock("q");
            Condition ready = new Condition(lock, "ready");
            try (var _ = lock.hold()) {
                ready.await();
            }
            return null;
        });
        assertThat(withoutPlaces(never.getMessage())).endsWith("it needs a call to signal() or signalAll()");
    }

    /**
     * A condition kept across runs (a static, a shared fixture): a signal lost in one run is no
     * cause of a later run's deadlock, so that run's report does not name it. Before, the second
     * report named the first run's signaller and step.
     */
    @Test
    void aConditionKeptAcrossRunsNamesOnlyASignalLostInTheReportingRun() {
        Lock lock = new Lock("q");
        Condition ready = new Condition(lock, "ready");
        SimResult<?> first = Simulation.builder().seed(7).strategy(Strategy.fifo()).run(() -> {
            try (var _ = lock.hold()) {
                ready.signal(); // no task waits: lost, in this run
            }
            return null;
        });
        assertThat(first.failed()).isFalse();
        DeadlockDetected later = deadlockOf(() -> {
            try (var _ = lock.hold()) {
                ready.await();
            }
            return null;
        });
        assertThat(withoutPlaces(later.getMessage())).contains("task 'main' waits for Condition 'ready' of Lock 'q'")
                .endsWith("it needs a call to signal() or signalAll()");
    }

    /**
     * A producer blocked on a channel whose only consumer has finished: "it needs a call to receive()"
     * alone sent the reader after a receive() that no task left would make. The line now names the
     * task that received last, and when; that task is not among the report's live tasks.
     */
    @Test
    void aSenderWhoseConsumerHasFinishedIsToldWhoReceivedLast() {
        DeadlockDetected d = deadlockOf(() -> TaskGroup.with(tg -> {
            dev.simloop.sync.Channel<Integer> ch = new dev.simloop.sync.Channel<>(0, "jobs");
            tg.spawn("consumer", () -> {
                ch.receive();
                ch.receive(); // and then it is done: it takes two jobs, not three
            });
            tg.spawn("producer", () -> {
                for (int i = 0; i < 3; i++) {
                    ch.send(i);
                }
            });
            return null;
        }));
        assertThat(withoutPlaces(d.getMessage())).contains("task 'producer' waits for Channel 'jobs' (capacity 0, 0"
                + " buffered, 1 waiting to send); no task holds it: it needs a call to receive() or close(); the last"
                + " value was received by task 'consumer' at step ").doesNotContain("task 'consumer' waits");
    }

    @Test
    void realModeReportsTheCycleToo() {
        Throwable t = catchThrowable(() -> Loop.run(() -> TaskGroup.with(tg -> {
            Lock l = new Lock("L");
            l.acquire();
            tg.spawn("worker", () -> l.acquire()).join();
            return null;
        })));
        assertThat(t).isInstanceOf(DeadlockDetected.class).hasMessageStartingWith(
                "deadlock: every task is blocked in simloop and no timer or offloaded call is pending (step ")
                .hasMessageContaining("1 wait-for cycle:\ncycle: 'main' → 'worker' → 'main'");
        assertThat(((DeadlockDetected) t).cycles()).containsExactly(List.of("main", "worker"));
    }

    @Test
    void theStringConstructorStillWorksWithNoCycles() {
        DeadlockDetected d = new DeadlockDetected("deadlock: custom");
        assertThat(d).hasMessage("deadlock: custom");
        assertThat(d.cycles()).isEmpty();
    }

    /**
     * Each listed task's line ends with the line of the user's code where it waits: a program may take
     * one lock at several calls. A task with no frame of the user's (spawned as {@code never::await})
     * has none. Before, no line of a deadlock on simloop's own primitives said where.
     */
    @Test
    void eachListedWaitSaysWhereTheTaskWaits() {
        int[] at = new int[2];
        DeadlockDetected d = deadlockOf(() -> TaskGroup.with(tg -> {
            Lock l1 = new Lock("L1");
            Lock l2 = new Lock("L2");
            Event bothHold = new Event();
            tg.spawn("a", () -> {
                l1.acquire();
                bothHold.await();
                at[0] = StackWalker.getInstance().walk(f -> f.findFirst()).orElseThrow().getLineNumber() + 1;
                l2.acquire();
            });
            tg.spawn("b", () -> {
                l2.acquire();
                bothHold.set();
                at[1] = StackWalker.getInstance().walk(f -> f.findFirst()).orElseThrow().getLineNumber() + 1;
                l1.acquire();
            });
            tg.spawn("bystander", new Event()::await);
            return null;
        }));
        String here = DeadlockCyclesTest.class.getName() + ".lambda$eachListedWaitSaysWhereTheTaskWaits$";
        assertThat(d.getMessage()).containsPattern("\n  task 'a' waits for Lock 'L2' held by task 'b' \\(1 waiting\\), at "
                + java.util.regex.Pattern.quote(here) + "\\d+\\(DeadlockCyclesTest\\.java:" + at[0] + "\\)\n")
                .containsPattern("\n  → task 'b' waits for Lock 'L1' held by task 'a' \\(1 waiting\\), at "
                        + java.util.regex.Pattern.quote(here) + "\\d+\\(DeadlockCyclesTest\\.java:" + at[1] + "\\)\n")
                .containsPattern("\n  task 'bystander' waits for Event \\(not set, 1 waiting\\); no task holds it: it needs a"
                        + " call to set\\(\\)(\n|$)");
    }
}
