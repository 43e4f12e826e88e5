package dev.simloop.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

/**
 * setup.md against the user project the build tests (src/it/user-project, built by the
 * maven-invoker-plugin): the page shows every file of it in full (DocsSnippetsTest compares them),
 * the project's versions are the ones simloop builds with, the job that runs it on newer JUnit and
 * jqwik versions is that project and the docs name those versions, each error the page quotes is
 * checked somewhere, and its links lead somewhere.
 */
class SetupPageTest {
    private static final Path MODULE = Path.of("").toAbsolutePath();
    private static final Path PAGE = MODULE.resolve("setup.md");
    private static final Path IT = MODULE.resolve("src/it");
    private static final Path USER_PROJECT = IT.resolve("user-project");
    /** The files of an invoker job that are not part of the user's project. */
    private static final Set<String> JOB_FILES = Set.of("invoker.properties", "verify.groovy");
    /**
     * The quoted outputs reproduced by hand only: each would cost another forked Maven build of 5 to
     * 10 s, and neither message comes from simloop (the toolchains plugin's, and the java launcher's).
     */
    private static final Set<String> BY_HAND = Set.of("no-jdk-25", "no-argline-property");

    @Test
    void thePageShowsEveryFileOfTheTestedUserProjectInFull() throws IOException {
        Set<String> files = new TreeSet<>();
        try (Stream<Path> s = Files.walk(USER_PROJECT)) {
            s.filter(Files::isRegularFile).map(p -> USER_PROJECT.relativize(p).toString().replace(File.separatorChar, '/'))
                    .filter(p -> !JOB_FILES.contains(p)).forEach(files::add);
        }
        assertThat(files).contains("pom.xml", "src/test/java/com/example/PageViewsTest.java",
                "src/test/java/com/example/PageViewsPropertyTest.java");
        Set<String> shownWhole = new TreeSet<>();
        Matcher m = Pattern.compile("<!-- snippet: file user-project/(\\S+) -->").matcher(Files.readString(PAGE));
        while (m.find()) {
            shownWhole.add(m.group(1));
        }
        // DocsSnippetsTest checks that each of these blocks is its file, byte for byte after dedent
        assertThat(shownWhole).as("files of %s shown whole on setup.md", USER_PROJECT).isEqualTo(files);
    }

    @Test
    void theNoToolchainMistakeIsThePagesProjectWithoutTheToolchainsPlugin() throws IOException {
        Path job = IT.resolve("mistake-no-toolchain");
        String pom = Files.readString(USER_PROJECT.resolve("pom.xml"));
        Matcher plugin = Pattern.compile("(?s)(\\n *<!--[^\\n]*-->)?\\n( *)<plugin>\\s*<groupId>org\\.apache\\.maven\\.plugins"
                + "</groupId>\\s*<artifactId>maven-toolchains-plugin</artifactId>.*?\\n\\2</plugin>").matcher(pom);
        assertThat(plugin.find()).as("the user pom has a maven-toolchains-plugin element").isTrue();
        String withoutToolchain = pom.substring(0, plugin.start()) + pom.substring(plugin.end());
        assertThat(withoutToolchain).doesNotContain("toolchain").contains("<maven.compiler.release>25<");
        assertThat(Files.readString(job.resolve("pom.xml"))).isEqualTo(withoutToolchain);
        String source = "src/main/java/com/example/PageViews.java";
        assertThat(Files.readString(job.resolve(source))).isEqualTo(Files.readString(USER_PROJECT.resolve(source)));
    }

