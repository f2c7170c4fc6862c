package dev.sparkjobs.internal.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Date;
import java.util.ArrayList;
import java.util.List;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import io.delta.tables.DeltaTable;

import dev.sparkjobs.api.TableSpec;
import dev.sparkjobs.testing.CliRun;
import dev.sparkjobs.testing.DataFrameAssertions;
import dev.sparkjobs.testing.SharedSpark;
import dev.sparkjobs.testing.TestFiles;

/** Write-audit-publish through the CLI on the test job: re-runs, checks, scopes, restores. */
@ExtendWith(SharedSpark.class)
class PublishingTest
{
    private static final StructType DAILY = new StructType()
            .add("event_date", DataTypes.DateType)
            .add("account", DataTypes.StringType)
            .add("total", DataTypes.DoubleType)
            .add("events", DataTypes.LongType);

    @TempDir
    Path work;

    private SparkSession spark;
    private Path events;
    private String lake;

    @BeforeEach
    void setUp(SparkSession spark)
    {
        this.spark = spark;
        this.events = work.resolve("events");
        this.lake = work.resolve("lake").toString();
        writeEvents(List.of(
                "2024-09-01,a,10.0",
                "2024-09-01,a,5.5",
                "2024-09-01,b,1.0",
                "2024-09-02,a,2.0",
                "2024-09-02,c,7.25"));
    }

    private void writeEvents(List<String> rows)
    {
        List<String> lines = new ArrayList<>();
        lines.add("event_date,account,amount");
        lines.addAll(rows);
        TestFiles.write(events.resolve("part-1.csv"), lines);
    }

    private CliRun run(String date, String... settings)
    {
        List<String> all = new ArrayList<>(List.of("input.events=" + events, "output.root=" + lake));
        all.addAll(List.of(settings));
        return CliRun.withSettings(List.of("run", "daily-totals", "--date", date), all);
    }

    private Dataset<Row> table(String name)
    {
        return spark.read().format("delta").load(lake + "/" + name);
    }

    private long version(String name)
    {
        return DeltaTable.forPath(spark, lake + "/" + name).history(1).select("version").first().getLong(0);
    }

    /** Every Parquet file under the table's folder, committed or not. */
    private List<String> dataFiles(String name)
    {
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.walk(Path.of(lake, name))) {
            return files.map(Path::toString).filter(file -> file.endsWith(".parquet") && !file.contains("_delta_log")).sorted().toList();
        }
        catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private Dataset<Row> daily(Object[]... rows)
    {
        List<Row> list = new ArrayList<>();
        for (Object[] row : rows) {
            list.add(RowFactory.create(Date.valueOf((String) row[0]), row[1], row[2], row[3]));
        }
        return spark.createDataFrame(list, DAILY);
    }

    private static void assertSucceeded(CliRun run)
    {
        assertThat(run.exitCode()).as(run.transcript()).isZero();
    }

    @Test
    void rerunOfADateReplacesItsPartitionAndNeverDuplicates()
    {
        assertSucceeded(run("2024-09-01"));
        Dataset<Row> firstDay = daily(new Object[] {"2024-09-01", "a", 15.5, 2L}, new Object[] {"2024-09-01", "b", 1.0, 1L});
        DataFrameAssertions.assertSameRows("first run", firstDay, table("daily_totals"), 1e-9);

        long before = version("daily_totals");
        assertSucceeded(run("2024-09-01"));
        DataFrameAssertions.assertSameRows("re-run of the same date", firstDay, table("daily_totals"), 1e-9);
        assertThat(version("daily_totals")).as("a re-run is one more commit").isEqualTo(before + 1);
        assertThat(table("events_seen").count()).as("idempotent append skips a date already appended").isEqualTo(3);

        assertSucceeded(run("2024-09-02"));
        DataFrameAssertions.assertSameRows("second date added, first untouched",
                daily(new Object[] {"2024-09-01", "a", 15.5, 2L}, new Object[] {"2024-09-01", "b", 1.0, 1L},
                        new Object[] {"2024-09-02", "a", 2.0, 1L}, new Object[] {"2024-09-02", "c", 7.25, 1L}),
                table("daily_totals"), 1e-9);

        writeEvents(List.of("2024-09-01,a,1.0", "2024-09-02,a,2.0", "2024-09-02,c,7.25"));
        assertSucceeded(run("2024-09-01"));
        DataFrameAssertions.assertSameRows("corrected input replaces the date's partition, b is gone",
                daily(new Object[] {"2024-09-01", "a", 1.0, 1L}, new Object[] {"2024-09-02", "a", 2.0, 1L}, new Object[] {"2024-09-02", "c", 7.25, 1L}),
                table("daily_totals"), 1e-9);
        assertThat(table("events_seen").count()).as("events of 09-01 (3, appended once) and 09-02 (2)").isEqualTo(5);
    }

