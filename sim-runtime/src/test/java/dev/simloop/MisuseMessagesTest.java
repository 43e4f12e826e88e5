package dev.simloop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simloop.sync.Channel;
import dev.simloop.sync.Condition;
import dev.simloop.sync.Lock;
import dev.simloop.sync.PriorityCondition;
import dev.simloop.sync.PriorityLock;
import dev.simloop.sync.Semaphore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A misused call names the call the user made, not the one it is built on: before, Semaphore.hold
 * said Semaphore.acquire, Condition.hold Lock.hold, PriorityCondition.hold PriorityLock.hold,
 * TaskGroup.spawnTimer TaskGroup.spawn, PersistentTaskGroup.close shutdown, and a channel's
 * iterator Channel.receive.
 */
class MisuseMessagesTest {
    private static final String RUN_IT_INSIDE = ", is not a task of any loop. Run the code inside Loop.run(...) or "
            + "Simulation.run(...), or in a task they spawn. To reach a real loop from a thread of its own (a callback,"
            + " a client library's thread), wake one of its tasks: complete a CompletableFuture, or count down a"
            + " CountDownLatch, that the task waits on.";

    /** The message {@code call} throws on a platform thread named "worker-1"; "accepted" when it throws none. */
    private static String onThread(Callable<?> call) throws InterruptedException {
        AtomicReference<String> seen = new AtomicReference<>();
        Thread t = Thread.ofPlatform().name("worker-1").start(() -> {
            try {
                call.call();
                seen.set("accepted");
            } catch (Exception e) {
                seen.set(e.getMessage());
            }
        });
        t.join();
        return seen.get();
    }

    private static String outside(String call) {
        return call + " must be called from a simloop task, but the calling thread, thread 'worker-1'" + RUN_IT_INSIDE;
    }

    @Test
    void primitivesCalledOutsideATaskNameTheCallMade() throws Exception {
        assertThat(onThread(() -> new Semaphore(1).hold())).isEqualTo(outside("Semaphore.hold"));
        assertThat(onThread(() -> new Condition().hold())).isEqualTo(outside("Condition.hold"));
        assertThat(onThread(() -> new PriorityCondition().hold())).isEqualTo(outside("PriorityCondition.hold"));
        assertThat(onThread(() -> new Channel<String>(1).iterator().hasNext()))
                .isEqualTo(outside("Iterator.hasNext (Channel.iterator())"));
        assertThat(onThread(() -> {
            for (String s : new Channel<String>(1)) {
                return s;
            }
            return null;
        })).as("a for-each loop calls hasNext").isEqualTo(outside("Iterator.hasNext (Channel.iterator())"));
        assertThat(onThread(() -> new Channel<String>(1).iterator().next()))
                .isEqualTo(outside("Iterator.next (Channel.iterator())"));
    }

    @Test
    void nextOnTheIteratorOfAClosedAndDrainedChannelNamesTheCallAndTheChannel() {
        Object message = Simulation.run(1, () -> {
            Channel<String> jobs = new Channel<>(1, "jobs");
            jobs.close();
            try {
                return jobs.iterator().next();
            } catch (java.util.NoSuchElementException e) {
                return e.getMessage();
            }
        }).value();
        assertThat(message).isEqualTo("Iterator.next (Channel.iterator()): Channel 'jobs' is closed and drained;"
                + " hasNext() returns false then");
    }

    /** A lock held already, taken again through its condition: the message names Condition.hold. */
    @Test
    void aConditionHoldOfALockHeldAlreadyNamesConditionHold() {
        SimResult<List<String>> r = Simulation.run(1, () -> {
            List<String> messages = new ArrayList<>();
            Condition c = new Condition(new Lock("l"));
            try (var _ = c.hold()) {
                c.hold();
            } catch (IllegalStateException e) {
                messages.add(e.getMessage());
            }
            PriorityCondition p = new PriorityCondition(new PriorityLock("p"));
            try (var _ = p.hold()) {
                p.hold();
            } catch (IllegalStateException e) {
                messages.add(e.getMessage());
            }
            return messages;
        });
        assertThat(r.value()).containsExactly(
                "Condition.hold: task 'main' already holds Lock 'l', and a Lock is not re-entrant (use RLock to acquire"
                        + " a lock again while holding it)",
                "PriorityCondition.hold: task 'main' already holds PriorityLock 'p', and a PriorityLock is not"
                        + " re-entrant (release it before acquiring it again; an RLock is re-entrant but has no"
                        + " priority inheritance)");
    }

