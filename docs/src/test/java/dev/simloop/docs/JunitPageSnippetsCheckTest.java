package dev.simloop.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every {@code ```java} block of docs/junit.md is preceded by {@code <!-- snippet: NAME -->} and is a
 * verbatim copy of the region {@code // snippet:NAME} ... {@code // end-snippet} of a test source
 * under {@code docs/src/test/java/dev/simloop/docs/} (common indentation removed), so every Java
 * line on the page compiles and runs.
 */
class JunitPageSnippetsCheckTest {
    private static final Path SOURCES = Path.of("src/test/java/dev/simloop/docs");

    @Test
    void everyJavaBlockOfTheJunitPageIsATestedSnippet() throws IOException {
        Map<String, String> snippets = snippets();
        List<String> lines = Files.readAllLines(Path.of("junit.md"));
        int blocks = 0;
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).strip().equals("```java")) {
                continue;
            }
            blocks++;
            int j = i - 1;
            while (j >= 0 && lines.get(j).isBlank()) {
                j--;
            }
            String marker = j >= 0 ? lines.get(j).strip() : "";
            assertThat(marker).as("line before the java block at junit.md:%d", i + 1).matches("<!-- snippet: \\S+ -->");
            String name = marker.substring("<!-- snippet: ".length(), marker.length() - " -->".length());
            StringBuilder block = new StringBuilder();
            int k = i + 1;
            while (!lines.get(k).strip().equals("```")) {
                block.append(lines.get(k)).append('\n');
                k++;
            }
            assertThat(snippets).as("snippet %s (junit.md:%d)", name, i + 1).containsKey(name);
            assertThat(block.toString()).as("junit.md:%d must equal snippet %s", i + 1, name)
                    .isEqualTo(snippets.get(name));
            i = k;
        }
        assertThat(blocks).isGreaterThanOrEqualTo(6);
    }

    static Map<String, String> snippets() throws IOException {
        Map<String, String> out = new HashMap<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                List<String> lines = Files.readAllLines(f);
                for (int i = 0; i < lines.size(); i++) {
                    String l = lines.get(i).strip();
                    if (!l.startsWith("// snippet:")) {
                        continue;
                    }
                    String name = l.substring("// snippet:".length()).strip();
                    List<String> body = new ArrayList<>();
                    int k = i + 1;
                    while (!lines.get(k).strip().equals("// end-snippet")) {
                        body.add(lines.get(k));
                        k++;
                    }
                    assertThat(out).as("snippet %s defined twice", name).doesNotContainKey(name);
                    out.put(name, dedent(body));
                    i = k;
                }
            }
        }
        return out;
    }

    static String dedent(List<String> body) {
        int indent = body.stream().filter(s -> !s.isBlank())
                .mapToInt(s -> s.length() - s.stripLeading().length()).min().orElse(0);
        StringBuilder sb = new StringBuilder();
        for (String s : body) {
            sb.append(s.isBlank() ? "" : s.substring(indent)).append('\n');
        }
        return sb.toString();
    }
}