    @Test
    void whatTheRunCachedIsReleasedAndEarlierCachesAreKept()
    {
        Dataset<Row> cachedByTheTest = spark.range(10).toDF().cache();
        cachedByTheTest.count();
        java.util.Set<Integer> before = java.util.Set.copyOf(
                org.apache.spark.api.java.JavaSparkContext.fromSparkContext(spark.sparkContext()).getPersistentRDDs().keySet());
        assertSucceeded(run("2024-09-01"));
        assertThat(org.apache.spark.api.java.JavaSparkContext.fromSparkContext(spark.sparkContext()).getPersistentRDDs().keySet())
                .as("staged tables released, the test's own cache kept").isEqualTo(before);
        cachedByTheTest.unpersist();
    }

    @Test
    void whatTheJobPersistedIsGoneFromTheCacheManagerAfterTheRun()
    {
        spark.catalog().clearCache();
        assertSucceeded(run("2024-09-01"));
        assertThat(spark.sharedState().cacheManager().isEmpty())
                .as("the events the job persisted through its context are released: no later query reads them from the cache").isTrue();
    }

    @Test
    void csvInputsFollowRfc4180Quoting()
    {
        writeEvents(List.of("2024-09-01,\"team \"\"blue\"\", EU\",2.0"));
        assertSucceeded(run("2024-09-01"));
        assertThat(table("daily_totals").first().<String>getAs("account")).as("doubled quotes and a comma inside quotes").isEqualTo("team \"blue\", EU");
    }

    @Test
    void mergeUpsertsOnKeys()
    {
        assertSucceeded(run("2024-09-01"));
        assertSucceeded(run("2024-09-02"));
        List<String> rows = table("account_totals").orderBy("account").collectAsList().stream()
                .map(row -> row.getString(0) + " " + row.getDate(1) + " " + row.getDouble(2)).toList();
        assertThat(rows).as("a and c updated/inserted by 09-02, b kept from 09-01")
                .containsExactly("a 2024-09-02 2.0", "b 2024-09-01 1.0", "c 2024-09-02 7.25");
    }

    @Test
    void commitsAreTaggedWithTheRunIdAndTablesCarryComments()
    {
        CliRun run = run("2024-09-01");
        assertSucceeded(run);
        String runId = run.out().lines().filter(line -> line.contains("succeeded in")).findFirst().orElseThrow()
                .replaceAll(".*\\(run id (.*)\\)", "$1");
        for (String table : List.of("daily_totals", "account_totals", "events_seen")) {
            Row last = DeltaTable.forPath(spark, lake + "/" + table).history(1).select("userMetadata").first();
            assertThat(last.getString(0)).as("userMetadata of the last commit of %s", table).isEqualTo(runId);
        }
        Row detail = DeltaTable.forPath(spark, lake + "/daily_totals").detail().select("description", "partitionColumns").first();
        assertThat(detail.getString(0)).isEqualTo("Amount per account and day");
        assertThat(detail.getList(1)).containsExactly("event_date");
        assertThat(TableSpec.columnComment(table("daily_totals").schema().apply("total"))).contains("Sum of amounts");
    }

