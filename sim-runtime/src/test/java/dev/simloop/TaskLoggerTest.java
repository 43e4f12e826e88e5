package dev.simloop;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Issue 17, item 8: traio's "names and logger" (seed 002): the task lifecycle at DEBUG, with group paths. */
class TaskLoggerTest {

    @ParameterizedTest
    @EnumSource(Modes.class)
    @DisplayName("seed 002 names and logger: spawn, finish, fail, cancel requested and delivered, each with the task's path")
    void lifecycleIsLoggedWithPaths(Modes mode) {
        List<String> lines = new ArrayList<>();
        TaskLogCapture.debug(lines, () -> mode.run(() -> {
            PersistentTaskGroup server = PersistentTaskGroup.open("server", (t, f) -> { });
            server.spawn("conn-3", () -> {
                throw new IllegalStateException("reset");
            });
            Task<Void> sleeper = server.spawn("conn-4", () -> Loop.sleep(Modes.FOREVER));
            Loop.sleep(mode.unit);
            sleeper.cancel();
            server.shutdown();
            return null;
        }));
        List<String> conn = lines.stream().filter(l -> l.contains("main/server/conn-")).toList();
        assertThat(conn).containsExactly(
                "DEBUG main/server/conn-3 spawned: by main",
                "DEBUG main/server/conn-4 spawned: by main",
                "DEBUG main/server/conn-3 failed: java.lang.IllegalStateException: reset",
                "DEBUG main/server/conn-4 cancel requested: cancelled explicitly: task 'conn-4'",
                "DEBUG main/server/conn-4 cancel delivered: by main",
                "DEBUG main/server/conn-4 finished: cancelled");
        assertThat(lines).contains("DEBUG main/server spawned: by main", "DEBUG main/server finished");
    }

    @ParameterizedTest
    @EnumSource(Modes.class)
    @DisplayName("seed 002 names and logger: nothing is logged when the logger does not take DEBUG")
    void offByDefault(Modes mode) {
        List<String> lines = new ArrayList<>();
        TaskLogCapture.warnings(lines, () -> mode.run(() -> TaskGroup.with(tg -> tg.spawn("quiet", () -> "v").join())));
        assertThat(lines).isEmpty();
    }
}
