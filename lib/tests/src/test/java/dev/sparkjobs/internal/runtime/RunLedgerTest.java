package dev.sparkjobs.internal.runtime;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import io.delta.tables.DeltaTable;

import dev.sparkjobs.api.InputFingerprint;
import dev.sparkjobs.api.RecomputedPartition;
import dev.sparkjobs.api.RunScope;
import dev.sparkjobs.api.ScopeMode;
import dev.sparkjobs.internal.ledger.RunHeartbeat;
import dev.sparkjobs.internal.ledger.RunLedger;
import dev.sparkjobs.internal.ledger.RunRecord;
import dev.sparkjobs.internal.ledger.RunStatus;
import dev.sparkjobs.internal.publish.RivalRuns;
import dev.sparkjobs.testing.CliRun;
import dev.sparkjobs.testing.SharedSpark;
import dev.sparkjobs.testing.TestFiles;

@ExtendWith(SharedSpark.class)
class RunLedgerTest
{
    @TempDir
    Path work;

    @Test
    void recordsEverySucceededAndFailedRunWithoutSecrets(SparkSession spark)
    {
        Path events = TestFiles.write(work.resolve("events/a.csv"), List.of("event_date,account,amount", "2024-09-01,a,1.5", "2024-09-01,b,2.5"));
        String lake = work.resolve("lake").toString();
        List<String> settings = List.of("input.events=" + events.getParent(), "output.root=" + lake, "source.api-token=hunter2", "repeat=2");

        CliRun ok = CliRun.withSettings(List.of("run", "daily-totals", "--date", "2024-09-01"), settings);
        assertThat(ok.exitCode()).as(ok.transcript()).isZero();
        TestFiles.write(events, List.of("event_date,account,amount", "2024-09-01,a,-1"));
        CliRun failed = CliRun.withSettings(List.of("run", "daily-totals", "--date", "2024-09-01"), settings);
        assertThat(failed.exitCode()).as(failed.transcript()).isEqualTo(3);

        List<Row> runs = spark.read().format("delta").load(lake + "/_runs").orderBy("started_at").collectAsList();
        assertThat(runs).as("one row per run, updated in place").hasSize(2);

        Row success = runs.get(0);
        assertThat(success.<String>getAs("status")).isEqualTo("SUCCEEDED");
        assertThat(success.<String>getAs("job")).isEqualTo("daily-totals");
        assertThat(success.getAs("logical_date").toString()).isEqualTo("2024-09-01");
        assertThat(success.<String>getAs("env")).isEqualTo("local");
        assertThat(success.<Long>getAs("duration_ms")).isNotNull().isGreaterThanOrEqualTo(0L);
        assertThat(success.<String>getAs("spark_application_id")).isEqualTo(spark.sparkContext().applicationId());
        // 2 events x repeat 2 = 4 event rows; daily_totals 4 (2 accounts x 2 copies), account_totals 4, events_seen 4
        assertThat(success.<Long>getAs("rows_written")).isEqualTo(12L);
        assertThat(success.<Long>getAs("rows_read")).as("rows read by the run's tasks").isGreaterThanOrEqualTo(2L);
        assertThat(success.<Long>getAs("task_time_ms")).isPositive();
        Map<String, Long> versions = new java.util.TreeMap<>();
        for (Row table : success.<Row>getList(success.fieldIndex("tables"))) {
            versions.put(table.getString(0), table.getLong(2));
            assertThat(table.getLong(1)).as("rows written to %s", table.getString(0)).isEqualTo(4L);
        }
        for (String table : List.of("daily_totals", "account_totals", "events_seen")) {
            long actual = DeltaTable.forPath(spark, lake + "/" + table).history(1).first().<Long>getAs("version");
            assertThat(versions).as("ledger version of %s", table).containsEntry(table, actual);
        }
        Map<String, String> config = success.getJavaMap(success.fieldIndex("config"));
        assertThat(config).containsEntry("source.api-token", "***").containsEntry("repeat", "2");
        assertThat(config.toString()).doesNotContain("hunter2");
        assertThat(success.<String, Long>getJavaMap(success.fieldIndex("counters"))).containsEntry("repeat", 2L);

        Row failure = runs.get(1);
        assertThat(failure.<String>getAs("status")).isEqualTo("FAILED");
        assertThat(failure.<String>getAs("error_summary")).startsWith("Data-quality checks failed for job daily-totals");
        assertThat(failure.<Long>getAs("rows_written")).isZero();

        assertThat(spark.read().format("delta").load(lake + "/_runs").filter(col("status").equalTo("RUNNING")).count())
                .as("no run left RUNNING").isZero();
    }

