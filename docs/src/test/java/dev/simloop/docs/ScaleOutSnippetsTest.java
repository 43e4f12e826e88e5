package dev.simloop.docs;

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

/** The snippets of scale-out.md, and its CI examples, which must be the files in docs/examples. */
class ScaleOutSnippetsTest {
    @Test
    void parallelAndSharded() {
        // snippet:parallel-exploration
        Exploration.Report<Integer> report = Exploration.of(ExploringSnippetsTest::loadsOfOneKey)
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
            Exploration.Report<Integer> part = Exploration.of(ExploringSnippetsTest::loadsOfOneKey)
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
        assertThat(shown).containsExactly("examples/github-actions-shards.yml", "examples/k8s-indexed-job.yaml");
        assertThat(Files.readString(docs.resolve("examples/github-actions-shards.yml")))
                .contains("-Dsimloop.shard=${{ matrix.shard }}/4").contains("dev.simloop.junit.Results merge");
        assertThat(Files.readString(docs.resolve("examples/k8s-indexed-job.yaml")))
                .contains("completionMode: Indexed").contains("SIMLOOP_SHARD_COUNT").contains("completions: 4");
    }
}
