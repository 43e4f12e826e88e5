package dev.simloop.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * simloop's messages and files read the same in every JVM: no published module formats text in the
 * JVM's default locale, whose digits, separators and case rules differ (Arabic digits, {@code 1.080}
 * for 1,080, a Turkish dotless i). A report formatted so differed by machine for one schedule, which
 * {@code CrossJvmDeterminismTest} caught at run time in the runtime; this checks every module's source.
 * Before, the demo printed {@code seed ١ fails after ٧ ms} in an Arabic locale.
 */
class LocaleIndependentTextTest {
    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    /** The published modules' sources, and the README's demo, whose output users read first. */
    private static final List<String> SOURCES = List.of("sim-runtime/src/main/java", "junit-extension/src/main/java",
            "property-tests/src/main/java", "agent/src/main/java", "docs/src/test/java/dev/simloop/demo");
    /** A call that formats or changes case in the default locale unless it names one. */
    private static final Pattern LOCALE_DEFAULT = Pattern.compile(
            "(String\\.format|\\.printf)\\((?!(java\\.util\\.)?Locale\\.ROOT)|\\.formatted\\("
                    + "|\\.to(Lower|Upper)Case\\(\\)");

    @Test
    void noPublishedModuleNorTheDemoFormatsOrChangesCaseInTheDefaultLocale() throws IOException {
        List<String> found = new ArrayList<>();
        int files = 0;
        for (String dir : SOURCES) {
            try (Stream<Path> sources = Files.walk(ROOT.resolve(dir))) {
                for (Path p : sources.filter(f -> f.toString().endsWith(".java")).toList()) {
                    files++;
                    List<String> lines = Files.readAllLines(p);
                    for (int i = 0; i < lines.size(); i++) {
                        if (LOCALE_DEFAULT.matcher(lines.get(i)).find()) {
                            found.add(ROOT.relativize(p) + ":" + (i + 1) + ": " + lines.get(i).strip());
                        }
                    }
                }
            }
        }
        assertThat(files).as("source files read").isGreaterThan(100);
        assertThat(found).as("calls in the default locale (name Locale.ROOT, or concatenate)").isEmpty();
    }

    @Test
    void thePatternFindsWhatItLooksFor() {
        for (String bad : List.of("String.format(\"%,d\", n)", "\"%d\".formatted(n)", "out.printf(\"%d\", n)",
                "name.toLowerCase()", "s.toUpperCase()")) {
            assertThat(LOCALE_DEFAULT.matcher(bad).find()).as(bad).isTrue();
        }
        for (String good : List.of("String.format(Locale.ROOT, \"%,d\", n)", "name.toLowerCase(Locale.ROOT)",
                "out.printf(java.util.Locale.ROOT, \"%d\", n)",
                "out.printf(Locale.ROOT, \"%d\", n)")) {
            assertThat(LOCALE_DEFAULT.matcher(good).find()).as(good).isFalse();
        }
    }
}
