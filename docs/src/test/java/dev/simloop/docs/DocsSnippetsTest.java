package dev.simloop.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps the docs honest: every {@code ```java} block in {@code docs/*.md} and in the project
 * README must be preceded by {@code <!-- snippet: NAME -->} and be a verbatim copy of the region
 * {@code // snippet:NAME ... // end-snippet} in a test source of this module, where it is compiled
 * and run. A doc block that drifts from its tested region fails the build.
 */
class DocsSnippetsTest {
    private static final Path MODULE = Path.of("").toAbsolutePath();
    private static final Path SOURCES = MODULE.resolve("src/test/java");

    @Test
    void everyJavaBlockInTheDocsIsATestedSnippet() throws IOException {
        Map<String, String> snippets = readSnippets();
        List<Path> pages = docPages();
        assertThat(pages).as("docs pages found in %s", MODULE).isNotEmpty();
        List<String> problems = new ArrayList<>();
        int checked = 0;
        for (Path page : pages) {
            checked += checkPage(page, snippets, problems);
        }
        assertThat(problems).as("doc blocks that are not tested snippets").isEmpty();
        assertThat(checked).as("java blocks checked").isGreaterThan(0);
    }

    @Test
    void extractsAndDedentsARegion() {
        Map<String, String> found = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        collect(Path.of("X.java"), List.of("class X {", "    void f() {", "        // snippet:demo",
                "        int a = 1;", "          int b = 2;", "        // end-snippet", "    }", "}"), found, problems);
        assertThat(problems).isEmpty();
        assertThat(found).containsEntry("demo", "int a = 1;\n  int b = 2;");
    }

    private static List<Path> docPages() throws IOException {
        List<Path> pages = new ArrayList<>();
        try (Stream<Path> s = Files.list(MODULE)) {
            s.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        Path readme = MODULE.getParent().resolve("README.md");
        if (Files.exists(readme)) {
            pages.add(readme);
        }
        return pages;
    }

    private static Map<String, String> readSnippets() throws IOException {
        Map<String, String> found = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        try (Stream<Path> s = Files.walk(SOURCES)) {
            for (Path p : s.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
                collect(p, Files.readAllLines(p), found, problems);
            }
        }
        assertThat(problems).as("malformed snippet regions").isEmpty();
        return found;
    }

    private static void collect(Path file, List<String> lines, Map<String, String> found, List<String> problems) {
        String name = null;
        List<String> body = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String t = lines.get(i).trim();
            if (t.startsWith("// snippet:")) {
                if (name != null) {
                    problems.add(file + ":" + (i + 1) + ": snippet '" + name + "' is not closed before a new one");
                }
                name = t.substring("// snippet:".length()).trim();
                body.clear();
            } else if (t.equals("// end-snippet")) {
                if (name == null) {
                    problems.add(file + ":" + (i + 1) + ": end-snippet without a snippet");
                } else if (found.put(name, dedent(body)) != null) {
                    problems.add(file + ":" + (i + 1) + ": snippet '" + name + "' is defined twice");
                }
                name = null;
            } else if (name != null) {
                body.add(lines.get(i));
            }
        }
        if (name != null) {
            problems.add(file + ": snippet '" + name + "' is never closed");
        }
    }

    private static int checkPage(Path page, Map<String, String> snippets, List<String> problems) throws IOException {
        List<String> lines = Files.readAllLines(page);
        int checked = 0;
        String pending = null;
        for (int i = 0; i < lines.size(); i++) {
            String t = lines.get(i).trim();
            if (t.startsWith("<!-- snippet:") && t.endsWith("-->")) {
                pending = t.substring("<!-- snippet:".length(), t.length() - 3).trim();
            } else if (t.equals("```java")) {
                int start = i;
                List<String> block = new ArrayList<>();
                for (i++; i < lines.size() && !lines.get(i).trim().equals("```"); i++) {
                    block.add(lines.get(i));
                }
                checked++;
                String where = MODULE.getParent().relativize(page) + ":" + (start + 1);
                if (pending == null) {
                    problems.add(where + ": java block has no <!-- snippet: NAME --> marker before it");
                } else if (!snippets.containsKey(pending)) {
                    problems.add(where + ": snippet '" + pending + "' is not defined in " + SOURCES);
                } else if (!snippets.get(pending).equals(dedent(block))) {
                    problems.add(where + ": block differs from snippet '" + pending + "'; copy the tested region:\n"
                            + snippets.get(pending));
                }
                pending = null;
            } else if (!t.isEmpty()) {
                pending = null;
            }
        }
        return checked;
    }

    private static String dedent(List<String> all) {
        int from = 0;
        int to = all.size();
        while (from < to && all.get(from).isBlank()) {
            from++;
        }
        while (to > from && all.get(to - 1).isBlank()) {
            to--;
        }
        List<String> lines = all.subList(from, to);
        int indent = Integer.MAX_VALUE;
        for (String l : lines) {
            if (!l.isBlank()) {
                indent = Math.min(indent, l.length() - l.stripLeading().length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (String l : lines) {
            String d = l.isBlank() ? "" : l.substring(indent);
            sb.append(d.stripTrailing()).append('\n');
        }
        return sb.toString().stripTrailing();
    }
}
