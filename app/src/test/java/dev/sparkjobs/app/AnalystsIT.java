package dev.sparkjobs.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import org.apache.commons.lang3.StringUtils;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dev.sparkjobs.api.Job;
import dev.sparkjobs.app.SparkJobsLauncher.Result;
import dev.sparkjobs.internal.registry.JobRegistry;
import dev.sparkjobs.testing.CliRun;
import dev.sparkjobs.testing.DeltaKernelRows;
import dev.sparkjobs.testing.SharedSpark;

/**
 * What analysts get, on the lake the demo makes with every packaged job, run the way the README
 * tells a new user to (bin/spark-jobs demo: the packaged jar through the real SparkSubmit): every
 * job succeeds, every table opens in a Delta reader without Spark (Delta Kernel) with the rows
 * Spark reads and no reader feature, the packaged jar writes reports (its chart libraries) and
 * answers SQL by table name, and each job's report renders in headless Chromium with every chart
 * drawn. Screenshots of the reports are kept in target/reports/ for the reader of the test report.
 */
@ExtendWith(SharedSpark.class)
class AnalystsIT
{
    private static final Path REPORTS = Path.of("target", "reports");
    private static final List<String> JOBS = List.of("cost-analysis", "defect-image-stats", "similarity-scoring");

    @TempDir
    static Path work;

    private static String lake;
    private static Result demo;

    @BeforeAll
    static void runTheDemo()
            throws IOException, InterruptedException
    {
        lake = work.resolve("lake").toString();
        demo = launch("demo", "--samples", work.resolve("samples").toString(), "--set", "output.root=" + lake);
        assertThat(demo.exitCode()).as(demo.transcript()).isZero();
    }

    private static Result launch(String... args)
            throws IOException, InterruptedException
    {
        return new SparkJobsLauncher(work).launch(args);
    }

    @Test
    void theDemoRunsEveryPackagedJobThroughTheLauncherAndThePackagedJarReportsAndQueries()
            throws Exception
    {
        Result list = launch("list");
        List<String> jobs = list.out().lines().map(line -> line.split("\\s+")[0]).filter(name -> !name.equals("smoke-test")).toList();
        assertThat(jobs).as("the packaged jobs").containsAll(JOBS);
        for (String job : jobs) {
            assertThat(demo.out()).as(demo.transcript()).contains(job + ": succeeded");
        }
        assertThat(Path.of(lake, "_runs", "_delta_log")).as("the run ledger of the demo runs").isDirectory();

        // the packaged jar draws charts (JFreeChart and JFreeSVG are in it) and queries the lake by table name
        Path page = work.resolve("cost-analysis-packaged.html");
        Result report = launch("report", "cost-analysis", "--out", page.toString(), "--set", "output.root=" + lake);
        assertThat(report.exitCode()).as(report.transcript()).isZero();
        assertThat(Files.readString(page)).as("the cost-analysis report of the demo").contains("<svg").contains("daily-cost-by-service");
        Result sql = launch("sql", "SELECT DISTINCT job FROM _runs WHERE status = 'SUCCEEDED' ORDER BY job", "--set", "output.root=" + lake);
        assertThat(sql.exitCode()).as(sql.transcript()).isZero();
        assertThat(sql.out().lines().map(String::strip).toList()).as(sql.transcript()).containsAll(jobs);
    }

    private static Set<String> tablesOfTheLake()
            throws IOException
    {
        Set<String> tables = new TreeSet<>();
        try (Stream<Path> children = Files.list(Path.of(lake))) {
            children.filter(child -> Files.isDirectory(child.resolve("_delta_log"))).forEach(child -> tables.add(child.getFileName().toString()));
        }
        return tables;
    }

    @Test
    void everyTableOfEveryJobOpensInDeltaKernelWithSparksRowsAndNoReaderFeature(SparkSession spark)
            throws IOException
    {
        Set<String> declared = new TreeSet<>(List.of("_runs"));
        for (Job job : JobRegistry.load().jobs()) {
            if (JOBS.contains(job.name())) {
                job.outputs().forEach(table -> declared.add(table.name()));
            }
        }
        Set<String> tables = tablesOfTheLake();
        assertThat(tables).as("tables the demo wrote: every declared output of every packaged job, and the ledger").containsAll(declared);
        for (String table : tables) {
            String path = lake + "/" + table;
            var hadoop = spark.sparkContext().hadoopConfiguration();
            assertThat(DeltaKernelRows.read(path, hadoop)).as("rows of %s read by Delta Kernel, against Spark's", table)
                    .containsExactlyInAnyOrderElementsOf(DeltaKernelRows.ofSpark(spark.read().format("delta").load(path)));
            assertThat(DeltaKernelRows.readerProtocol(path, hadoop)).as("reader protocol of %s", table)
                    .isEqualTo(new DeltaKernelRows.ReaderProtocol(1, List.of()));
        }
    }