    @Test
    void theUserPomUsesWhatSimloopBuildsWith() throws Exception {
        Document user = xml(USER_PROJECT.resolve("pom.xml"));
        Document root = xml(MODULE.resolveSibling("pom.xml"));
        Document docs = xml(MODULE.resolve("pom.xml"));
        // the page's version must be the one the reactor builds and invoker:install installs
        assertThat(text(user, "/project/properties/simloop.version")).isEqualTo(text(docs, "/project/parent/version"));
        assertThat(text(user, "//dependency[artifactId='junit-bom']/version"))
                .isEqualTo(text(root, "/project/properties/junit.version"));
        assertThat(text(user, "//dependency[artifactId='jqwik']/version"))
                .isEqualTo(text(root, "/project/properties/jqwik.version"));
        assertThat(text(user, "//dependency[artifactId='simloop-runtime']/scope")).isEmpty();
        assertThat(text(user, "//dependency[artifactId='simloop-junit']/scope")).isEqualTo("test");
        assertThat(text(user, "//dependency[artifactId='simloop-jqwik']/scope")).isEqualTo("test");
        assertThat(text(user, "/project/properties/maven.compiler.release"))
                .isEqualTo(text(root, "/project/properties/maven.compiler.release")).isEqualTo("25");
        // the toolchain selection the page describes is simloop's own
        String toolchains = "//plugin[artifactId='maven-toolchains-plugin']";
        assertThat(text(user, toolchains + "/version")).isEqualTo(text(root, "/project/build/plugins" + toolchains.substring(1)
                + "/version")).isEqualTo("3.2.0");
        assertThat(text(user, toolchains + "//goal")).isEqualTo("select-jdk-toolchain");
        assertThat(text(user, toolchains + "//configuration/version")).isEqualTo("[25,)");
        // Every other plugin at the version simloop's build uses: the forked build of the user project
        // copies them from the main build's local repository (src/it/settings.xml), which therefore
        // has them already, on any machine.
        for (String plugin : List.of("maven-resources-plugin", "maven-compiler-plugin", "maven-surefire-plugin",
                "maven-jar-plugin")) {
            assertThat(text(user, "//plugin[artifactId='" + plugin + "']/version")).as(plugin)
                    .isNotEmpty()
                    .isEqualTo(text(root, "//pluginManagement//plugin[artifactId='" + plugin + "']/version"));
        }
        assertThat(text(user, "//plugin[artifactId='maven-surefire-plugin']//argLine"))
                .isEqualTo("@{argLine} --add-opens java.base/java.lang=ALL-UNNAMED");
        assertThat(text(user, "/project/properties/argLine")).isEmpty();
        assertThat(((NodeList) XPathFactory.newInstance().newXPath()
                .evaluate("/project/properties/argLine", user, XPathConstants.NODESET)).getLength())
                .as("the empty argLine property is declared").isEqualTo(1);
    }

    @Test
    void theNewestVersionsJobIsThePagesProjectOnVersionsNewerThanSimloopsAndTheDocsNameThem() throws Exception {
        Document root = xml(MODULE.resolveSibling("pom.xml"));
        Document docs = xml(MODULE.resolve("pom.xml"));
        String junit = text(docs, "/project/properties/newest.junit.version");
        String jqwik = text(docs, "/project/properties/newest.jqwik.version");
        assertThat(compareVersions(junit, text(root, "/project/properties/junit.version"))).as("JUnit %s", junit).isPositive();
        assertThat(compareVersions(jqwik, text(root, "/project/properties/jqwik.version"))).as("jqwik %s", jqwik).isPositive();
        // the job has no project of its own: prebuild.groovy writes the page's, so they cannot drift apart
        try (Stream<Path> s = Files.list(IT.resolve("user-project-newest"))) {
            assertThat(s.map(p -> p.getFileName().toString()).sorted().toList())
                    .containsExactly("invoker.properties", "prebuild.groovy", "verify.groovy");
        }
        assertSays(PAGE, "JUnit BOM at " + junit + " and jqwik at " + jqwik);
        assertSays(MODULE.resolve("junit.md"), "on JUnit " + junit + " with the jars");
        assertSays(MODULE.resolve("property-testing.md"), "on jqwik " + jqwik + " (and JUnit " + junit + ")");
    }

