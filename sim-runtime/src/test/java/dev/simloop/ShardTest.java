package dev.simloop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** {@link Shard}: its forms, and where a JVM's shard comes from. */
class ShardTest {
    private static final Function<String, String> NO_PROPERTIES = key -> null;

    @Test
    void theOneBasedTextFormReadsAndPrintsAsJestAndPlaywrightWriteIt() {
        assertThat(Shard.parse("2/4")).isEqualTo(Shard.of(1, 4));
        assertThat(Shard.parse(" 4 / 4 ")).isEqualTo(Shard.of(3, 4));
        assertThat(Shard.of(1, 4)).hasToString("2/4");
        assertThat(Shard.of(0, 1)).isSameAs(Shard.all());
        assertThat(Shard.all().isAll()).isTrue();
        assertThat(Shard.of(2, 3).owns(5)).isTrue();
        assertThat(Shard.of(2, 3).owns(6)).isFalse();
        assertThatThrownBy(() -> Shard.of(0, 2).owns(-2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Shard.owns: scheduleIndex must not be negative (schedules count from 0), but was -2");
    }

    @Test
    void malformedShardsAreRejectedSayingHowToWriteThem() {
        assertThatThrownBy(() -> Shard.parse("5/4")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("shard '5/4': the index 5 is past the count 4 (INDEX/COUNT counts from 1: simloop.shard=1/4"
                        + " to simloop.shard=4/4)");
        for (String bad : new String[] {"0/4", "1/0", "2", "a/b", "1/2/3", "+2/4", "2/+4", "-1/4", "", " ", "/"}) {
            assertThatThrownBy(() -> Shard.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("shard '" + bad + "': write INDEX/COUNT, counting from 1, e.g. simloop.shard=1/4 to "
                            + "simloop.shard=4/4 for four shards");
        }
        assertThatThrownBy(() -> Shard.of(4, 4)).hasMessage(
                "Shard.of(4, 4): needs 0 <= index < count (the index counts from 0; -Dsimloop.shard=INDEX/COUNT counts from 1)");
        assertThatThrownBy(() -> Exploration.of(() -> 1).shard(-1, 2)).hasMessageStartingWith(
                "Exploration.shard(-1, 2): needs 0 <= index < count");
    }

    @Test
    void theSystemPropertyComesFirstThenEachCiConventionInItsOwnBase() {
        Map<String, String> gitlab = Map.of("CI_NODE_INDEX", "1", "CI_NODE_TOTAL", "3");
        assertThat(Shard.fromEnvironment(key -> key.equals("simloop.shard") ? "3/5" : null, gitlab))
                .isEqualTo(Shard.of(2, 5));
        assertThat(Shard.fromEnvironment(NO_PROPERTIES, gitlab)).as("GitLab counts from 1").isEqualTo(Shard.of(0, 3));
        assertThat(Shard.fromEnvironment(NO_PROPERTIES, Map.of("CIRCLE_NODE_INDEX", "1", "CIRCLE_NODE_TOTAL", "3")))
                .as("CircleCI counts from 0").isEqualTo(Shard.of(1, 3));
        assertThat(Shard.fromEnvironment(NO_PROPERTIES,
                Map.of("BUILDKITE_PARALLEL_JOB", "2", "BUILDKITE_PARALLEL_JOB_COUNT", "3")))
                .as("Buildkite counts from 0").isEqualTo(Shard.of(2, 3));
        assertThat(Shard.fromEnvironment(NO_PROPERTIES, Map.of("JOB_COMPLETION_INDEX", "0", "SIMLOOP_SHARD_COUNT", "8")))
                .as("a Kubernetes Indexed Job counts from 0").isEqualTo(Shard.of(0, 8));
        assertThat(Shard.fromEnvironment(NO_PROPERTIES, Map.of("JOB_COMPLETION_INDEX", "3")))
                .as("an indexed pod shards only when SIMLOOP_SHARD_COUNT says into how many").isSameAs(Shard.all());
        assertThat(Shard.fromEnvironment(NO_PROPERTIES, Map.of())).isSameAs(Shard.all());
    }

    @Test
    void aMalformedPropertyOrCiVariableNamesItself() {
        assertThatThrownBy(() -> Shard.fromEnvironment(key -> "4/3", Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("-Dsimloop.shard=4/3: the index 4 is past the count 3");
        assertThatThrownBy(() -> Shard.fromEnvironment(NO_PROPERTIES, Map.of("CI_NODE_INDEX", "0", "CI_NODE_TOTAL", "2")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("CI_NODE_INDEX=0 and CI_NODE_TOTAL=2 do not name a shard: CI_NODE_INDEX counts from 1 to "
                        + "CI_NODE_TOTAL (set -Dsimloop.shard=INDEX/COUNT, counting from 1, to override)");
    }

    @Test
    void aCiVariableWithoutItsPartnerIsAnErrorUnlessThePropertySaysWhichShard() {
        assertThatThrownBy(() -> Shard.fromEnvironment(NO_PROPERTIES, Map.of("CI_NODE_INDEX", "2")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("CI_NODE_INDEX=2 is set but CI_NODE_TOTAL is not, so it names no shard: set both to split"
                        + " each explored test's schedules among the jobs, or -Dsimloop.shard=1/1 to run all of them"
                        + " in this one");
        assertThatThrownBy(() -> Shard.fromEnvironment(NO_PROPERTIES, Map.of("SIMLOOP_SHARD_COUNT", "4")))
                .hasMessageStartingWith("SIMLOOP_SHARD_COUNT=4 is set but JOB_COMPLETION_INDEX is not,");
        assertThatThrownBy(() -> Shard.fromEnvironment(NO_PROPERTIES, Map.of("BUILDKITE_PARALLEL_JOB", "1")))
                .hasMessageStartingWith("BUILDKITE_PARALLEL_JOB=1 is set but BUILDKITE_PARALLEL_JOB_COUNT is not,");
        assertThatThrownBy(() -> Shard.fromEnvironment(NO_PROPERTIES, Map.of("CIRCLE_NODE_TOTAL", "3")))
                .hasMessageStartingWith("CIRCLE_NODE_TOTAL=3 is set but CIRCLE_NODE_INDEX is not,");
        assertThat(Shard.fromEnvironment(key -> key.equals("simloop.shard") ? "1/1" : null, Map.of("CI_NODE_INDEX", "2")))
                .as("the property overrides the variables").isSameAs(Shard.all());
    }

    @Test
    void aCountOfOneAloneIsNoSplitAsGitLabSetsItOnEveryJobWithoutParallel() {
        assertThat(Shard.fromEnvironment(NO_PROPERTIES, Map.of("CI_NODE_TOTAL", "1"))).isSameAs(Shard.all());
        assertThat(Shard.fromEnvironment(NO_PROPERTIES, Map.of("CI_NODE_TOTAL", "01"))).as("one job, however written")
                .isSameAs(Shard.all());
        assertThat(Shard.fromEnvironment(NO_PROPERTIES, Map.of("CIRCLE_NODE_TOTAL", " 1 "))).isSameAs(Shard.all());
        assertThat(Shard.fromEnvironment(NO_PROPERTIES, Map.of("CI_NODE_TOTAL", "1", "CIRCLE_NODE_INDEX", "1",
                "CIRCLE_NODE_TOTAL", "2"))).as("the next convention is read").isEqualTo(Shard.of(1, 2));
        assertThatThrownBy(() -> Shard.fromEnvironment(NO_PROPERTIES, Map.of("CI_NODE_TOTAL", "2")))
                .hasMessageStartingWith("CI_NODE_TOTAL=2 is set but CI_NODE_INDEX is not,");
    }

    /**
     * Two CI systems' variables in one job: before, the first convention in the table won silently,
     * so a job whose GitLab variables said 1/2 and whose own SIMLOOP_SHARD_COUNT said 3/4 ran a half
     * of the schedules that another job ran too.
     */
    @Test
    void twoCiConventionsThatNameDifferentSplitsAreAnErrorAndASplitBeatsACountOfOne() {
        assertThatThrownBy(() -> Shard.fromEnvironment(NO_PROPERTIES, Map.of("CI_NODE_INDEX", "1", "CI_NODE_TOTAL", "2",
                "JOB_COMPLETION_INDEX", "2", "SIMLOOP_SHARD_COUNT", "4")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("CI_NODE_INDEX=1 and CI_NODE_TOTAL=2 name shard 1/2, but JOB_COMPLETION_INDEX=2 and"
                        + " SIMLOOP_SHARD_COUNT=4 name shard 3/4: two CI conventions split this job differently; set"
                        + " -Dsimloop.shard=INDEX/COUNT (counting from 1) to say which, or unset the variables that do"
                        + " not belong here");
        assertThat(Shard.fromEnvironment(key -> key.equals("simloop.shard") ? "3/4" : null, Map.of("CI_NODE_INDEX", "1",
                "CI_NODE_TOTAL", "2", "JOB_COMPLETION_INDEX", "2", "SIMLOOP_SHARD_COUNT", "4")))
                .as("the property says which").isEqualTo(Shard.of(2, 4));
        assertThat(Shard.fromEnvironment(NO_PROPERTIES, Map.of("CI_NODE_INDEX", "2", "CI_NODE_TOTAL", "4",
                "CIRCLE_NODE_INDEX", "1", "CIRCLE_NODE_TOTAL", "4")))
                .as("two conventions that agree, each in its own base").isEqualTo(Shard.of(1, 4));
        assertThat(Shard.fromEnvironment(NO_PROPERTIES, Map.of("CIRCLE_NODE_INDEX", "0", "CIRCLE_NODE_TOTAL", "1",
                "JOB_COMPLETION_INDEX", "3", "SIMLOOP_SHARD_COUNT", "4")))
                .as("a job that CircleCI does not split, split by its own SIMLOOP_SHARD_COUNT").isEqualTo(Shard.of(3, 4));
    }

    /**
     * A CI variable's error says what is wrong with its value: not a number, no count of shards, past
     * the most shards, out of range; and an empty variable is empty, not unset (a CI variable set from
     * another that was not set).
     */
    @Test
    void aCiVariablesErrorSaysWhatIsWrongWithItsValue() {
        String override = " (set -Dsimloop.shard=INDEX/COUNT, counting from 1, to override)";
        assertThatThrownBy(() -> Shard.fromEnvironment(NO_PROPERTIES, Map.of("CI_NODE_INDEX", "two", "CI_NODE_TOTAL", "4")))
                .hasMessage("CI_NODE_INDEX=two and CI_NODE_TOTAL=4 do not name a shard: CI_NODE_INDEX is not a whole"
                        + " number: CI_NODE_INDEX counts from 1 to CI_NODE_TOTAL" + override);
        assertThatThrownBy(() -> Shard.fromEnvironment(NO_PROPERTIES, Map.of("CIRCLE_NODE_INDEX", "1", "CIRCLE_NODE_TOTAL", "0")))
                .hasMessage("CIRCLE_NODE_INDEX=1 and CIRCLE_NODE_TOTAL=0 do not name a shard: CIRCLE_NODE_TOTAL is not a"
                        + " number of shards (a whole number from 1), and CIRCLE_NODE_INDEX counts from 0 to"
                        + " CIRCLE_NODE_TOTAL - 1" + override);
        assertThatThrownBy(() -> Shard.fromEnvironment(NO_PROPERTIES, Map.of("CI_NODE_INDEX", "1", "CI_NODE_TOTAL", "four")))
                .hasMessageStartingWith("CI_NODE_INDEX=1 and CI_NODE_TOTAL=four do not name a shard: CI_NODE_TOTAL is"
                        + " not a number of shards");
        assertThatThrownBy(() -> Shard.fromEnvironment(NO_PROPERTIES, Map.of("BUILDKITE_PARALLEL_JOB", "0",
                "BUILDKITE_PARALLEL_JOB_COUNT", "99999999999")))
                .hasMessage("BUILDKITE_PARALLEL_JOB=0 and BUILDKITE_PARALLEL_JOB_COUNT=99999999999 do not name a shard:"
                        + " BUILDKITE_PARALLEL_JOB_COUNT is past 2147483647, the most shards there can be" + override);
        assertThatThrownBy(() -> Shard.fromEnvironment(NO_PROPERTIES, Map.of("CI_NODE_INDEX", "99999999999999999999",
                "CI_NODE_TOTAL", "4")))
                .hasMessage("CI_NODE_INDEX=99999999999999999999 and CI_NODE_TOTAL=4 do not name a shard: CI_NODE_INDEX"
                        + " counts from 1 to CI_NODE_TOTAL" + override);
        assertThat(Shard.fromEnvironment(NO_PROPERTIES, Map.of("CI_NODE_INDEX", " 003 ", "CI_NODE_TOTAL", "04")))
                .as("leading zeros and spaces").isEqualTo(Shard.of(2, 4));
        assertThatThrownBy(() -> Shard.fromEnvironment(NO_PROPERTIES, Map.of("CI_NODE_INDEX", "", "CI_NODE_TOTAL", "4")))
                .hasMessageStartingWith("CI_NODE_TOTAL=4 is set but CI_NODE_INDEX is empty, so it names no shard:");
        assertThatThrownBy(() -> Shard.fromEnvironment(NO_PROPERTIES, Map.of("CI_NODE_INDEX", "2")))
                .hasMessageStartingWith("CI_NODE_INDEX=2 is set but CI_NODE_TOTAL is not, so it names no shard:");
    }

    @Test
    void anEmptyPropertyOrASignedVariableIsMalformedNotUnset() {
        assertThatThrownBy(() -> Shard.fromEnvironment(key -> key.equals("simloop.shard") ? "" : null, Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("-Dsimloop.shard= (empty): write INDEX/COUNT, counting from 1, e.g. simloop.shard=1/4 to "
                        + "simloop.shard=4/4 for four shards");
        assertThatThrownBy(() -> Shard.fromEnvironment(NO_PROPERTIES, Map.of("CIRCLE_NODE_INDEX", "+1", "CIRCLE_NODE_TOTAL", "2")))
                .hasMessageStartingWith("CIRCLE_NODE_INDEX=+1 and CIRCLE_NODE_TOTAL=2 do not name a shard");
    }
}
