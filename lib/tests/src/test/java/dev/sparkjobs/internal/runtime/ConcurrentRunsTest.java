package dev.sparkjobs.internal.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dev.sparkjobs.testing.DriverProcess;
import dev.sparkjobs.testing.S3Proxy;
import dev.sparkjobs.testing.SharedS3;
import dev.sparkjobs.testing.SharedSpark;
import dev.sparkjobs.testing.TestFiles;

/**
 * Four driver JVMs at once on one lake, the way Airflow starts them (a DAG run's tasks, a backfill,
 * a retry next to a lost attempt): two jobs, two dates, two runs of one date; first on a fresh
 * lake, then again on the lake they made. On S3 (S3Proxy, conditional puts), and on a local folder
 * for the fresh lake only (the local log store's commits on top of existing tables are what
 * LogStoreStressTest hammers; the second wave costs a third of this suite's time).
 * Every run succeeds, except that of two runs of one date at once at most one publishes and the
 * other exits 4 saying so; the ledger has one row per run; every table's log is contiguous and
 * holds each successful run's commit; the tables hold exactly the expected rows.
 */
@ExtendWith({SharedSpark.class, SharedS3.class})
class ConcurrentRunsTest
{
    private static final String D1 = "2024-09-01";
    private static final String D2 = "2024-09-02";
    private static final String D3 = "2024-09-03";
    /** Each date has accounts of its own, so the merged account totals do not depend on the order of the runs; no run computes D3. */
    private static final List<String> EVENTS = List.of(
            "event_date,account,amount",
            D1 + ",a,10.0", D1 + ",a,5.5", D1 + ",b,1.0",
            D2 + ",c,2.0", D2 + ",c,7.25",
            D3 + ",d,3.0");

    /** Tiny inputs: one task per stage, so that four drivers on two cores spend their time on what is tested. */
    private static final List<String> SMALL_RUNS = List.of("spark.sql.shuffle.partitions=1", "spark.default.parallelism=1",
            "spark.databricks.delta.snapshotPartitions=1");

    @TempDir
    Path work;

    @Test
    void runsAtOnceOnALocalLakeAllSucceedAndLoseNothing(SparkSession spark)
    {
        Path events = TestFiles.write(work.resolve("events/part-1.csv"), EVENTS).getParent();
        String lake = work.resolve("lake").toUri().toString();
        wavesOfRuns(spark, lake, List.of("input.events=" + events.toUri()), List.of("fresh"));
    }

    @Test
    void runsAtOnceOnAnS3LakeAllSucceedAndLoseNothing(SparkSession spark, S3Proxy s3)
    {
        String bucket = s3.createBucket("concurrent");
        s3.upload(TestFiles.write(work.resolve("events/part-1.csv"), EVENTS).getParent(), bucket, "raw/events");
        s3.hadoopSettings().forEach(spark.sparkContext().hadoopConfiguration()::set);
        List<String> settings = new ArrayList<>(s3.settings());
        settings.add("input.events=s3a://" + bucket + "/raw/events/");
        wavesOfRuns(spark, "s3a://" + bucket + "/lake", settings, List.of("fresh", "existing"));
    }

    private void wavesOfRuns(SparkSession spark, String lake, List<String> settings, List<String> waves)
    {
        LakeCheck check = new LakeCheck(spark, lake);
        for (int waveIndex = 0; waveIndex < waves.size(); waveIndex++) {
            String wave = waves.get(waveIndex);
            List<Run> runs = List.of(new Run("daily-totals", D1), new Run("daily-totals", D1), new Run("daily-totals", D2), new Run("smoke-test", D1));
            List<DriverProcess> drivers = new ArrayList<>();
            for (int i = 0; i < runs.size(); i++) {
                List<String> arguments = new ArrayList<>(List.of("run", runs.get(i).job(), "--date", runs.get(i).date(), "--set", "output.root=" + lake));
                SMALL_RUNS.forEach(setting -> arguments.addAll(List.of("--set", setting)));
                for (String setting : settings) {
                    if (runs.get(i).job().equals("daily-totals") || !setting.startsWith("input.")) {
                        arguments.addAll(List.of("--set", setting));
                    }
                }
                drivers.add(DriverProcess.start(arguments, work.resolve(wave + "/run-" + i + ".log")));
            }
            Map<Integer, Integer> exitCodes = new TreeMap<>();
            for (int i = 0; i < drivers.size(); i++) {
                exitCodes.put(i, drivers.get(i).await(10));
            }
            StringBuilder transcript = new StringBuilder("wave " + wave + " on " + lake + ":\n");
            for (int i = 0; i < drivers.size(); i++) {
                transcript.append("--- run ").append(i).append(' ').append(runs.get(i)).append(": exit ").append(exitCodes.get(i)).append('\n')
                        .append(drivers.get(i).output()).append('\n');
            }
            System.out.println(transcript);

            for (int i = 0; i < runs.size(); i++) {
                boolean sameDateTwice = runs.get(i).equals(new Run("daily-totals", D1));
                if (sameDateTwice) {
                    assertThat(exitCodes.get(i)).as("a run of a date run twice at once succeeds or gives way:\n%s", transcript).isIn(0, 4);
                }
                else {
                    assertThat(exitCodes.get(i)).as("run %s %s:\n%s", i, runs.get(i), transcript).isZero();
                }
                if (exitCodes.get(i) == 4) {
                    assertThat(drivers.get(i).output()).as("what the run that gave way says")
                            .contains("another run of daily-totals for " + D1)
                            .contains("committed it first")
                            .contains("This run publishes nothing")
                            .doesNotContain("credentials");
                }
                assertThat(drivers.get(i).output().lines().filter(line -> line.startsWith("ERROR")).toList())
                        .as("run %s never blames credentials, logs no error of a commit it made again:\n%s", i, transcript)
                        .allMatch(line -> line.startsWith("ERROR: Cannot publish table") && line.contains("committed it first"));
            }
            assertThat(exitCodes.get(0) == 0 || exitCodes.get(1) == 0).as("one of the two runs of %s published:\n%s", D1, transcript).isTrue();
            check.ledgerHasOneRowPerRun((waveIndex + 1) * runs.size());
            for (String table : List.of("daily_totals", "account_totals", "events_seen", "smoke_test", "_runs")) {
                check.logIsContiguousAndHoldsTheCommitsOfSucceededRuns(table);
            }
            check.tablesHoldTheExpectedRows();
        }
    }