    /** Asserts that {@code page} says {@code text}, wherever its lines break (the page is not quoted whole on failure). */
    private static void assertSays(Path page, String text) throws IOException {
        boolean says = Files.readString(page).replaceAll("\\s+", " ").contains(text);
        assertThat(says).as("%s says \"%s\"", page.getFileName(), text).isTrue();
    }

    /** Compares dotted numeric versions ("6.1.3" against "5.14.1") number by number. */
    private static int compareVersions(String a, String b) {
        String[] x = a.split("\\.");
        String[] y = b.split("\\.");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            int c = Integer.compare(i < x.length ? Integer.parseInt(x[i]) : 0, i < y.length ? Integer.parseInt(y[i]) : 0);
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    /**
     * The sentence that says which of the mistakes the build makes again names the sections, counted
     * in order under "When it goes wrong", whose quoted output is not one reproduced by hand only.
     */
    @Test
    void thePageNamesTheMistakesTheBuildMakesAgain() throws IOException {
        String page = Files.readString(PAGE);
        String[] sections = page.substring(page.indexOf("\n## When it goes wrong"), page.indexOf("\n## Gradle"))
                .split("\n### ");
        List<String> ordinals = List.of("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth");
        List<String> checked = new ArrayList<>();
        for (int i = 1; i < sections.length; i++) { // sections[0] is the text before the first mistake
            Matcher m = Pattern.compile("<!-- output: (\\S+) -->").matcher(sections[i]);
            if (m.find() && !BY_HAND.contains(m.group(1))) {
                checked.add("the " + ordinals.get(i - 1));
            }
        }
        assertThat(checked).hasSizeGreaterThan(1);
        String named = String.join(", ", checked.subList(0, checked.size() - 1)) + " and " + checked.getLast();
        Matcher said = Pattern.compile("simloop's build makes (.+?) again on every run").matcher(page.replaceAll("\\s+", " "));
        assertThat(said.find()).as("setup.md says which mistakes the build makes again").isTrue();
        assertThat(said.group(1)).isEqualTo(named);
    }

    @Test
    void everyQuotedErrorIsCheckedByTheBuild() throws IOException {
        List<String> outputs = new ArrayList<>();
        Matcher m = Pattern.compile("<!-- output: (\\S+) -->").matcher(Files.readString(PAGE));
        while (m.find()) {
            outputs.add(m.group(1));
        }
        assertThat(outputs).contains("release-not-supported", "no-jdk-25", "surefire-test-goal", "missing-add-opens",
                "no-argline-property");
        StringBuilder scripts = new StringBuilder();
        try (Stream<Path> s = Files.list(IT)) {
            for (Path job : s.filter(Files::isDirectory).sorted().toList()) {
                Path verify = job.resolve("verify.groovy");
                if (Files.exists(verify)) {
                    scripts.append(Files.readString(verify));
                }
            }
        }
        for (String output : outputs) {
            boolean checked = output.equals("missing-add-opens") // by the test below
                    || scripts.indexOf("'" + output + "'") >= 0;
            assertThat(checked || BY_HAND.contains(output))
                    .as("<!-- output: %s --> is checked by a verify.groovy under %s", output, IT).isTrue();
            assertThat(checked && BY_HAND.contains(output)).as("%s is checked after all", output).isFalse();
        }
    }

    @Test
    void theQuotedMissingFlagErrorIsWhatSimloopThrows() throws Exception {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                MissingFlagMain.class.getName());
        pb.environment().remove("JDK_JAVA_OPTIONS");
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("child JVM finished").isTrue();
        List<String> quoted = outputBlock("missing-add-opens");
        assertThat(quoted).hasSize(1);
        // the identity hash of the unnamed module differs from run to run
        assertThat(withoutModuleHash(out)).as(out).startsWith("java.lang.IllegalStateException: simloop needs")
                .isEqualTo(withoutModuleHash(quoted.get(0)));
    }

