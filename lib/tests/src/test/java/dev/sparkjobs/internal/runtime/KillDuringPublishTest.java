package dev.sparkjobs.internal.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import io.delta.tables.DeltaTable;

import dev.sparkjobs.testing.CliRun;
import dev.sparkjobs.testing.DriverProcess;
import dev.sparkjobs.testing.SharedSpark;
import dev.sparkjobs.testing.TestFiles;

/**
 * A driver killed with SIGKILL while it writes a table's files (before committing them) leaves the
 * table readable at its previous version; a re-run of the date then publishes normally.
 */
@ExtendWith(SharedSpark.class)
class KillDuringPublishTest
{
    @TempDir
    Path work;

    @Test
    void sigkillWhilePublishingLeavesThePreviousVersion(SparkSession spark)
            throws Exception
    {
        Path events = TestFiles.write(work.resolve("events/a.csv"), List.of("event_date,account,amount", "2024-09-01,a,1.0", "2024-09-01,b,2.0"));
        String lake = work.resolve("lake").toString();
        List<String> settings = List.of("input.events=" + events.getParent(), "output.root=" + lake);
        CliRun first = CliRun.withSettings(List.of("run", "daily-totals", "--date", "2024-09-01"), settings);
        assertThat(first.exitCode()).as(first.transcript()).isZero();
        String table = lake + "/daily_totals";
        long versionBefore = DeltaTable.forPath(spark, table).history(1).first().<Long>getAs("version");
        List<Row> rowsBefore = spark.read().format("delta").load(table).orderBy("account").collectAsList();
        Path partition = work.resolve("lake/daily_totals/event_date=2024-09-01");
        Set<String> filesBefore = dataFiles(partition);

        // The same date again, 300,000 copies of each event: the kill comes at the first new data file, seconds before the commit.
        DriverProcess child = DriverProcess.start(List.of("run", "daily-totals", "--date", "2024-09-01",
                "--set", "input.events=" + events.getParent(), "--set", "output.root=" + lake, "--set", "repeat=300000"), work.resolve("child.log"));
        Instant deadline = Instant.now().plus(Duration.ofMinutes(4));
        boolean killedWhileWriting = false;
        while (Instant.now().isBefore(deadline) && child.isAlive()) {
            Set<String> now = dataFiles(partition);
            if (!filesBefore.containsAll(now)) {
                child.kill();
                killedWhileWriting = true;
                break;
            }
            Thread.sleep(20);
        }
        int exitCode = child.await(1);
        String childOutput = child.output();
        assertThat(killedWhileWriting).as("the child was killed while writing new files; its output:\n%s", childOutput).isTrue();
        assertThat(exitCode).as("killed by SIGKILL").isEqualTo(137);
        // the table's files are written (uncommitted) while it is computed and checked; the publish only commits them
        assertThat(childOutput).as("it was writing the table").contains("| stage daily_totals");

        long versionAfter = DeltaTable.forPath(spark, table).history(1).first().<Long>getAs("version");
        assertThat(versionAfter).as("no commit happened").isEqualTo(versionBefore);
        assertThat(spark.read().format("delta").load(table).orderBy("account").collectAsList())
                .as("the table reads as before the killed run").isEqualTo(rowsBefore);
        assertThat(dataFiles(partition)).as("the killed run left uncommitted files behind, which readers ignore").hasSizeGreaterThan(filesBefore.size());

        assertThat(spark.read().format("delta").load(lake + "/_runs").filter("status = 'RUNNING'").count())
                .as("the ledger shows the killed run as RUNNING, never finished").isEqualTo(1);

        CliRun retry = CliRun.withSettings(List.of("run", "daily-totals", "--date", "2024-09-01"), settings);
        assertThat(retry.exitCode()).as(retry.transcript()).isZero();
        assertThat(spark.read().format("delta").load(table).orderBy("account").collectAsList()).as("a retry publishes the same rows").isEqualTo(rowsBefore);
    }

    private static Set<String> dataFiles(Path folder)
            throws IOException
    {
        if (!Files.isDirectory(folder)) {
            return Set.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(file -> file.getFileName().toString()).filter(name -> name.endsWith(".parquet")).collect(Collectors.toSet());
        }
    }
}
