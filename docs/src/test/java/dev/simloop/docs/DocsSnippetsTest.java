package dev.simloop.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keeps the docs honest: every {@code ```java} block in {@code docs/*.md} and in the project
 * README must be preceded by {@code <!-- snippet: NAME -->} and be a verbatim copy of the region
 * {@code // snippet:NAME ... // end-snippet} in a test source of this module, where it is compiled
 * and run. A doc block that drifts from its tested region fails the build.
 *
 * <p>Two more marker forms tie a block (Java or XML) to a file of a project under {@code src/it},
 * which the build builds and tests with the maven-invoker-plugin: {@code <!-- snippet: file PATH -->}
 * says the block is the whole file {@code src/it/PATH}, {@code <!-- snippet: excerpt PATH -->} that
 * it is a run of consecutive lines of it (compared after removing the common indentation). An
 * {@code ```xml} block without a marker is not checked.
 */
class DocsSnippetsTest {
    private static final Path MODULE = Path.of("").toAbsolutePath();
    private static final Path SOURCES = MODULE.resolve("src/test/java");
    private static final Path IT_PROJECTS = MODULE.resolve("src/it");
    /** A type's declaration in a test source, a nested one too: its name is group 1. */
    private static final Pattern TYPE_DECLARATION = Pattern.compile("\\b(?:class|interface|record|enum)\\s+(\\p{Lu}\\w*)");
    /** A static method's declaration in a test source: its name is group 1. */
    private static final Pattern STATIC_METHOD = Pattern.compile("\\bstatic\\s+(?:<[^>]+>\\s+)?[\\w<>\\[\\],.? ]+?\\s+(\\w+)\\s*\\(");

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

    /**
     * Every page (the docs and the README) is one a reader copies from, with a project of their own: a
     * block there must not use a class or helper method of this module's test sources that no block of
     * the same page declares, since the reader has only the page.
     */
    @Test
    void noPageUsesAClassOrHelperOfTheDocsTestsThatItDoesNotShow() throws IOException {
        List<Path> pages = docPages();
        assertThat(pages).as("docs pages found in %s", MODULE).isNotEmpty();
        List<String> types = new ArrayList<>();
        List<String> helpers = new ArrayList<>();
        try (Stream<Path> s = Files.walk(SOURCES)) {
            for (Path p : s.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
                String source = Files.readString(p);
                Matcher t = TYPE_DECLARATION.matcher(source);
                while (t.find()) {
                    types.add(t.group(1));
                }
                Matcher m = STATIC_METHOD.matcher(source);
                while (m.find()) {
                    helpers.add(m.group(1));
                }
            }
        }
        List<String> problems = new ArrayList<>();
        for (Path page : pages) {
            String code = String.join("\n", javaBlocks(Files.readAllLines(page)));
            for (String type : types.stream().distinct().toList()) {
                if (Pattern.compile("\\b" + type + "\\b").matcher(code).find()
                        && !Pattern.compile("\\b(class|interface|record|enum)\\s+" + type + "\\b").matcher(code).find()) {
                    problems.add(page.getFileName() + " uses the class " + type + ", which no java block of the page declares");
                }
            }
            for (String helper : helpers.stream().distinct().toList()) {
                if (Pattern.compile("(?<![.\\w])" + helper + "\\(").matcher(code).find()
                        && !Pattern.compile("\\b(?!return\\b|new\\b|throw\\b|else\\b)\\w[\\w<>\\[\\],]*\\s+" + helper + "\\s*\\(")
                                .matcher(code).find()) {
                    problems.add(page.getFileName() + " calls " + helper + "(...), which no java block of the page declares");
                }
            }
        }
        assertThat(problems).as("blocks a reader cannot compile from the page alone: show the declaration in a snippet,"
                + " or write the block without it").isEmpty();
    }