    private record Run(String job, String date) {}

    /** What a lake must look like after the runs. */
    private record LakeCheck(SparkSession spark, String lake)
    {
        void ledgerHasOneRowPerRun(int runsSoFar)
        {
            List<Row> ledger = spark.read().format("delta").load(lake + "/_runs").select("run_id", "status", "error_summary").collectAsList();
            Map<String, Integer> rowsPerRun = new HashMap<>();
            ledger.forEach(row -> rowsPerRun.merge(row.getString(0), 1, Integer::sum));
            assertThat(rowsPerRun.values()).as("rows per run id in the ledger").allMatch(count -> count == 1);
            assertThat(ledger).as("no run left RUNNING").noneMatch(row -> row.getString(1).equals("RUNNING"));
            assertThat(ledger).as("failed runs are those that gave way").filteredOn(row -> row.getString(1).equals("FAILED"))
                    .allMatch(row -> row.getString(2).contains("committed it first"));
            assertThat(ledger).as("a row for every run so far").hasSize(runsSoFar);
        }

        void logIsContiguousAndHoldsTheCommitsOfSucceededRuns(String table)
        {
            List<Row> history = spark.sql("DESCRIBE HISTORY delta.`" + lake + "/" + table + "`").select("version", "userMetadata", "operation").collectAsList();
            Set<Long> versions = new TreeSet<>();
            history.forEach(row -> versions.add(row.getLong(0)));
            assertThat(versions).as("versions of %s", table).hasSize(history.size());
            assertThat(((TreeSet<Long>) versions).last()).as("versions of %s are contiguous from 0: %s", table, versions).isEqualTo(versions.size() - 1L);
            Set<String> succeeded = new TreeSet<>();
            spark.read().format("delta").load(lake + "/_runs").filter("status = 'SUCCEEDED'").select("run_id", "tables").collectAsList().forEach(row -> {
                List<Row> tables = row.getList(1);
                if (tables.stream().anyMatch(published -> published.getString(0).equals(table))) {
                    succeeded.add(row.getString(0));
                }
            });
            Map<String, Long> commitsPerRun = new HashMap<>();
            history.forEach(row -> Optional.ofNullable(row.getString(1)).ifPresent(runId -> commitsPerRun.merge(runId, 1L, Long::sum)));
            if (table.equals("_runs")) {
                assertThat(commitsPerRun.values()).as("commits per run in the ledger: its start and its outcome").allMatch(count -> count == 2);
            }
            else if (!table.equals("events_seen")) {
                for (String runId : succeeded) {
                    assertThat(commitsPerRun.get(runId)).as("commits of succeeded run %s in %s's log (none lost)", runId, table).isEqualTo(1L);
                }
            }
        }

        void tablesHoldTheExpectedRows()
        {
            assertThat(rows("daily_totals", "event_date, account, total, events"))
                    .containsExactly("2024-09-01 a 15.5 2", "2024-09-01 b 1.0 1", "2024-09-02 c 9.25 2");
            assertThat(rows("account_totals", "account, last_event_date, total"))
                    .containsExactly("a 2024-09-01 15.5", "b 2024-09-01 1.0", "c 2024-09-02 9.25");
            assertThat(rows("events_seen", "event_date, account, amount")).as("each date's events appended once")
                    .containsExactly("2024-09-01 a 10.0", "2024-09-01 a 5.5", "2024-09-01 b 1.0", "2024-09-02 c 2.0", "2024-09-02 c 7.25");
            assertThat(rows("smoke_test", "run_date, numbers, total")).as("one row for the date").containsExactly("2024-09-01 1000 500500");
        }

        private List<String> rows(String table, String columns)
        {
            return spark.read().format("delta").load(lake + "/" + table).selectExpr(columns.split(", ")).collectAsList().stream()
                    .map(row -> {
                        List<String> cells = new ArrayList<>();
                        for (int i = 0; i < row.length(); i++) {
                            cells.add(String.valueOf(row.get(i)));
                        }
                        return String.join(" ", cells);
                    })
                    .sorted()
                    .toList();
        }
    }
}
