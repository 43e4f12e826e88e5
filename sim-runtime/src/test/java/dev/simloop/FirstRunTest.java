package dev.simloop;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A fresh JVM's first simulation (issue 15) loads only what a plain run needs: every class it
 * loads is listed by the JVM ({@code -Xlog:class+load}) in a child JVM running {@link FirstRunMain}.
 */
class FirstRunTest {
    private static String log;

    @BeforeAll
    static void runChild() throws Exception {
        log = ChildJvms.run(List.of("--add-opens", "java.base/java.lang=ALL-UNNAMED", "-Xlog:class+load=info:stdout",
                "-cp", System.getProperty("java.class.path"), FirstRunMain.class.getName()));
    }

    @Test
    void theChildRanTheProgram() {
        assertThat(log).containsPattern("VALUE \\d+ STEPS \\d+");
    }

    @Test
    void theRuntimeSpinsNoLambdaClassOnAPlainRun() {
        // each lambda or method reference the runtime runs spins a hidden class on its first use
        assertThat(Pattern.compile("dev\\.simloop\\.(?!FirstRunMain)[\\w.$]*\\$\\$Lambda").matcher(log).results()
                .map(m -> m.group()).toList()).isEmpty();
    }

    @Test
    void partsAPlainRunDoesNotUseAreNotLoaded() {
        assertThat(log).contains("dev.simloop.internal.Scheduler ").contains("dev.simloop.internal.TaskImpl ");
        for (String unused : List.of("Trace", "HtmlReport", "DeterminismCheck", "PriorityScheduling", "Offloads",
                "Signals", "Coroutine", "LoopClock$JavaClockView", "ReplayPicker", "WidthRecorder")) {
            assertThat(log).as(unused).doesNotContain("dev.simloop.internal." + unused + " ");
        }
    }
}