    private static List<String> javaBlocks(List<String> lines) {
        List<String> code = new ArrayList<>();
        boolean in = false;
        for (String l : lines) {
            if (l.trim().equals("```java")) {
                in = true;
            } else if (in && l.trim().equals("```")) {
                in = false;
            } else if (in) {
                code.add(l);
            }
        }
        return code;
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

    @Test
    void fileAndExcerptMarkersCompareWithTheFileUnderSrcIt(@TempDir Path dir) throws IOException {
        String pom = "<project>\n  <build>\n    <plugins>\n      <plugin>\n        <artifactId>x</artifactId>\n"
                + "      </plugin>\n    </plugins>\n  </build>\n</project>\n";
        Files.writeString(dir.resolve("pom.xml"), pom);
        List<String> problems = new ArrayList<>();
        checkFileBlock("file", dir.resolve("pom.xml"), pom.lines().toList(), "p:1", problems);
        checkFileBlock("excerpt", dir.resolve("pom.xml"),
                List.of("<plugin>", "  <artifactId>x</artifactId>", "</plugin>"), "p:2", problems);
        assertThat(problems).isEmpty();

        checkFileBlock("file", dir.resolve("pom.xml"), List.of("<project>", "</project>"), "p:3", problems);
        checkFileBlock("excerpt", dir.resolve("pom.xml"),
                List.of("<plugin>", "  <artifactId>y</artifactId>", "</plugin>"), "p:4", problems);
        checkFileBlock("excerpt", dir.resolve("pom.xml"), List.of("<plugins>", "</plugins>"), "p:5", problems);
        checkFileBlock("file", dir.resolve("missing.xml"), List.of("<a/>"), "p:6", problems);
        assertThat(problems).hasSize(4);
        assertThat(problems.get(0)).startsWith("p:3: block is not the whole file");
        assertThat(problems.get(1)).startsWith("p:4: block is not a run of lines of");
        assertThat(problems.get(2)).startsWith("p:5: block is not a run of lines of");
        assertThat(problems.get(3)).startsWith("p:6: no file");
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
            } else if (t.equals("```xml") && pending == null) {
                for (i++; i < lines.size() && !lines.get(i).trim().equals("```"); i++) {
                    // not tied to a file: skipped
                }
            } else if (t.equals("```java") || t.equals("```xml")) {
                int start = i;
                List<String> block = new ArrayList<>();
                for (i++; i < lines.size() && !lines.get(i).trim().equals("```"); i++) {
                    block.add(lines.get(i));
                }
                checked++;
                String where = MODULE.getParent().relativize(page) + ":" + (start + 1);
                String[] form = pending == null ? new String[0] : pending.split("\\s+", 2);
                if (form.length == 2 && (form[0].equals("file") || form[0].equals("excerpt"))) {
                    checkFileBlock(form[0], IT_PROJECTS.resolve(form[1]), block, where, problems);
                } else if (t.equals("```xml")) {
                    problems.add(where + ": an xml block can only be a file or an excerpt of one under " + IT_PROJECTS);
                } else if (pending == null) {
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

    /**
     * Checks a block marked {@code file} (the whole file) or {@code excerpt} (consecutive lines of it)
     * against {@code file}, both compared after {@link #dedent}.
     */
    static void checkFileBlock(String form, Path file, List<String> block, String where, List<String> problems)
            throws IOException {
        if (!Files.isRegularFile(file)) {
            problems.add(where + ": no file " + file);
            return;
        }
        List<String> lines = Files.readAllLines(file);
        String shown = dedent(block);
        if (form.equals("file")) {
            if (!dedent(lines).equals(shown)) {
                problems.add(where + ": block is not the whole file " + file + "; copy it:\n" + dedent(lines));
            }
            return;
        }
        int n = shown.split("\n", -1).length;
        for (int from = 0; from + n <= lines.size(); from++) {
            if (dedent(lines.subList(from, from + n)).equals(shown)) {
                return;
            }
        }
        problems.add(where + ": block is not a run of lines of " + file);
    }

    static String dedent(List<String> all) {
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