    @Test
    void tablesNamesTheJobOfEveryTable()
            throws IOException
    {
        CliRun run = CliRun.of("tables", "--set", "output.root=" + lake);
        assertThat(run.exitCode()).as(run.transcript()).isZero();
        for (String table : tablesOfTheLake()) {
            assertThat(run.out()).as(run.transcript()).containsPattern("(?m)^" + Pattern.quote(table) + " +(cost-analysis|defect-image-stats|similarity-scoring|\\(run ledger\\)) ");
        }
    }

    @Test
    void everyJobsReportRendersInHeadlessChromiumWithEveryChartDrawn()
            throws Exception
    {
        Path chromium = Path.of("/usr/bin/chromium");
        assumeTrue(Files.isExecutable(chromium), "headless Chromium is needed to open the reports: apt-get install chromium (.ci/run installs it)");
        Files.createDirectories(REPORTS);
        for (String job : JOBS) {
            Path page = REPORTS.resolve(job + ".html").toAbsolutePath();
            long started = System.nanoTime();
            CliRun report = CliRun.of("report", job, "--out", page.toString(), "--set", "output.root=" + lake);
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            assertThat(report.exitCode()).as(report.transcript()).isZero();
            String html = Files.readString(page);
            int charts = StringUtils.countMatches(html, "<figure class=\"chart\"");
            assertThat(charts).as("charts in the %s report", job).isGreaterThanOrEqualTo(2);
            System.out.printf("report %s: %d bytes, %d charts, written in %d ms%n", job, Files.size(page), charts, millis);

            Browser dom = chromium(chromium, "--dump-dom", page.toUri().toString());
            assertThat(dom.exitCode()).as("chromium --dump-dom of %s: %s", job, dom.err()).isZero();
            assertThat(StringUtils.countMatches(dom.out(), "<svg")).as("SVG elements in the DOM Chromium built from the %s report", job).isEqualTo(charts);
            assertThat(dom.out()).as("the report's title in Chromium's DOM").contains("<h1>");
            assertThat(dom.err()).as("console messages of the %s report (it has no script, so there must be none)", job).doesNotContain("CONSOLE");

            Path screenshot = REPORTS.resolve(job + ".png").toAbsolutePath();
            Browser shot = chromium(chromium, "--screenshot=" + screenshot, "--window-size=1280,2400", page.toUri().toString());
            assertThat(shot.exitCode()).as("chromium --screenshot of %s: %s", job, shot.err()).isZero();
            BufferedImage image = ImageIO.read(screenshot.toFile());
            assertThat(inkedShare(image)).as("share of non-white pixels in the screenshot of the %s report (%s)", job, screenshot).isGreaterThan(0.02);
        }
    }

    private record Browser(int exitCode, String out, String err) {}

    private static Browser chromium(Path chromium, String... arguments)
            throws IOException, InterruptedException
    {
        Path profile = Files.createTempDirectory(work, "chromium-profile");
        List<String> command = new ArrayList<>(List.of(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
                "--enable-logging=stderr", "--v=0", "--user-data-dir=" + profile));
        command.addAll(List.of(arguments));
        Path out = Files.createTempFile(work, "chromium", ".out");
        Path err = Files.createTempFile(work, "chromium", ".err");
        Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!process.waitFor(2, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("chromium " + List.of(arguments) + " did not finish in 2 minutes: " + Files.readString(err));
        }
        return new Browser(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    private static double inkedShare(BufferedImage image)
    {
        long inked = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                if ((image.getRGB(x, y) & 0xFFFFFF) != 0xFFFFFF) {
                    inked++;
                }
            }
        }
        return (double) inked / ((long) image.getWidth() * image.getHeight());
    }
}