    @Test
    void recordsARunThatFailedWithAnErrorAndExitsWithOne(SparkSession spark)
    {
        Path events = TestFiles.write(work.resolve("events/a.csv"), List.of("event_date,account,amount", "2024-09-01,a,1.5"));
        String lake = work.resolve("lake").toString();

        CliRun failed = CliRun.withSettings(List.of("run", "daily-totals", "--date", "2024-09-01"),
                List.of("input.events=" + events.getParent(), "output.root=" + lake, "fail-with-error=true"));

        assertThat(failed.exitCode()).as(failed.transcript()).isEqualTo(1);
        assertThat(failed.err()).as("what the user is told").contains("ERROR: the run failed unexpectedly: assertion failed: fail-with-error is set");
        List<Row> runs = spark.read().format("delta").load(lake + "/_runs").collectAsList();
        assertThat(runs).as("ledger rows").hasSize(1);
        assertThat(runs.get(0).<String>getAs("status")).as("status of the run").isEqualTo("FAILED");
        assertThat(runs.get(0).<String>getAs("error_summary")).as("its error").contains("fail-with-error is set");
    }

    @Test
    void aLedgerOfAnEarlierVersionGainsTheRecomputedPartitionsAndTheLatestSucceededDeclarationCounts(SparkSession spark)
    {
        String lake = work.resolve("lake").toString();
        // The ledger as spark-jobs wrote it before recomputed_partitions existed: every other column, one old row.
        RunRecord old = RunRecord.started("old-1", "cost-analysis", LocalDate.parse("2024-08-31"), "local", "date", Instant.parse("2024-09-01T00:00:00Z"),
                "app-0", Map.of()).succeeded(Instant.parse("2024-09-01T00:01:00Z"), RunMetrics.EMPTY, List.of(), Map.of(), List.of(), List.of());
        spark.createDataFrame(List.of(RunLedger.toRow(old)), RunLedger.SPEC.schema()).drop("recomputed_partitions").write().format("delta").save(lake + "/_runs");

        LocalDate august = LocalDate.parse("2024-08-01");
        LocalDate september = LocalDate.parse("2024-09-01");
        RunLedger ledger = new RunLedger(spark, lake);
        assertThat(ledger.lastRecomputed("cost-analysis")).as("an old ledger holds no declarations").isEmpty();
        RunRecord first = RunRecord.started("first-1", "cost-analysis", LocalDate.parse("2024-09-30"), "local", "all", Instant.parse("2024-10-01T00:00:00Z"),
                "app-1", Map.of());
        ledger.started(first);
        ledger.finished(first.succeeded(Instant.parse("2024-10-01T00:01:00Z"), RunMetrics.EMPTY, List.of(), Map.of(), List.of(),
                List.of(new RecomputedPartition(august, "scope=all", new InputFingerprint(1, 10, "a1")),
                        new RecomputedPartition(september, "scope=all", new InputFingerprint(2, 20, "s1")))));
        RunRecord second = RunRecord.started("second-1", "cost-analysis", LocalDate.parse("2024-09-15"), "local", "date", Instant.parse("2024-10-02T00:00:00Z"),
                "app-2", Map.of());
        ledger.started(second);
        ledger.finished(second.succeeded(Instant.parse("2024-10-02T00:01:00Z"), RunMetrics.EMPTY, List.of(), Map.of(), List.of(),
                List.of(new RecomputedPartition(september, "own period", new InputFingerprint(3, 30, "s2")))));
        RunRecord failed = RunRecord.started("failed-1", "cost-analysis", LocalDate.parse("2024-09-16"), "local", "date", Instant.parse("2024-10-03T00:00:00Z"),
                "app-3", Map.of());
        ledger.started(failed);
        ledger.finished(failed.failed(Instant.parse("2024-10-03T00:01:00Z"), RunMetrics.EMPTY, "checks failed"));

        assertThat(spark.read().format("delta").load(lake + "/_runs").schema().fieldNames()).as("columns after the first run of this version")
                .containsExactly(RunLedger.SPEC.schema().fieldNames());
        assertThat(spark.read().format("delta").load(lake + "/_runs").filter("run_id = 'old-1'").first().isNullAt(RunLedger.SPEC.schema().fieldIndex("recomputed_partitions")))
                .as("the old row reads the new column as null").isTrue();
        assertThat(ledger.lastRecomputed("cost-analysis")).as("August from the first run, September from the second, the failed run ignored")
                .containsExactly(Map.entry(august, new RecomputedPartition(august, "scope=all", new InputFingerprint(1, 10, "a1"))),
                        Map.entry(september, new RecomputedPartition(september, "own period", new InputFingerprint(3, 30, "s2"))));
        assertThat(ledger.lastRecomputed("daily-totals")).as("another job's declarations").isEmpty();
    }