    @Test
    void aSpawnTimerFromOutsideItsLoopOrIntoAFinishedGroupNamesSpawnTimer() throws Exception {
        AtomicReference<String> fromAThread = new AtomicReference<>();
        TaskGroup finished = Simulation.run(1, () -> TaskGroup.with(tg -> {
            fromAThread.set(Loop.toThread(() -> onThread(() -> tg.spawnTimer("t", Duration.ofSeconds(1),
                    Timer.DelayPolicy.ACCUMULATE, () -> { }))));
            return tg;
        })).value();
        assertThat(fromAThread.get()).isEqualTo(outside("TaskGroup.spawnTimer"));
        SimResult<String> r = Simulation.run(2, () -> {
            TaskGroup ended = TaskGroup.with(tg -> tg);
            try {
                ended.spawnTimer("t", Duration.ofSeconds(1), Timer.DelayPolicy.ACCUMULATE, () -> { });
                return "accepted";
            } catch (IllegalStateException e) {
                return e.getMessage();
            }
        });
        assertThat(r.value()).startsWith("TaskGroup.spawnTimer: the task group has finished");
        assertThat(onThread(() -> finished.spawnTimer("t", Duration.ofSeconds(1), Timer.DelayPolicy.ACCUMULATE, () -> { })))
                .isEqualTo(outside("TaskGroup.spawnTimer"));
    }

    @Test
    void aPersistentTaskGroupClosedFromOutsideItsLoopNamesClose() throws Exception {
        AtomicReference<String> fromAThread = new AtomicReference<>();
        PersistentTaskGroup ofA = Simulation.run(1, () -> {
            PersistentTaskGroup g = PersistentTaskGroup.open("conns");
            fromAThread.set(Loop.toThread(() -> onThread(() -> {
                g.close();
                return null;
            })));
            g.shutdown();
            return g;
        }).value();
        assertThat(fromAThread.get()).isEqualTo(outside("PersistentTaskGroup.close"));
        SimResult<String> b = Simulation.run(2, () -> {
            try {
                ofA.close();
                return "accepted";
            } catch (IllegalStateException e) {
                return e.getMessage();
            }
        });
        assertThat(b.value()).isEqualTo("PersistentTaskGroup.close: group 'conns' belongs to another loop, whose run"
                + " has ended, than the calling task 'main'; use it from its own loop's tasks only (keep no task, group"
                + " or scope of a run, in a static field or a test fixture, for later runs)");
    }

    /**
     * Once its run is over, a close or shutdown from a thread that is no task has nothing to do: the
     * group was shut down in the run (a group left open fails the run with LeakDetected). Before, it
     * threw "must be called from a simloop task", so JUnit's close of an {@code @AutoClose} field that
     * held the group, after the test had shut it down itself, failed the test.
     */
    @Test
    void aPersistentTaskGroupOfARunThatIsOverClosesFromOutsideWithNothingToDo() {
        PersistentTaskGroup shutDown = Simulation.run(1, () -> {
            PersistentTaskGroup g = PersistentTaskGroup.open("conns");
            g.spawn("serve", () -> Loop.sleep(Duration.ofHours(1)));
            Loop.sleep(Duration.ofSeconds(1));
            g.shutdown();
            return g;
        }).value();
        assertThat(shutDown.isOpen()).isFalse();
        shutDown.close();
        shutDown.shutdown();
        assertThat(shutDown.isOpen()).isFalse();
    }
}