    @Test
    void optimizeCompactsTheWrittenPartitionInItsOwnCommit()
    {
        // 100 distinct keys over two shuffle partitions: the write makes two files, OPTIMIZE one
        assertSucceeded(run("2024-09-01", "publish.optimize=true", "repeat=50"));
        assertThat(table("daily_totals").inputFiles()).as("one file after compaction").hasSize(1);
        List<String> operations = DeltaTable.forPath(spark, lake + "/daily_totals").history().orderBy("version").collectAsList().stream()
                .map(row -> row.<String>getAs("operation")).toList();
        assertThat(operations).as("the first commit creates the table with its rows, then OPTIMIZE").containsExactly("WRITE", "OPTIMIZE");
    }

    @Test
    void failedCheckPublishesNothingAndExitsWithThree()
    {
        assertSucceeded(run("2024-09-01"));
        long daily = version("daily_totals");
        long accounts = version("account_totals");
        long seen = version("events_seen");
        List<String> dailyFiles = dataFiles("daily_totals");
        List<String> accountFiles = dataFiles("account_totals");

        writeEvents(List.of("2024-09-01,a,10.0", "2024-09-01,b,-4.0", "2024-09-01,,3.0"));
        CliRun failed = run("2024-09-01");
        assertThat(failed.exitCode()).as(failed.transcript()).isEqualTo(3);
        assertThat(failed.err())
                .contains("Data-quality checks failed for job daily-totals; nothing was published")
                .contains("table daily_totals: not_null(account) [error]: 1 row(s) fail")
                .contains("table daily_totals: range(total in [0.0, 1.0E12]) [error]: 1 row(s) fail")
                .contains("total=-4.0")
                .contains("table account_totals: not_null(account) [error]: 1 row(s) fail");
        assertThat(version("daily_totals")).as("daily_totals untouched").isEqualTo(daily);
        assertThat(version("account_totals")).as("account_totals untouched").isEqualTo(accounts);
        assertThat(version("events_seen")).as("events_seen untouched").isEqualTo(seen);
        assertThat(dataFiles("daily_totals")).as("the failed run's uncommitted files of daily_totals are deleted").isEqualTo(dailyFiles);
        assertThat(dataFiles("account_totals")).as("and those of account_totals, computed at the same time").isEqualTo(accountFiles);
        DataFrameAssertions.assertSameRows("previous rows still there",
                daily(new Object[] {"2024-09-01", "a", 15.5, 2L}, new Object[] {"2024-09-01", "b", 1.0, 1L}), table("daily_totals"), 1e-9);
    }

    @Test
    void tablesComputedSideBySideOrOneAfterAnotherPublishTheSameRowsInTheJobsOrder()
    {
        CliRun sideBySide = run("2024-09-01");
        assertSucceeded(sideBySide);
        Dataset<Row> first = table("daily_totals");
        List<Row> rows = first.orderBy("account").collectAsList();
        CliRun oneByOne = run("2024-09-01", "stage.parallelism=1");
        assertSucceeded(oneByOne);

        for (CliRun run : List.of(sideBySide, oneByOne)) {
            String out = run.out();
            assertThat(out.indexOf("  daily_totals")).as("summary lists daily_totals first:\n%s", out).isPositive()
                    .isLessThan(out.indexOf("  account_totals"));
            assertThat(out.indexOf("  account_totals")).as("then account_totals, then events_seen:\n%s", out).isLessThan(out.indexOf("  events_seen"));
        }
        assertThat(table("daily_totals").orderBy("account").collectAsList()).as("same rows either way, not duplicated").isEqualTo(rows);
    }

    @Test
    void failedFirstRunLeavesNoTableBehind()
    {
        writeEvents(List.of("2024-09-01,a,10.0", "2024-09-01,b,-4.0"));
        CliRun failed = run("2024-09-01");
        assertThat(failed.exitCode()).as(failed.transcript()).isEqualTo(3);
        assertThat(Path.of(lake, "daily_totals")).as("daily_totals, which the run would have created").doesNotExist();
        assertThat(Path.of(lake, "account_totals")).as("account_totals, which the run would have created").doesNotExist();
    }