    @Test
    void replacesTheRunningRowEvenWhenItsFileWasCompactedAway(SparkSession spark)
    {
        String lake = work.resolve("lake").toString();
        RunScope scope = new RunScope(LocalDate.parse("2024-09-01"), ScopeMode.DATE);
        RunRecord ours = RunRecord.started("ours-1", "daily-totals", scope.logicalDate(), "local", "date", Instant.parse("2024-09-02T00:00:00Z"), "app-1", Map.of());
        RunRecord other = RunRecord.started("other-1", "daily-totals", scope.logicalDate(), "local", "date", Instant.parse("2024-09-02T00:00:01Z"), "app-2", Map.of());
        RunLedger ledger = new RunLedger(spark, lake);
        ledger.started(ours);
        new RunLedger(spark, lake).started(other);
        // compaction rewrites both RUNNING rows into one new file: the file our run added is gone
        DeltaTable.forPath(spark, lake + "/_runs").optimize().executeCompaction();
        assertThat(spark.read().format("delta").load(lake + "/_runs").inputFiles()).as("files after compaction").hasSize(1);

        ledger.finished(ours.succeeded(Instant.parse("2024-09-02T00:01:00Z"), RunMetrics.EMPTY, List.of(), Map.of(), List.of(), List.of()));

        Map<String, String> statusByRun = new java.util.TreeMap<>();
        for (Row row : spark.read().format("delta").load(lake + "/_runs").select("run_id", "status").collectAsList()) {
            assertThat(statusByRun.put(row.getString(0), row.getString(1))).as("run %s recorded once", row.getString(0)).isNull();
        }
        assertThat(statusByRun).as("ledger rows by run id").isEqualTo(Map.of("ours-1", "SUCCEEDED", "other-1", "RUNNING"));
    }

    @Test
    void theRivalsOfARunAreTheRunsOfItsJobAndDateThatStartedBeforeIt(SparkSession spark)
    {
        String lake = work.resolve("lake").toString();
        LocalDate date = LocalDate.parse("2024-09-01");
        RunLedger ledger = new RunLedger(spark, lake);
        RunRecord earlier = RunRecord.started("daily-totals-a", "daily-totals", date, "local", "date", Instant.parse("2024-09-02T00:00:00Z"), "app-1", Map.of());
        RunRecord ours = RunRecord.started("daily-totals-b", "daily-totals", date, "local", "date", Instant.parse("2024-09-02T00:00:05Z"), "app-2", Map.of());
        RunRecord sameInstant = RunRecord.started("daily-totals-c", "daily-totals", date, "local", "date", Instant.parse("2024-09-02T00:00:05Z"), "app-3", Map.of());
        RunRecord later = RunRecord.started("daily-totals-d", "daily-totals", date, "local", "date", Instant.parse("2024-09-02T00:00:09Z"), "app-4", Map.of());
        RunRecord otherDate = RunRecord.started("daily-totals-e", "daily-totals", date.plusDays(1), "local", "date", Instant.parse("2024-09-01T00:00:00Z"), "app-5", Map.of());
        RunRecord otherJob = RunRecord.started("smoke-test-f", "smoke-test", date, "local", "date", Instant.parse("2024-09-01T00:00:00Z"), "app-6", Map.of());
        for (RunRecord record : List.of(earlier, ours, sameInstant, later, otherDate, otherJob)) {
            new RunLedger(spark, lake).started(record);
        }
        RivalRuns rivals = ledger.rivalsOf(ours);
        assertThat(rivals.precedingRunOfTheDate(List.of("daily-totals-d", "daily-totals-e", "smoke-test-f"))).as("later, other date, other job").isEmpty();
        assertThat(rivals.precedingRunOfTheDate(List.of("daily-totals-d", "daily-totals-a"))).as("the run that started before").contains("daily-totals-a");
        assertThat(rivals.precedingRunOfTheDate(List.of("daily-totals-c"))).as("same instant, larger run id: started after by the rule").isEmpty();
        assertThat(ledger.rivalsOf(sameInstant).precedingRunOfTheDate(List.of("daily-totals-b"))).as("same instant, smaller run id").contains("daily-totals-b");
    }

