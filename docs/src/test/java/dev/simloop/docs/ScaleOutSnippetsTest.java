package dev.simloop.docs;

import static dev.simloop.docs.ExploringSnippetsTest.loadsOfOneKey;
import static org.assertj.core.api.Assertions.assertThat;

import dev.simloop.Exploration;
import dev.simloop.Shard;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The snippets of scale-out.md (and exploring.md's on shards), and its CI examples, which must be the
 * files in docs/examples.
 */
class ScaleOutSnippetsTest {
    @Test
    void parallelAndSharded() {
        // snippet:parallel-exploration
        Exploration.Report<Integer> report = Exploration.of(() -> loadsOfOneKey())
                .schedules(100_000)
                .parallelism(Runtime.getRuntime().availableProcessors())   // the same report as 1 thread
                .run();
        // end-snippet
        assertThat(report.firstFailureIndex()).isEqualTo(Exploration.of(ExploringSnippetsTest::loadsOfOneKey)
                .schedules(100_000).run().firstFailureIndex());

        int found = 0;
        for (int k = 0; k < 4; k++) {
            int index = k;
            // snippet:sharded-exploration
            Exploration.Report<Integer> part = Exploration.of(() -> loadsOfOneKey())
                    .schedules(100_000)
                    .shard(index, 4)          // schedules i with i % 4 == index; or -Dsimloop.shard=INDEX+1/4
                    .run();
            // end-snippet
            assertThat(part.shard()).isEqualTo(Shard.of(index, 4));
            assertThat(part.firstFailureIndex() % 4).isEqualTo(index);
            found += part.failingSchedules();
        }
        assertThat(found).isEqualTo(4);
    }

    @Test
    void aShardOnTwoThreads() {
        // snippet:exploring-shard
        Exploration.Report<Integer> part = Exploration.of(() -> loadsOfOneKey())
                .schedules(100_000)
                .parallelism(2)                 // 2 threads, the same report as 1
                .shard(0, 4)                    // the schedules i with i % 4 == 0; -Dsimloop.shard=1/4
                .run();
        Shard which = part.shard();             // Shard.of(0, 4), which prints as 1/4
        // end-snippet
        assertThat(which).isEqualTo(Shard.of(0, 4)).hasToString("1/4");
        assertThat(part.parallelism()).isEqualTo(2);
        assertThat(part.firstFailureIndex()).isNotNegative();
        assertThat(part.firstFailureIndex() % 4).isZero();
        assertThat(part.firstFailureIndex()).isEqualTo(Exploration.of(ExploringSnippetsTest::loadsOfOneKey)
                .schedules(100_000).shard(0, 4).run().firstFailureIndex());
    }

    private static final Pattern YAML = Pattern.compile("<!-- example: (\\S+) -->\\n```yaml\\n(.*?)```", Pattern.DOTALL);

    @Test
    void theCiExamplesOnThePageAreTheFilesInDocsExamples() throws Exception {
        Path docs = Path.of("").toAbsolutePath();
        String page = Files.readString(docs.resolve("scale-out.md"));
        Matcher m = YAML.matcher(page);
        List<String> shown = new ArrayList<>();
        while (m.find()) {
            shown.add(m.group(1));
            assertThat(m.group(2)).as(m.group(1)).isEqualTo(Files.readString(docs.resolve(m.group(1))));
        }
        assertThat(shown).containsExactly("examples/github-actions-shards.yml", "examples/k8s-indexed-job.yaml",
                "examples/k8s-merge-job.yaml");
        assertThat(Files.readString(docs.resolve("examples/github-actions-shards.yml")))
                .contains("-Dsimloop.shard=${{ matrix.shard }}/4").contains("dev.simloop.junit.Results merge");
    }

    @Test
    void theKubernetesJobsShareOneSeedStartCleanAndMerge() throws Exception {
        Path examples = Path.of("").toAbsolutePath().resolve("examples");
        String job = Files.readString(examples.resolve("k8s-indexed-job.yaml"));
        assertThat(job).contains("completionMode: Indexed").contains("SIMLOOP_SHARD_COUNT").contains("completions: 4")
                // one seed for the whole Job, set in the manifest, not taken in each pod
                .contains("- name: SIMLOOP_SEED").contains("-Dsimloop.seed=${SIMLOOP_SEED}").doesNotContain("-Dsimloop.seed=$(date")
                .contains("| kubectl apply -f -")
                // each pod starts its shard file afresh, then writes it
                .contains("rm -f /results/shard-${JOB_COMPLETION_INDEX}.jsonl &&")
                .contains("-Dsimloop.results=/results/shard-${JOB_COMPLETION_INDEX}.jsonl")
                // the two Jobs, in order
                .contains("kubectl wait --for=condition=complete job/simloop-soak")
                .contains("kubectl apply -f k8s-merge-job.yaml");
        Matcher seed = Pattern.compile("- name: SIMLOOP_SEED\\n\\s+value: \"(\\d+)\"").matcher(job);
        assertThat(seed.find()).as("SIMLOOP_SEED has a number as its value").isTrue();
        assertThat(job).contains("sed \"s/" + seed.group(1) + "/$(date +%Y%m%d)/\" k8s-indexed-job.yaml");

        String merge = Files.readString(examples.resolve("k8s-merge-job.yaml"));
        assertThat(merge).contains("kind: Job").contains("name: simloop-merge").contains("backoffLimit: 0")
                .contains("claimName: simloop-results").contains("mountPath: /results")
                // the classpath the GitHub Actions example builds, then the merge over the 4 shard files
                .contains("org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath").contains("-Dmdep.includeGroupIds=dev.simloop")
                .contains("java -cp \"$(cat /tmp/cp.txt)\" dev.simloop.junit.Results merge --xml /results/simloop.xml")
                .contains("/results/shard-0.jsonl /results/shard-1.jsonl /results/shard-2.jsonl /results/shard-3.jsonl");
        assertThat(Files.readString(Path.of("").toAbsolutePath().resolve("scale-out.md")))
                .contains("kubectl wait --for=condition=complete job/simloop-soak")
                .contains("kubectl apply -f k8s-merge-job.yaml");
    }
}
