package dev.sparkjobs.internal.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import io.delta.tables.DeltaTable;

import dev.sparkjobs.testing.DriverProcess;
import dev.sparkjobs.testing.JobHarness;
import dev.sparkjobs.testing.PausingLogStore;
import dev.sparkjobs.testing.S3Proxy;
import dev.sparkjobs.testing.SharedS3;
import dev.sparkjobs.testing.SharedSpark;
import dev.sparkjobs.testing.TestFiles;

/**
 * The S3 server of the lake goes down in the middle of a run (S3Proxy killed, then started again
 * with the objects it had): once just before the first commit, once between two tables' commits.
 * The run fails with exit 1 naming the endpoint and what it was doing; every table reads whole, at
 * its version before the run or, for a table committed before the outage, at the run's commit;
 * after the server is back, a re-run of the date publishes every table as a clean run does, and
 * marks the lost run's RUNNING row (it could not record its failure) ABANDONED.
 */
@ExtendWith({SharedSpark.class, SharedS3.class})
class S3OutageTest
{
    private static final String DATE = "2024-09-01";
    /** S3A's retries of an unreachable endpoint, cut short: the defaults retry each call for about a minute. */
    private static final List<String> FEW_RETRIES = List.of("spark.hadoop.fs.s3a.retry.limit=1", "spark.hadoop.fs.s3a.attempts.maximum=1",
            "spark.hadoop.fs.s3a.retry.interval=100ms", "spark.hadoop.fs.s3a.connection.establish.timeout=2s");

    @TempDir
    Path work;

    @Test
    void anOutageJustBeforeTheCommitsFailsTheRunAndPublishesNothing(SparkSession spark, S3Proxy s3)
            throws Exception
    {
        JobHarness harness = lakeWithOneRun(spark, s3);
        Map<String, Long> versionsBefore = harness.tableVersions();

        String output = runUntilTheOutage(harness, s3, true);
        // Usually every attempt of the commit's PutObject is refused, and the run knows its commit file was never written.
        // When the stop catches a pooled keep-alive connection, the first attempt fails after sending and the run cannot
        // tell (the log cannot be read back either): it says so. The tables below are as before either way.
        assertThat(error(output)).as("what the run says: the table, the operation, the endpoint, that nothing changed or that it cannot tell")
                .contains("Cannot publish table daily_totals at " + harness.lake() + "/daily_totals: ")
                .containsPattern(" on s3a://[^ ]+ failed: could not connect to " + s3.endpoint().replace("http://", "") + " \\(Connection refused\\)")
                .contains("The lake's storage could not be reached")
                .containsAnyOf("No table was changed.", "daily_totals: this run's commit may have landed");
        assertThat(harness.tableVersions()).as("no table changed").isEqualTo(versionsBefore);
        assertThat(totals(spark, harness.lake() + "/daily_totals")).as("daily_totals as before").containsExactly(1.0);
        assertThat(totals(spark, harness.lake() + "/account_totals")).as("account_totals as before").containsExactly(1.0);

        reRunPublishesAndMarksTheLostRun(spark, harness, output);
    }

    @Test
    void anOutageBetweenTwoCommitsLeavesEveryTableWhole(SparkSession spark, S3Proxy s3)
            throws Exception
    {
        JobHarness harness = lakeWithOneRun(spark, s3);
        Map<String, Long> versionsBefore = harness.tableVersions();

        String output = runUntilTheOutage(harness, s3, false);
        assertThat(error(output)).as("what the run says: the endpoint, and that daily_totals' commit may have landed")
                .containsPattern(" on s3a://[^ ]+ failed: could not connect to " + s3.endpoint().replace("http://", "") + " \\(Connection refused\\)")
                .contains("Left as they are: daily_totals: this run's commit may have landed")
                .doesNotContain("No table was changed");
        Map<String, Long> versionsAfter = harness.tableVersions();
        assertThat(versionsAfter.get("daily_totals")).as("daily_totals: the run's commit, made before the outage").isEqualTo(versionsBefore.get("daily_totals") + 1);
        assertThat(totals(spark, harness.lake() + "/daily_totals")).as("and it reads whole at it").containsExactly(2.0);
        assertThat(versionsAfter.get("account_totals")).as("account_totals: never committed").isEqualTo(versionsBefore.get("account_totals"));
        assertThat(totals(spark, harness.lake() + "/account_totals")).as("and reads as before").containsExactly(1.0);

        reRunPublishesAndMarksTheLostRun(spark, harness, output);
    }

