package dev.simloop;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.management.HotSpotDiagnosticMXBean;
import dev.simloop.sync.Event;
import java.lang.management.ManagementFactory;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a task thread inherits from the task that spawns it, as any Java thread does from the thread
 * that creates it: the creator's {@link InheritableThreadLocal} values and its context class loader.
 * Task threads get no copy of the creator's inheritable map when it holds only simloop's own thread
 * guard: the guard's map is lent to the running task (issue 15, {@code GuardMap}); none of that may
 * show. Each test spawns and joins tasks first, so later tasks run after the lent map went round.
 */
class TaskThreadLocalsTest {
    private static final InheritableThreadLocal<String> USER = new InheritableThreadLocal<>();

    /** Spawns and joins {@code n} tasks that each set {@link #USER} and then remove it. */
    private static void warmUp(TaskGroup tg, int n) {
        for (int i = 0; i < n; i++) {
            tg.spawn(() -> {
                USER.set("left behind");
                USER.remove();
                return null;
            }).join();
        }
    }

    @Test
    void aChildSeesTheInheritableThreadLocalsOfItsParentTaskAndNotItsSiblings() {
        SimResult<List<String>> r = Simulation.run(1, () -> TaskGroup.with(tg -> {
            warmUp(tg, 3);
            List<String> seen = new ArrayList<>();
            seen.add("before: " + tg.spawn(() -> USER.get()).join());
            USER.set("parent");
            seen.add("child: " + tg.spawn(() -> USER.get()).join());
            seen.add("grandchild: " + tg.spawn(() -> TaskGroup.with(inner -> inner.spawn(() -> USER.get()).join()))
                    .join());
            seen.add("child that sets its own: " + tg.spawn(() -> {
                USER.set("child's own");
                return USER.get();
            }).join());
            seen.add("parent still: " + USER.get());
            USER.remove();
            seen.add("after remove: " + tg.spawn(() -> USER.get()).join());
            tg.spawn(() -> {
                USER.set("kept to the end");
                return null;
            }).join();
            seen.add("after a task that ended with a value: " + tg.spawn(() -> USER.get()).join());
            return seen;
        }));
        assertThat(r.failure()).isNull();
        assertThat(r.value()).containsExactly("before: null", "child: parent", "grandchild: parent",
                "child that sets its own: child's own", "parent still: parent", "after remove: null",
                "after a task that ended with a value: null");
    }

    @Test
    void aChildGetsTheContextClassLoaderOfItsParentTask() throws Exception {
        try (URLClassLoader custom = new URLClassLoader("custom", new URL[0], getClass().getClassLoader())) {
            SimResult<List<String>> r = Simulation.run(1, () -> TaskGroup.with(tg -> {
                warmUp(tg, 3);
                List<String> seen = new ArrayList<>();
                ClassLoader main = Thread.currentThread().getContextClassLoader();
                seen.add("default is the main task's: " + (tg.spawn(() -> Thread.currentThread()
                        .getContextClassLoader()).join() == main));
                Thread.currentThread().setContextClassLoader(custom);
                seen.add("child: " + tg.spawn(() -> Thread.currentThread().getContextClassLoader().getName()).join());
                return seen;
            }));
            assertThat(r.failure()).isNull();
            assertThat(r.value()).containsExactly("default is the main task's: true", "child: custom");
        }
    }

    @Test
    void aThreadCreatedInATaskAfterOthersEndedStillFailsTheRun() {
        SimResult<Object> r = Simulation.run(1, () -> TaskGroup.with(tg -> {
            warmUp(tg, 3);
            return tg.spawn("creator", () -> new Thread(() -> { }).getName()).join();
        }));
        assertThat(r.failure()).isInstanceOf(NondeterminismDetected.class)
                .hasMessageStartingWith("task 'creator' created a thread the simulation does not own: a platform "
                        + "thread (new Thread, Thread.ofPlatform)");
    }

    @Test
    void onARealLoopAChildSeesTheInheritableThreadLocalsOfItsParentTask() {
        String v = Loop.run(() -> TaskGroup.with(tg -> {
            warmUp(tg, 3);
            USER.set("real parent");
            return tg.spawn(() -> USER.get()).join();
        }));
        assertThat(v).isEqualTo("real parent");
    }

    @Test
    void aThreadDumpListsTheTaskThreadsUnderTheirContainer(@TempDir Path dir) {
        Path dump = dir.resolve("threads.json");
        SimResult<String> r = Simulation.run(1, () -> TaskGroup.with(tg -> {
            Event never = new Event();
            tg.spawn("waiter-in-dump", () -> never.await());
            Loop.checkpoint(); // the waiter runs up to its wait
            Loop.toThread(() -> {
                ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                        .dumpThreads(dump.toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON);
                return null;
            });
            tg.cancel();
            return Files.readString(dump);
        }));
        assertThat(r.failure()).isNull();
        String json = r.value();
        int container = json.indexOf("\"container\": \"simloop tasks");
        assertThat(container).as("the tasks' container in %s", json).isNotNegative();
        assertThat(json.indexOf("\"name\": \"waiter-in-dump\"", container)).isGreaterThan(container);
        assertThat(json.indexOf("\"name\": \"main\"", container)).isGreaterThan(container);
    }
}
