package dev.sparkjobs.internal.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

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
 * A driver killed (SIGKILL) right after the conditional put of a commit on an S3 lake, before
 * anything that comes after it: the table reads at that commit, the other tables as they were,
 * and a re-run of the date publishes every table as a clean run does.
 */
@ExtendWith({SharedSpark.class, SharedS3.class})
class KillAfterCommitTest
{
    @TempDir
    Path work;

    @Test
    void aDriverKilledJustAfterACommitLeavesReadableTablesAndARerunPublishes(SparkSession spark, S3Proxy s3)
            throws Exception
    {
        JobHarness harness = JobHarness.onS3Lake(spark, "daily-totals", s3)
                .inputOnS3("events", TestFiles.write(work.resolve("before/part-1.csv"), List.of("event_date,account,amount", "2024-09-01,a,1.0")).getParent());
        String lake = harness.lake();
        harness.run("2024-09-01").assertSucceeded();
        long dailyBefore = version(spark, lake + "/daily_totals");
        long accountsBefore = version(spark, lake + "/account_totals");

        harness.inputOnS3("events", TestFiles.write(work.resolve("after/part-1.csv"), List.of("event_date,account,amount", "2024-09-01,a,2.0")).getParent());
        Path marker = work.resolve("paused");
        DriverProcess driver = DriverProcess.start(harness.arguments("2024-09-01", List.of("publish.parallelism=1",
                "spark.delta.logStore.s3a.impl=" + PausingLogStore.class.getName(),
                "spark.hadoop." + PausingLogStore.TABLE + "=daily_totals",
                "spark.hadoop." + PausingLogStore.MARKER + "=" + marker)), work.resolve("killed.log"));
        Instant deadline = Instant.now().plus(Duration.ofMinutes(5));
        while (!Files.exists(marker) && driver.isAlive() && Instant.now().isBefore(deadline)) {
            Thread.sleep(50);
        }
        assertThat(marker).as("the driver paused after committing daily_totals:\n%s", driver.output()).exists();
        driver.kill();
        assertThat(driver.await(1)).as("killed").isEqualTo(137);

        assertThat(version(spark, lake + "/daily_totals")).as("daily_totals holds the killed run's commit").isEqualTo(dailyBefore + 1);
        assertThat(totals(spark, lake + "/daily_totals")).as("and reads at it").containsExactly(2.0);
        assertThat(version(spark, lake + "/account_totals")).as("account_totals as it was").isEqualTo(accountsBefore);
        assertThat(totals(spark, lake + "/account_totals")).as("its rows as they were").containsExactly(1.0);
        assertThat(spark.read().format("delta").load(lake + "/_runs").filter("status = 'RUNNING'").count()).as("the killed run, never finished").isEqualTo(1);

        harness.run("2024-09-01").assertSucceeded();
        assertThat(totals(spark, lake + "/daily_totals")).as("daily_totals after the re-run").containsExactly(2.0);
        assertThat(totals(spark, lake + "/account_totals")).as("account_totals after the re-run").containsExactly(2.0);
        assertThat(spark.read().format("delta").load(lake + "/events_seen").count()).as("the date's events appended once, by the first run").isEqualTo(1);
    }

    private static long version(SparkSession spark, String path)
    {
        return DeltaTable.forPath(spark, path).history(1).first().<Long>getAs("version");
    }

    private static List<Double> totals(SparkSession spark, String path)
    {
        return spark.read().format("delta").load(path).select("total").collectAsList().stream().map(row -> row.getDouble(0)).sorted().toList();
    }
}