    private JobHarness lakeWithOneRun(SparkSession spark, S3Proxy s3)
    {
        JobHarness harness = JobHarness.onS3Lake(spark, "daily-totals", s3)
                .inputOnS3("events", TestFiles.write(work.resolve("before/part-1.csv"), List.of("event_date,account,amount", DATE + ",a,1.0")).getParent());
        harness.run(DATE).assertSucceeded();
        harness.inputOnS3("events", TestFiles.write(work.resolve("after/part-1.csv"), List.of("event_date,account,amount", DATE + ",a,2.0")).getParent());
        return harness;
    }

    /** Starts a run in its own driver, pauses it at the first commit of daily_totals (before or after it), stops the server, lets the run go on. */
    private String runUntilTheOutage(JobHarness harness, S3Proxy s3, boolean beforeTheCommit)
            throws Exception
    {
        Path marker = work.resolve("paused");
        Path release = work.resolve("release");
        List<String> settings = new java.util.ArrayList<>(List.of("publish.parallelism=1",
                "spark.delta.logStore.s3a.impl=" + PausingLogStore.class.getName(),
                "spark.hadoop." + PausingLogStore.TABLE + "=daily_totals",
                "spark.hadoop." + PausingLogStore.BEFORE + "=" + beforeTheCommit,
                "spark.hadoop." + PausingLogStore.MARKER + "=" + marker,
                "spark.hadoop." + PausingLogStore.RELEASE + "=" + release));
        settings.addAll(FEW_RETRIES);
        DriverProcess driver = DriverProcess.start(harness.arguments(DATE, settings), work.resolve("outage.log"));
        Instant deadline = Instant.now().plus(Duration.ofMinutes(5));
        while (!Files.exists(marker) && driver.isAlive() && Instant.now().isBefore(deadline)) {
            Thread.sleep(50);
        }
        assertThat(marker).as("the run paused at the commit of daily_totals:\n%s", driver.output()).exists();
        s3.stop();
        try {
            Files.writeString(release, "go");
            int exitCode = driver.await(5);
            assertThat(exitCode).as("a run whose lake went away:\n%s", driver.output()).isEqualTo(1);
            return driver.output();
        }
        finally {
            s3.restart();
        }
    }

    private void reRunPublishesAndMarksTheLostRun(SparkSession spark, JobHarness harness, String lostOutput)
            throws InterruptedException
    {
        String lostRunId = lostOutput.lines().filter(line -> line.contains("| starting run ")).findFirst().orElseThrow()
                .replaceAll(".*starting run (\\S+) .*", "$1");
        Thread.sleep(2_100); // the lost run's last sign of life is older than ledger.abandon-after-seconds=2
        var rerun = harness.run(DATE, List.of("ledger.abandon-after-seconds=2")).assertSucceeded();
        assertThat(totals(spark, harness.lake() + "/daily_totals")).as("daily_totals after the re-run").containsExactly(2.0);
        assertThat(totals(spark, harness.lake() + "/account_totals")).as("account_totals after the re-run").containsExactly(2.0);
        assertThat(spark.read().format("delta").load(harness.lake() + "/events_seen").count()).as("the date's events, appended once").isEqualTo(1);
        var lost = spark.read().format("delta").load(harness.lake() + "/_runs").filter("run_id = '" + lostRunId + "'").collectAsList();
        assertThat(lost).as("the lost run's ledger row").hasSize(1);
        assertThat(lost.get(0).<String>getAs("status")).as("it could not record its failure; the re-run marked it:\n%s", rerun.transcript()).isEqualTo("ABANDONED");
        assertThat(rerun.out()).as("the re-run says so").contains("run " + lostRunId + " (" + DATE);
    }

    private static String error(String output)
    {
        return output.lines().filter(line -> line.startsWith("ERROR: ")).findFirst().orElseThrow(() -> new AssertionError("no ERROR line in:\n" + output));
    }

    private static List<Double> totals(SparkSession spark, String path)
    {
        DeltaTable.forPath(spark, path); // fails clearly when the table is not there
        return spark.read().format("delta").load(path).select("total").collectAsList().stream().map(row -> row.getDouble(0)).sorted().toList();
    }
}
