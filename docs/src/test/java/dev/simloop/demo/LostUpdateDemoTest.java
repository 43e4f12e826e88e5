package dev.simloop.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The README's demo tells the story it promises, and the same story every time. */
class LostUpdateDemoTest {
    private static String runDemo() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        boolean ok = new LostUpdateDemo(new PrintStream(bytes, true, StandardCharsets.UTF_8)).run();
        assertThat(ok).as("the demo's own verdict").isTrue();
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void theDemoHuntsReplaysAndFindsTheRaceThroughJUnit() {
        String out = runDemo();
        assertThat(out).contains("The program: docs/src/test/java/dev/simloop/demo/Account.java")
                .containsPattern("seed \\d+ fails after \\d+ ms of wall time")
                .contains("failure:      java.lang.AssertionError: lost update: balance is")
                .containsPattern("replay line:  simloop:1:random:\\d+:\\d+:")
                .containsPattern("same failure and trace digest \\([0-9a-f]+\\): true")
                .contains("alice reads balance 0").contains("bob reads balance 0")
                .contains("3. The same race as a JUnit 5 test, docs/src/test/java/dev/simloop/demo/fixtures/TwoDepositsTest.java")
                .contains("simloop: TwoDepositsTest.twoDepositsAddUp failed in a simulated run")
                .contains("annotation:   @SimulatedLoop(replay = \"simloop:1:")
                .endsWith("Done: one seed, one run. Paste a replay line into a test and the race is pinned until it is fixed.\n");
        // each part's source files exist where the demo says
        assertThat(new java.io.File("src/test/java/dev/simloop/demo/Account.java")).exists();
        assertThat(new java.io.File("src/test/java/dev/simloop/demo/fixtures/TwoDepositsTest.java")).exists();
    }

    /** Parts 1 and 2 are seeded; part 3 is a JUnit run whose base seed is new every time, as in a user's build. */
    @Test
    void theHuntAndTheReplayAreTheSameEveryRunApartFromWallTimes() {
        String first = seededParts(runDemo());
        String second = seededParts(runDemo());
        assertThat(second).isEqualTo(first).contains("2. Replaying exactly that line");
    }

    private static String seededParts(String out) {
        return out.substring(0, out.indexOf("3. The same race")).replaceAll("after \\d+ ms of wall time", "after N ms");
    }
}
