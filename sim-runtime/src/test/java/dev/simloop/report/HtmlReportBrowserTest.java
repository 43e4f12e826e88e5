package dev.simloop.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.simloop.SimResult;
import dev.simloop.Simulation;
import dev.simloop.internal.HtmlReport;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opens the HTML report in a real headless Chromium (Debian's {@code chromium} package, which
 * {@code .ci/run} installs): the page loads with no console errors, and its screenshot shows each
 * task's lane with the colours of what the task did. Skipped, saying why, without {@code /usr/bin/chromium}.
 */
class HtmlReportBrowserTest {
    private static final Path CHROMIUM = Path.of(System.getProperty("simloop.chromium", "/usr/bin/chromium"));
    private static final int WIDTH = 1400;
    private static final int HEIGHT = 900;

    @Test
    void thePageLoadsWithoutConsoleErrorsAndItsScreenshotShowsTheLanes(@TempDir Path dir) throws Exception {
        if (!Files.isExecutable(CHROMIUM)) {
            System.out.println("HtmlReportBrowserTest skipped: no Chromium at " + CHROMIUM
                    + " (apt-get install -y chromium, or run .ci/run, which installs it)");
        }
        assumeTrue(Files.isExecutable(CHROMIUM), "no Chromium at " + CHROMIUM + " (apt-get install -y chromium)");
        SimResult<Integer> r = Simulation.builder().seed(1).trace(true).run(ReportProgram::run);
        assertThat(r.failure()).hasMessage("expected a free permit at 30ms, but 0 were free");
        Path page = dir.resolve("report.html");
        r.writeHtmlReport(page, "HtmlReportBrowserTest.demo", null);
        Path shot = dir.resolve("shot.png");
        String log = screenshot(page, shot, dir.resolve("profile"));

        List<String> problems = log.lines().filter(l -> l.contains("CONSOLE") || l.contains("Uncaught")).toList();
        assertThat(problems).as("console messages of the page").isEmpty();
        BufferedImage img = ImageIO.read(shot.toFile());
        assertThat(img.getWidth()).isEqualTo(WIDTH);
        // lanes in spawn order: main#0, refresh-user#1, refresh-user#2, watcher#3 (ReportProgram, seed 1)
        assertThat(colours(img, 0)).as("main: runs, sleeps until 30ms, waits for its group").contains(RUN, SLEEP,
                BLOCKED);
        assertThat(colours(img, 1)).as("refresh-user#1: blocked in Semaphore 'pool'.acquire").contains(RUN, BLOCKED,
                SLEEP, READY);
        assertThat(colours(img, 2)).as("refresh-user#2: holds the permit").contains(RUN, READY);
        assertThat(colours(img, 3)).as("watcher: blocked in Event 'loaded'.await, then asleep").contains(RUN, BLOCKED,
                SLEEP);
        assertThat(colours(img, 4)).as("below the last lane").doesNotContain(RUN, BLOCKED, SLEEP);
        // the first span of main starts at the left edge of the lanes: green right after the labels
        assertThat(classify(img.getRGB(HtmlReport.LABEL_PX + 14, laneCentre(0)))).isEqualTo(RUN);
    }

    /** Takes a screenshot of {@code page}; @return Chromium's log, which holds the page's console messages */
    private static String screenshot(Path page, Path shot, Path profile) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--hide-scrollbars", "--user-data-dir=" + profile, "--enable-logging=stderr", "--v=0",
                "--window-size=" + WIDTH + "," + HEIGHT, "--screenshot=" + shot, page.toUri().toString()));
        Path log = shot.resolveSibling("chromium.log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("Chromium did not finish within 120 s; its log:\n" + Files.readString(log));
        }
        assertThat(p.exitValue()).as(Files.readString(log)).isZero();
        assertThat(shot).exists();
        return Files.readString(log);
    }

    private static final String RUN = "running";
    private static final String READY = "ready";
    private static final String BLOCKED = "blocked";
    private static final String SLEEP = "sleeping";

    private static int laneCentre(int lane) {
        return HtmlReport.HEADER_PX + HtmlReport.AXIS_PX + lane * HtmlReport.LANE_PX + HtmlReport.LANE_PX / 2;
    }

    /** @return the span colours seen along the centre line of lane {@code lane}, right of the labels */
    private static List<String> colours(BufferedImage img, int lane) {
        int y = laneCentre(lane);
        List<String> seen = new ArrayList<>();
        for (int x = HtmlReport.LABEL_PX; x < img.getWidth(); x++) {
            String c = classify(img.getRGB(x, y));
            if (c != null && !seen.contains(c)) {
                seen.add(c);
            }
        }
        return seen;
    }

    /** @return which span colour of the page {@code rgb} is (within a small tolerance), or null */
    private static String classify(int rgb) {
        int r = (rgb >> 16) & 0xff;
        int g = (rgb >> 8) & 0xff;
        int b = rgb & 0xff;
        if (near(r, g, b, 0x2f, 0x9e, 0x5b)) {
            return RUN;
        } else if (near(r, g, b, 0xd9, 0x53, 0x4f)) {
            return BLOCKED;
        } else if (near(r, g, b, 0x4a, 0x8f, 0xd8)) {
            return SLEEP;
        } else if (near(r, g, b, 0xdf, 0xe3, 0xea)) {
            return READY;
        }
        return null;
    }

    private static boolean near(int r, int g, int b, int er, int eg, int eb) {
        return Math.abs(r - er) <= 6 && Math.abs(g - eg) <= 6 && Math.abs(b - eb) <= 6;
    }
}