    @Test
    void aRunMarksTheRunningRowsOfItsJobWhoseDriversStoppedBeatingAbandoned(SparkSession spark)
            throws Exception
    {
        Path events = TestFiles.write(work.resolve("events/a.csv"), List.of("event_date,account,amount", "2024-09-01,a,1.5"));
        String lake = work.resolve("lake").toString();
        LocalDate date = LocalDate.parse("2024-09-01");
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        // killed before its first heartbeat (or a row of a version without them): its start is its last sign of life
        RunRecord silent = RunRecord.started("daily-totals-silent", "daily-totals", date, "local", "date", now.minus(Duration.ofMinutes(5)), "app-1", Map.of());
        // killed 3 minutes ago, its heartbeat file left behind
        RunRecord killed = RunRecord.started("daily-totals-killed", "daily-totals", date.minusDays(1), "local", "date", now.minus(Duration.ofMinutes(10)), "app-2", Map.of());
        // started long ago, still beating: alive
        RunRecord alive = RunRecord.started("daily-totals-alive", "daily-totals", date, "local", "date", now.minus(Duration.ofMinutes(30)), "app-3", Map.of());
        // no heartbeat yet, but started within the timeout
        RunRecord young = RunRecord.started("daily-totals-young", "daily-totals", date, "local", "date", now.minusSeconds(5), "app-4", Map.of());
        // another job's lost run: that job's next run resolves it
        RunRecord otherJob = RunRecord.started("smoke-test-lost", "smoke-test", date, "local", "date", now.minus(Duration.ofMinutes(5)), "app-5", Map.of());
        RunLedger silentLedger = new RunLedger(spark, lake);
        silentLedger.started(silent);
        for (RunRecord record : List.of(killed, alive, young, otherJob)) {
            new RunLedger(spark, lake).started(record);
        }
        Path heartbeats = work.resolve("lake/_runs/_heartbeats");
        Path killedBeat = TestFiles.write(heartbeats.resolve("daily-totals-killed"), List.of("last beat"));
        Instant lastBeat = now.minus(Duration.ofMinutes(3));
        Files.setLastModifiedTime(killedBeat, FileTime.from(lastBeat));
        TestFiles.write(heartbeats.resolve("smoke-test-lost"), List.of("old"));
        Files.setLastModifiedTime(heartbeats.resolve("smoke-test-lost"), FileTime.from(now.minus(Duration.ofMinutes(5))));

        CliRun run;
        try (RunHeartbeat beating = RunHeartbeat.start(spark.sparkContext().hadoopConfiguration(), lake + "/_runs", alive.runId(), Duration.ofMillis(250),
                Clock.systemUTC())) {
            run = CliRun.withSettings(List.of("run", "daily-totals", "--date", "2024-09-01"),
                    List.of("input.events=" + events.getParent(), "output.root=" + lake, "ledger.abandon-after-seconds=120"));
            assertThat(run.exitCode()).as(run.transcript()).isZero();
            assertThat(heartbeats.resolve(alive.runId())).as("the live run's heartbeat, while it beats").exists();
        }
        assertThat(heartbeats.resolve(alive.runId())).as("deleted when the live run's heartbeat stops").doesNotExist();
        String runId = run.out().lines().filter(line -> line.contains("| starting run ")).findFirst().orElseThrow().replaceAll(".*starting run (\\S+) .*", "$1");

        Map<String, Row> rows = new java.util.TreeMap<>();
        spark.read().format("delta").load(lake + "/_runs").collectAsList().forEach(row -> rows.put(row.getAs("run_id"), row));
        assertThat(rows.keySet()).as("one row per run").containsExactlyInAnyOrder(silent.runId(), killed.runId(), alive.runId(), young.runId(), otherJob.runId(), runId);
        assertThat(rows.get(runId).<String>getAs("status")).as("the run that looked").isEqualTo("SUCCEEDED");
        assertThat(rows.get(alive.runId()).<String>getAs("status")).as("a run whose driver beats").isEqualTo("RUNNING");
        assertThat(rows.get(young.runId()).<String>getAs("status")).as("a run started within the timeout").isEqualTo("RUNNING");
        assertThat(rows.get(otherJob.runId()).<String>getAs("status")).as("another job's run").isEqualTo("RUNNING");
        assertThat(heartbeats.resolve(otherJob.runId())).as("another job's heartbeat file").exists();

        Row silentRow = rows.get(silent.runId());
        assertThat(silentRow.<String>getAs("status")).as("a RUNNING row with no heartbeat, started 5 min ago").isEqualTo("ABANDONED");
        assertThat(silentRow.<Timestamp>getAs("ended_at").toInstant()).as("its end: its start, its last sign of life").isEqualTo(silent.startedAt());
        assertThat(silentRow.<Long>getAs("duration_ms")).isZero();
        assertThat(silentRow.<String>getAs("error_summary")).as("why")
                .contains("ABANDONED by run " + runId)
                .contains("no heartbeat from the driver since " + silent.startedAt())
                .contains("ledger.abandon-after-seconds=120");
        Row killedRow = rows.get(killed.runId());
        assertThat(killedRow.<String>getAs("status")).as("a run whose heartbeat stopped 3 min ago").isEqualTo("ABANDONED");
        assertThat(killedRow.<Timestamp>getAs("ended_at").toInstant()).as("its end: its last heartbeat").isEqualTo(lastBeat);
        assertThat(killedRow.<Long>getAs("duration_ms")).isEqualTo(Duration.ofMinutes(7).toMillis());
        assertThat(killedBeat).as("its heartbeat file, deleted").doesNotExist();
        assertThat(heartbeats.resolve(runId)).as("the run's own heartbeat, deleted at its end").doesNotExist();
        assertThat(run.out()).as("the run says what it marked")
                .contains("run daily-totals-silent (2024-09-01, started " + silent.startedAt() + ") was still RUNNING in the ledger with no heartbeat since "
                        + silent.startedAt() + ": its driver was killed or cut off; marked ABANDONED")
                .contains("run daily-totals-killed (2024-08-31, started " + killed.startedAt() + ")");
        assertThat(rows.get(runId).<String>getList(rows.get(runId).fieldIndex("warnings"))).as("and keeps it among its warnings")
                .anyMatch(warning -> warning.startsWith("run daily-totals-silent ")).anyMatch(warning -> warning.startsWith("run daily-totals-killed "));

        // the silent run was only cut off and finishes after all: its real outcome replaces ABANDONED
        silentLedger.finished(silent.succeeded(now, RunMetrics.EMPTY, List.of(), Map.of(), List.of(), List.of()));
        List<Row> silentNow = spark.read().format("delta").load(lake + "/_runs").filter(col("run_id").equalTo(silent.runId())).collectAsList();
        assertThat(silentNow).as("the row of the run that finished after all").hasSize(1);
        assertThat(silentNow.get(0).<String>getAs("status")).isEqualTo("SUCCEEDED");

        CliRun again = CliRun.withSettings(List.of("run", "daily-totals", "--date", "2024-09-01"),
                List.of("input.events=" + events.getParent(), "output.root=" + lake, "ledger.abandon-after-seconds=120"));
        assertThat(again.exitCode()).as(again.transcript()).isZero();
        // the alive run's heartbeat stopped (its file is gone) without an outcome: now it is lost too, and only it is marked
        assertThat(again.out().lines().filter(line -> line.endsWith("marked ABANDONED")).toList()).as("what the next run marks:\n%s", again.out())
                .singleElement().asString().contains("run daily-totals-alive ");
        Map<String, String> statusByRun = new java.util.TreeMap<>();
        spark.read().format("delta").load(lake + "/_runs").collectAsList().forEach(row -> statusByRun.put(row.getAs("run_id"), row.getAs("status")));
        assertThat(statusByRun).as("statuses after the next run").containsEntry(alive.runId(), "ABANDONED").containsEntry(young.runId(), "RUNNING")
                .containsEntry(killed.runId(), "ABANDONED").containsEntry(silent.runId(), "SUCCEEDED").containsEntry(otherJob.runId(), "RUNNING");
    }
}
