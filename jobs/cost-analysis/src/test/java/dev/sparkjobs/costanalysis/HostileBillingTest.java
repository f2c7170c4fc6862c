package dev.sparkjobs.costanalysis;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;


import dev.sparkjobs.testing.HarnessRun;
import dev.sparkjobs.testing.JobHarness;
import dev.sparkjobs.testing.SharedSpark;
import dev.sparkjobs.testing.TestFiles;

/**
 * Hostile billing input (issue 15, section 3): bad rows the job tolerates are rejects with their
 * reason while the other rows are published; inputs it refuses stop the run with exit 2 and a
 * message naming the file, and leave every table at its version. One run of September 2024 with
 * one bad row per tolerated case publishes the lake; each refused input then runs against it.
 */
@ExtendWith(SharedSpark.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileBillingTest
{
    private static final String DATE = "2024-09-30";
    private static final String ACCOUNT = "111111111111";

    private SparkSession spark;
    private Path work;
    private Path lake;
    private HarnessRun published;
    private Map<String, Long> publishedCounters;
    private String billingFile;

    @BeforeAll
    void publishSeptemberWithOneBadRowPerTolerableCase(SparkSession spark, @TempDir Path work)
    {
        this.spark = spark;
        this.work = work;
        this.lake = work.resolve("lake");
        billingFile = new CurFile()
                .row(ACCOUNT, "2024-09-02", "Usage", "10", "line_item_resource_id", "i-good")
                .row(ACCOUNT, "2024-09-03", "Usage", "5", "line_item_resource_id", "bucket-good", "line_item_product_code", "AmazonS3")
                .row(ACCOUNT, "2024-09-04", "Usage", "1e309", "line_item_resource_id", "i-huge")
                // Billed in September, used in October.
                .row(ACCOUNT, "2024-09-05", "Usage", "7", "line_item_resource_id", "i-october", "line_item_usage_start_date", "2024-10-05T00:00:00Z")
                .write(work.resolve("billing/part-0.csv")).toUri().toString();
        published = harness(work.resolve("billing")).run(DATE);
        publishedCounters = published.exitCode() == 0 ? published.counters() : Map.of();
    }

    private JobHarness harness(Path billing)
    {
        return JobHarness.onLocalLake(spark, CostAnalysisJob.NAME, lake)
                .input(BillingReader.INPUT, billing.toString())
                .set("rejects.max-fraction", "0.5");
    }

    /** The version of every output table of the job, by name; every table exists once the good run published. */
    private Map<String, Long> versions()
    {
        Map<String, Long> versions = JobHarness.onLocalLake(spark, CostAnalysisJob.NAME, lake).tableVersions();
        assertThat(versions.keySet()).as("tables of the published lake").hasSize(CostTables.ALL.size());
        return versions;
    }

    /** Runs a refused input against the published lake: exit 2, exactly {@code message}, and every table still at its version. */
    private void assertRefused(Path billing, String message)
    {
        published.assertSucceeded();
        Map<String, Long> before = versions();
        HarnessRun run = harness(billing).run(DATE);
        assertThat(run.exitCode()).as(run.transcript()).isEqualTo(2);
        assertThat(run.err().strip()).as(run.transcript()).isEqualTo("ERROR: " + message);
        assertThat(versions()).as("table versions after a refused run").isEqualTo(before);
    }

    /** A Hadoop-listed file or folder, as messages name it. */
    private static String listed(Path path)
    {
        return "file:" + path.toAbsolutePath();
    }

    private List<String> rejects()
    {
        published.assertSucceeded();
        return published.table("cost_rejects").orderBy("column_name").collectAsList().stream()
                .map(row -> row.get(0) + " | " + row.getString(1) + " | " + row.getString(2) + " | " + row.getString(3) + " | " + row.getString(4))
                .toList();
    }

    // ---- tolerated: the row in cost_rejects, the rest published

    @Test
    void aCostBeyondTheRangeOfADoubleIsARejectAndTheOtherRowsArePublished()
    {
        assertThat(rejects()).as("rejects").contains(
                "2024-09-01 | " + billingFile + " | number out of range | line_item_unblended_cost | 1e309");
        assertTheGoodRowsArePublished();
    }

    @Test
    void aUsageDateOutsideTheBillingPeriodIsAReject()
    {
        assertThat(rejects()).as("rejects").contains(
                "2024-09-01 | " + billingFile + " | date outside the billing period | line_item_usage_start_date | 2024-10-05T00:00:00Z");
        assertTheGoodRowsArePublished();
    }

    private void assertTheGoodRowsArePublished()
    {
        assertThat(published.table("cost_line_items").orderBy("resource_id").collectAsList().stream()
                .map(row -> row.<String>getAs("resource_id") + " " + row.<Double>getAs("billed_cost")).toList())
                .as("line items: the two good rows").containsExactly("bucket-good 5.0", "i-good 10.0");
        assertThat(published.table("cost_kpis_monthly").where("account_id = '*'").first().<Double>getAs("total_billed_cost"))
                .as("September's billed cost: 10 + 5").isEqualTo(15.0);
        assertThat(publishedCounters).as("counters: one reject per tolerated case").containsEntry("rows_read", 4L).containsEntry("rows_rejected", 2L);
    }

    // ---- refused: exit 2, the message, and no table changed

    @Test
    void anEmptyFolderIsRefused()
            throws IOException
    {
        Path empty = Files.createDirectories(work.resolve("empty"));
        assertRefused(empty, "Cannot read input input.billing: " + listed(empty) + " holds no data files. Check the value of input.billing.");
    }

    @Test
    void aPathThatDoesNotExistIsRefused()
    {
        Path missing = work.resolve("no-such-folder");
        assertRefused(missing, "Cannot read input input.billing: " + listed(missing) + " does not exist. Check the value of input.billing.");
    }

    @Test
    void aCsvThatIsNotABillingExportIsRefused()
    {
        Path other = TestFiles.write(work.resolve("other/export.csv"), List.of("date,amount", "2024-09-01,3"));
        assertRefused(other.getParent(), "Cannot read input input.billing: " + listed(other) + " is neither an AWS CUR 2.0 nor a FOCUS export. "
                + "Expected the columns line_item_usage_account_id, line_item_line_item_type, line_item_usage_start_date, line_item_unblended_cost "
                + "(AWS CUR 2.0) or BillingPeriodStart, ChargePeriodStart, ChargeCategory, BillingAccountId, BilledCost, EffectiveCost, ListCost "
                + "(FOCUS); found date, amount. Move the file out of the input prefix, or set input.billing.format.");
    }

    @Test
    void curAndFocusFilesMixedAreRefused()
            throws IOException
    {
        Path cur = new CurFile().row(ACCOUNT, "2024-09-02", "Usage", "1").write(work.resolve("mixed/cur.csv"));
        Path focus = TestFiles.write(work.resolve("mixed/focus.csv"),
                Files.readAllLines(Path.of("src/test/resources/focus-1.0/focus_sample.csv")).subList(0, 3));
        assertRefused(cur.getParent(), "Cannot read input input.billing: it mixes AWS CUR 2.0 files (e.g. " + listed(cur) + ", with columns "
                + "line_item_usage_account_id, line_item_line_item_type, line_item_usage_start_date, line_item_unblended_cost) and FOCUS files (e.g. "
                + listed(focus) + ", with columns BillingPeriodStart, ChargePeriodStart, ChargeCategory, BillingAccountId, BilledCost, EffectiveCost, "
                + "ListCost). Point input.billing at a prefix holding one of them and run the job once per format.");
    }

    @Test
    void aTruncatedParquetFileIsRefusedNamingIt()
            throws IOException
    {
        Path written = work.resolve("parquet-written");
        spark.read().option("header", "true").csv(billingFile).coalesce(1).write().parquet(written.toString());
        byte[] whole;
        try (Stream<Path> files = Files.list(written)) {
            whole = Files.readAllBytes(files.filter(file -> file.toString().endsWith(".parquet")).findFirst().orElseThrow());
        }
        byte[] half = Arrays.copyOf(whole, whole.length / 2);
        Path truncated = Files.write(Files.createDirectories(work.resolve("truncated-parquet")).resolve("part-0.parquet"), half);
        String tail = Arrays.toString(Arrays.copyOfRange(half, half.length - 4, half.length));
        assertRefused(truncated.getParent(), "Cannot read input input.billing: " + listed(truncated) + " is not a complete Parquet file: its footer "
                + "cannot be read (" + listed(truncated) + " is not a Parquet file. Expected magic number at tail, but found " + tail + "). An export or "
                + "copy cut short leaves such a file: copy it again from the billing export, or move it out of the input prefix.");
    }

    @Test
    void aCsvGzCutShortIsRefusedNamingIt()
            throws IOException
    {
        CurFile rows = new CurFile();
        for (int i = 0; i < 200; i++) {
            rows.row(ACCOUNT, String.format(Locale.ROOT, "2024-09-%02d", 1 + i % 28), "Usage", Integer.toString(i));
        }
        ByteArrayOutputStream gzip = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gzip)) {
            out.write(Files.readAllBytes(rows.write(work.resolve("plain/part-0.csv"))));
        }
        byte[] whole = gzip.toByteArray();
        // The header line still decompresses; the rows end mid-stream.
        Path damaged = Files.write(Files.createDirectories(work.resolve("damaged-gz")).resolve("part-0.csv.gz"), Arrays.copyOf(whole, whole.length * 2 / 3));
        assertRefused(damaged.getParent(), "Cannot read input input.billing: the rows of " + listed(damaged) + " cannot be read (Unexpected end of input "
                + "stream): the file is damaged. A download or copy cut short leaves such a file: copy it again from the billing export, or move it out "
                + "of the input prefix.");
    }

    @Test
    void anInputOfHeadersOnlyIsRefusedInsteadOfEmptyingThePeriod()
    {
        Path header = new CurFile().write(work.resolve("header-only/part-0.csv"));
        assertRefused(header.getParent(), "Cannot read input input.billing: " + listed(header) + " holds column names but no rows. The export is "
                + "incomplete or still being written: wait for it to complete or export it again, then re-run. The published tables were left as they were.");
    }

    @Test
    void duplicateColumnNamesAreRefusedNamingFileAndColumns()
    {
        List<String> columns = new ArrayList<>(CurFile.COLUMNS);
        columns.add("line_item_unblended_cost");
        assertThat(columns.indexOf("line_item_unblended_cost")).as("0-based position of the first copy").isEqualTo(9);
        Path file = new CurFile().row(ACCOUNT, "2024-09-02", "Usage", "1").write(work.resolve("duplicate-columns/part-0.csv"), columns);
        assertRefused(file.getParent(), "Cannot read input input.billing: columns 10 and 23 of " + listed(file) + " have the same name, "
                + "line_item_unblended_cost. Spark cannot tell which one to read: remove or rename the duplicate in the file (or export it again), "
                + "or move the file out of the input prefix.");
    }
}