    @Test
    void firstRunFailingWhileComputingLeavesNoTableBehind()
    {
        writeEvents(List.of("2024-09-01,a,not-a-number"));
        try {
            // ANSI casts make the bad amount fail the computation itself, while the table's files are written
            CliRun failed = run("2024-09-01", "spark.sql.ansi.enabled=true");
            assertThat(failed.exitCode()).as(failed.transcript()).isEqualTo(1);
        }
        finally {
            spark.conf().unset("spark.sql.ansi.enabled");
        }
        assertThat(Path.of(lake, "daily_totals")).as("daily_totals, which the run would have created").doesNotExist();

        try {
            // one table at a time: the failure of daily_totals, the first, skips the tables after it
            CliRun sequential = run("2024-09-01", "spark.sql.ansi.enabled=true", "stage.parallelism=1");
            assertThat(sequential.exitCode()).as(sequential.transcript()).isEqualTo(1);
            assertThat(sequential.out()).as("no step for the tables after the failed one")
                    .contains("stage daily_totals")
                    .doesNotContain("stage account_totals");
        }
        finally {
            spark.conf().unset("spark.sql.ansi.enabled");
        }
        assertThat(Path.of(lake, "daily_totals")).as("daily_totals, one table at a time").doesNotExist();
        assertThat(Path.of(lake, "account_totals")).as("account_totals, never started").doesNotExist();
    }

    @Test
    void scopeAllRecomputesEveryPartitionFound()
    {
        assertSucceeded(run("2024-09-01", "scope=all"));
        DataFrameAssertions.assertSameRows("both dates from one run",
                daily(new Object[] {"2024-09-01", "a", 15.5, 2L}, new Object[] {"2024-09-01", "b", 1.0, 1L},
                        new Object[] {"2024-09-02", "a", 2.0, 1L}, new Object[] {"2024-09-02", "c", 7.25, 1L}),
                table("daily_totals"), 1e-9);
        writeEvents(List.of("2024-09-02,a,3.0"));
        assertSucceeded(run("2024-09-01", "scope=all"));
        DataFrameAssertions.assertSameRows("partitions present in the result are replaced, others kept",
                daily(new Object[] {"2024-09-01", "a", 15.5, 2L}, new Object[] {"2024-09-01", "b", 1.0, 1L}, new Object[] {"2024-09-02", "a", 3.0, 1L}),
                table("daily_totals"), 1e-9);
    }

    @Test
    void failedPublishRestoresTheTablesAlreadyPublished()
    {
        assertSucceeded(run("2024-09-01"));
        long dailyBefore = version("daily_totals");
        // Someone else changed account_totals' schema: publishing it must fail after daily_totals was written.
        spark.createDataFrame(List.of(RowFactory.create("a", "not a number")),
                        new StructType().add("account", DataTypes.StringType).add("total", DataTypes.StringType))
                .write().format("delta").mode("overwrite").option("overwriteSchema", "true").save(lake + "/account_totals");

        writeEvents(List.of("2024-09-01,a,99.0"));
        CliRun failed = run("2024-09-01");
        assertThat(failed.exitCode()).as(failed.transcript()).isEqualTo(1);
        assertThat(failed.err())
                .contains("Cannot publish table account_totals")
                .contains("no longer has the declared schema")
                .contains("column total is string in the table, declared double")
                .contains("column last_event_date is missing from the table")
                .contains("Restored what this run had published to daily_totals (undone at version " + (dailyBefore + 2) + ")");
        DataFrameAssertions.assertSameRows("daily_totals back to its rows before the run",
                daily(new Object[] {"2024-09-01", "a", 15.5, 2L}, new Object[] {"2024-09-01", "b", 1.0, 1L}), table("daily_totals"), 1e-9);
    }
}