    @Test
    void linksOnThePagesOfTheFirstHourResolve() throws IOException {
        List<String> problems = new ArrayList<>();
        for (String page : List.of("setup.md", "getting-started.md", "README.md")) {
            checkLinks(MODULE.resolve(page), problems);
        }
        assertThat(problems).isEmpty();
        assertThat(Files.readString(MODULE.resolve("getting-started.md"))).contains("(setup.md)", "(junit.md)");
        assertThat(Files.readString(MODULE.resolve("README.md"))).contains("(setup.md)");
    }

    @Test
    void theLinkCheckFindsMissingFilesAndHeadings(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("other.md"), "# Other\n\n## A `code` heading\n```bash\n# not a heading\n```\n");
        Files.writeString(dir.resolve("page.md"), String.join("\n", "# Page", "[ok](other.md)",
                "[ok](other.md#a-code-heading)", "[ok](#page)", "[web](https://example.com/x)", "[bad](missing.md)",
                "[bad](other.md#not-a-heading)", "[bad](#nowhere)", ""));
        List<String> problems = new ArrayList<>();
        checkLinks(dir.resolve("page.md"), problems);
        assertThat(problems).hasSize(3);
        assertThat(problems.get(0)).startsWith("page.md: link to missing missing.md");
        assertThat(problems.get(1)).startsWith("page.md: link to missing heading other.md#not-a-heading");
        assertThat(problems.get(2)).startsWith("page.md: link to missing heading #nowhere");
    }

    @Test
    void headingAnchorsFollowGithubsRule() {
        assertThat(anchor("`mvn surefire:test` runs on the wrong JDK")).isEqualTo("mvn-surefiretest-runs-on-the-wrong-jdk");
        assertThat(anchor("`could not open {argLine}`")).isEqualTo("could-not-open-argline");
        assertThat(anchor("1. Install simloop locally first")).isEqualTo("1-install-simloop-locally-first");
    }

    private static void checkLinks(Path page, List<String> problems) throws IOException {
        Matcher m = Pattern.compile("\\]\\(([^)\\s]+)\\)").matcher(Files.readString(page));
        while (m.find()) {
            String target = m.group(1);
            if (target.startsWith("http://") || target.startsWith("https://")) {
                continue;
            }
            int hash = target.indexOf('#');
            Path file = hash == 0 ? page : page.resolveSibling(hash < 0 ? target : target.substring(0, hash));
            if (!Files.exists(file)) {
                problems.add(page.getFileName() + ": link to missing " + target);
            } else if (hash >= 0 && !anchors(file).contains(target.substring(hash + 1))) {
                problems.add(page.getFileName() + ": link to missing heading " + target + " (headings: "
                        + anchors(file) + ")");
            }
        }
    }

    private static Set<String> anchors(Path page) throws IOException {
        Set<String> anchors = new TreeSet<>();
        boolean inCode = false;
        for (String line : Files.readAllLines(page)) {
            if (line.startsWith("```")) {
                inCode = !inCode;
            } else if (!inCode && line.startsWith("#")) {
                anchors.add(anchor(line.replaceFirst("^#+\\s*", "")));
            }
        }
        return anchors;
    }

    /** GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens. */
    static String anchor(String heading) {
        return heading.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
    }

    private static List<String> outputBlock(String name) throws IOException {
        List<String> lines = Files.readAllLines(PAGE);
        int marker = lines.indexOf("<!-- output: " + name + " -->");
        assertThat(marker).as("setup.md has <!-- output: %s -->", name).isNotNegative();
        assertThat(lines.get(marker + 1)).isEqualTo("```text");
        List<String> block = new ArrayList<>();
        for (int i = marker + 2; !lines.get(i).equals("```"); i++) {
            block.add(lines.get(i));
        }
        return block;
    }

    private static String withoutModuleHash(String s) {
        return s.replaceAll("unnamed module @\\p{XDigit}+", "unnamed module @…");
    }

    private static Document xml(Path file) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        return f.newDocumentBuilder().parse(file.toFile());
    }

    private static String text(Document doc, String xpath) throws Exception {
        return XPathFactory.newInstance().newXPath().evaluate(xpath, doc).strip();
    }
}
