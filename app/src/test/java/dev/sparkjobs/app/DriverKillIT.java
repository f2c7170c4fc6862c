package dev.sparkjobs.app;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dev.sparkjobs.app.FaultJob.Input;
import dev.sparkjobs.testing.CliRun;
import dev.sparkjobs.testing.S3Proxy;
import dev.sparkjobs.testing.SharedS3;
import dev.sparkjobs.testing.SharedSpark;

/**
 * Drivers killed (SIGKILL) at seeded random moments of every phase of a run, on an S3 lake, for
 * every packaged job: after each kill every output table reads either as before the run or as
 * after a successful run (never a mix, no duplicates), a re-run of the date succeeds with a clean
 * run's tables, and the re-run marks the killed run ABANDONED in the ledger.
 * <p>
 * Sizes (system properties): {@code faults.kills} (default 6, one per phase), {@code faults.seed}
 * (default 15) and {@code faults.jobs} (default all three, in rotation; CI's app/pom.xml gives two,
 * cost-analysis and similarity-scoring, and bench/fault-sweep.sh all three). The full sweep is
 * bench/fault-sweep.sh; the figures of a run go to target/fault-sweep.md.
 * <p>
 * Only the killed runs are drivers of their own; clean runs and re-runs run in this JVM, at the
 * same time as the driver of a trial of another job (on another lake), one driver at a time.
 */
@ExtendWith({SharedSpark.class, SharedS3.class})
class DriverKillIT
{
    private static final Path REPORT = Path.of("target", "fault-sweep.md");
    private static final int ABANDON_AFTER_SECONDS = 2;
    /**
     * Every run, in this JVM or in a driver of its own, plans alike (two shuffle partitions, no
     * adaptive execution, a default parallelism of two, as the tests' shared session has): a killed
     * driver's tables then have the same rows, to the last bit of every sum, as this JVM's clean runs.
     */
    private static final List<String> RUN_SETTINGS = List.of("ledger.abandon-after-seconds=" + ABANDON_AFTER_SECONDS,
            "spark.sql.shuffle.partitions=2", "spark.sql.adaptive.enabled=false", "spark.default.parallelism=2");
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(5);

    /** A kill to make: a run of {@code job} with {@code input} on a lake in the state the other input gives, killed {@code delayMillis} into {@code target}. */
    private record PlannedKill(int number, String job, Input input, RunPhase target, long delayMillis) {}

    @TempDir
    Path work;

    @Test
    void aDriverKilledInAnyPhaseLeavesEachTableAsBeforeOrAfterAndARerunGivesACleanRunsTables(SparkSession spark, S3Proxy s3)
            throws Exception
    {
        int kills = Integer.getInteger("faults.kills", RunPhase.values().length);
        long seed = Long.getLong("faults.seed", 15);
        List<String> jobNames = Arrays.stream(System.getProperty("faults.jobs", String.join(",", FaultJob.names())).split(","))
                .map(String::trim).filter(name -> !name.isEmpty()).toList();
        long started = System.nanoTime();
        double loadBefore = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        String bucket = s3.createBucket("driver-kills");
        s3.hadoopSettings().forEach(spark.sparkContext().hadoopConfiguration()::set);
        List<String> settings = new ArrayList<>(RUN_SETTINGS);
        settings.addAll(s3.settings());
        List<PlannedKill> plan = plan(kills, seed, jobNames);
        FaultSweepReport report = new FaultSweepReport(String.format("%d kills, seed %d, jobs %s; S3 lake on S3Proxy; ledger.abandon-after-seconds=%d.",
                kills, seed, String.join(", ", jobNames), ABANDON_AFTER_SECONDS));

        Map<String, FaultJob> jobs = new LinkedHashMap<>();
        Map<String, Map<Input, LakeState>> references = new HashMap<>();
        Drivers drivers = new Drivers(plan, jobs, settings, bucket);
        try {
            for (String name : jobNames) {
                FaultJob job = FaultJob.prepare(name, work.resolve("samples"), s3, bucket);
                jobs.put(name, job);
                // The references: a clean run of A on an empty lake, then of B. Each trial's re-run must
                // give them again, on a lake in the other state: a job whose result depended on the
                // state before the run (beyond the date's rows) would fail there.
                LakeState afterA = cleanRun(spark, job, Input.A, bucket, settings);
                LakeState afterB = cleanRun(spark, job, Input.B, bucket, settings);
                references.put(name, Map.of(Input.A, afterA, Input.B, afterB));
                List<String> same = job.tables().stream().filter(table -> afterA.rows(table).equals(afterB.rows(table))).toList();
                report.note(name + ": tables with the same rows for inputs A and B (a kill cannot tell before from after there): "
                        + (same.isEmpty() ? "none" : String.join(", ", same)));
                drivers.lakeIdle(name);
            }
            long setupMillis = millisSince(started);
            for (PlannedKill planned : plan) {
                KilledRun kill = drivers.collect(planned.number());
                FaultTrial trial = check(spark, s3, bucket, planned, jobs.get(planned.job()), kill, references.get(planned.job()), settings);
                System.out.println(String.join(" | ", trial.cells()));
                report.add(trial);
                if (!trial.rerunSucceeded()) {
                    break; // the lake is in no known state: later trials of it would tell nothing
                }
                drivers.lakeIdle(planned.job());
            }
            report.note("wall time " + millisSince(started) / 1000 + " s: set-up (sample data, two clean runs per job) " + setupMillis / 1000 + " s, trials "
                    + (millisSince(started) - setupMillis) / 1000 + " s; " + cpuTimes(report.trials(), loadBefore));
        }
        finally {
            drivers.close();
            report.write(REPORT); // the figures so far, also when a trial stopped the test
        }
        String rendered = report.render();
        System.out.println(rendered);

        assertThat(report.trials()).as("trials run:%n%s", rendered).hasSize(kills);
        assertThat(report.problems()).as("problems found (all figures in %s):%n%s", REPORT.toAbsolutePath(), rendered).isEmpty();
        assertThat(report.trials().stream().map(trial -> trial.kill().targeted()).distinct().count()).as("phases targeted")
                .isEqualTo(Math.min(kills, RunPhase.values().length));
    }

    /** Phases in rotation; jobs in rotation, shifted by one after each round of phases so that every phase meets every job; inputs alternate per job. */
    private static List<PlannedKill> plan(int kills, long seed, List<String> jobs)
    {
        Random random = new Random(seed);
        RunPhase[] phases = RunPhase.values();
        Map<String, Input> lakeHolds = new HashMap<>();
        List<PlannedKill> plan = new ArrayList<>();
        for (int index = 0; index < kills; index++) {
            RunPhase target = phases[index % phases.length];
            String job = jobs.get((index + index / phases.length) % jobs.size());
            Input input = lakeHolds.getOrDefault(job, Input.B).other();
            lakeHolds.put(job, input);
            plan.add(new PlannedKill(index + 1, job, input, target, random.nextInt(target.spreadMillis() + 1)));
        }
        return plan;
    }

    /**
     * The drivers to kill, in the plan's order, one at a time (a queue of one thread), each queued as
     * soon as its job's lake is idle: its references made and the job's previous trial checked and
     * re-run. So a driver runs while this JVM makes other jobs' references or checks another trial.
     */
    private final class Drivers
            implements AutoCloseable
    {
        private final List<PlannedKill> plan;
        private final Map<String, FaultJob> jobs;
        private final List<String> settings;
        private final String bucket;
        private final ExecutorService thread = Executors.newSingleThreadExecutor(runnable -> new Thread(runnable, "driver-kills"));
        private final Set<String> idle = new HashSet<>();
        private final Map<Integer, Future<KilledRun>> started = new HashMap<>();

        Drivers(List<PlannedKill> plan, Map<String, FaultJob> jobs, List<String> settings, String bucket)
        {
            this.plan = plan;
            this.jobs = jobs;
            this.settings = settings;
            this.bucket = bucket;
        }

        void lakeIdle(String job)
        {
            idle.add(job);
            startNext();
        }

        KilledRun collect(int number)
                throws InterruptedException, ExecutionException
        {
            startNext();
            Future<KilledRun> kill = started.get(number);
            if (kill == null) {
                throw new IllegalStateException("trial " + number + " did not start: its job's lake is not idle");
            }
            return kill.get();
        }

        private void startNext()
        {
            while (started.size() < plan.size() && idle.contains(plan.get(started.size()).job())) {
                start(plan.get(started.size()));
            }
        }

        private void start(PlannedKill planned)
        {
            idle.remove(planned.job());
            FaultJob job = jobs.get(planned.job());
            List<String> arguments = job.runArguments(planned.input(), lake(bucket, job.name()), settings);
            Path output = work.resolve("trial-" + planned.number() + ".log");
            started.put(planned.number(), thread.submit(() -> WatchedDriver.start(arguments, output, job.name(), Set.copyOf(job.tables()))
                    .killDuring(planned.target(), planned.delayMillis(), RUN_TIMEOUT)));
        }

        @Override
        public void close()
                throws InterruptedException
        {
            thread.shutdownNow(); // a driver still watched is killed by its watch
            thread.awaitTermination(1, TimeUnit.MINUTES);
        }
    }

    private static FaultTrial check(SparkSession spark, S3Proxy s3, String bucket, PlannedKill planned, FaultJob job, KilledRun kill,
            Map<Input, LakeState> references, List<String> settings)
    {
        String lake = lake(bucket, job.name());
        List<String> problems = new ArrayList<>();
        if (!kill.killed() && kill.exitCode() != 0) {
            problems.add("the driver ended with exit " + kill.exitCode() + " before the kill:\n" + kill.output());
        }

        LakeState before = references.get(planned.input().other());
        LakeState after = references.get(planned.input());
        List<TableVerdict> verdicts = new ArrayList<>();
        for (String table : job.tables()) {
            try {
                verdicts.add(TableVerdict.of(table, LakeState.read(spark, lake, List.of(table)).rows(table), before.rows(table), after.rows(table)));
            }
            catch (Exception e) { // a table a kill left unreadable (Spark throws checked exceptions undeclared)
                problems.add("after a kill in " + kill.describeHit() + ", " + table + " cannot be read: " + e);
            }
        }
        verdicts.stream().filter(verdict -> !verdict.consistent())
                .forEach(verdict -> problems.add("after a kill in " + kill.describeHit() + ", " + verdict.describe()));

        // The killed driver's last heartbeat is at most a quarter of abandon-after older than the kill.
        sleep(TimeUnit.SECONDS.toMillis(ABANDON_AFTER_SECONDS) + 250 - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - kill.endedAtNanos()));
        CliRun rerun = CliRun.of(job.runArguments(planned.input(), lake, settings));
        List<String> rerunDiffers = List.of();
        if (rerun.exitCode() != 0) {
            problems.add("the re-run failed: " + rerun.transcript());
        }
        else {
            LakeState rerunState = LakeState.read(spark, lake, job.tables());
            rerunDiffers = rerunState.tablesDifferingFrom(after);
            rerunDiffers.forEach(table -> problems.add("after the re-run, "
                    + TableVerdict.of(table, rerunState.rows(table), before.rows(table), after.rows(table)).describe() + " (must be 'after', a clean run's rows)"));
        }
        String killedRow = killedRow(spark, lake, kill, problems);
        runningRows(spark, lake).forEach(runId -> problems.add("run " + runId + " is still RUNNING in the ledger after the re-run"));
        // S3A leaves a marker object for the folder when its last file goes
        List<String> heartbeats = s3.keys(bucket, "lake-" + job.name() + "/_runs/_heartbeats/").stream().filter(key -> !key.endsWith("/")).toList();
        List<String> remarks = new ArrayList<>();
        if (!heartbeats.isEmpty()) {
            // No rule removes the heartbeat of a run killed after recording its outcome and before deleting it: a leftover, not a wrong state.
            boolean ofTheSucceededRun = killedRow.equals("SUCCEEDED") && heartbeats.stream().allMatch(key -> key.endsWith("/" + kill.runId()));
            (ofTheSucceededRun ? remarks : problems).add("heartbeat files left after the re-run (killed run " + kill.runId() + ", " + killedRow + "): " + heartbeats);
        }
        return new FaultTrial(planned.number(), job.name(), planned.input(), kill, verdicts, rerunDiffers, rerun.exitCode() == 0, killedRow, problems, remarks);
    }

    /**
     * The killed run's ledger row after the re-run: ABANDONED, saying so in its error summary; or
     * SUCCEEDED when the kill came after its outcome was recorded; or no row at all when it came
     * before its start was.
     */
    private static String killedRow(SparkSession spark, String lake, KilledRun kill, List<String> problems)
    {
        List<Row> rows = spark.read().format("delta").load(lake + "/_runs").filter(col("run_id").equalTo(lit(kill.runId())))
                .select("status", "error_summary").collectAsList();
        if (rows.size() > 1) {
            problems.add(rows.size() + " ledger rows for the killed run " + kill.runId() + ": " + rows);
        }
        if (rows.isEmpty()) {
            if (kill.hit().filter(phase -> phase == RunPhase.LEDGER_START).isEmpty()) {
                problems.add("no ledger row for run " + kill.runId() + ", killed in " + kill.describeHit());
            }
            return "no row";
        }
        String status = rows.get(0).getString(0);
        Optional<String> summary = Optional.ofNullable(rows.get(0).getString(1));
        boolean expected = switch (status) {
            case "ABANDONED" -> summary.filter(text -> text.contains("ABANDONED")).isPresent();
            case "SUCCEEDED" -> kill.hit().filter(phase -> phase == RunPhase.FINAL_LEDGER_ROW).isPresent() || kill.exitCode() == 0;
            default -> false;
        };
        if (!expected) {
            problems.add("the killed run " + kill.runId() + " (" + kill.describeHit() + ") is " + status + " in the ledger after the re-run, error summary: "
                    + summary.orElse("none"));
        }
        return status;
    }

    private static List<String> runningRows(SparkSession spark, String lake)
    {
        return spark.read().format("delta").load(lake + "/_runs").filter(col("status").equalTo(lit("RUNNING"))).select("run_id").collectAsList()
                .stream().map(row -> row.getString(0)).toList();
    }

    private static LakeState cleanRun(SparkSession spark, FaultJob job, Input input, String bucket, List<String> settings)
    {
        String lake = lake(bucket, job.name());
        CliRun run = CliRun.of(job.runArguments(input, lake, settings));
        assertThat(run.exitCode()).as("clean run of %s with input %s: %s", job.name(), input, run.transcript()).isZero();
        return LakeState.read(spark, lake, job.tables());
    }

    /**
     * The CPU time this test used (this JVM, the killed drivers, S3Proxy), so that its cost can be
     * told from the load of whatever else the machine ran at the time.
     */
    private static String cpuTimes(List<FaultTrial> trials, double loadBefore)
    {
        long testJvm = TimeUnit.NANOSECONDS.toMillis(((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime());
        long drivers = trials.stream().mapToLong(trial -> trial.kill().cpuMillis()).sum();
        long s3proxy = ProcessHandle.current().children()
                .filter(child -> child.info().commandLine().filter(command -> command.contains("s3proxy")).isPresent())
                .mapToLong(child -> child.info().totalCpuDuration().map(Duration::toMillis).orElse(0L))
                .sum();
        return String.format(Locale.ROOT, "CPU time: this JVM %d s, the killed drivers %d s, S3Proxy %d s (load average %.1f before, %.1f after, on %d cores)",
                testJvm / 1000, drivers / 1000, s3proxy / 1000, loadBefore, ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                Runtime.getRuntime().availableProcessors());
    }

    private static String lake(String bucket, String job)
    {
        return "s3a://" + bucket + "/lake-" + job;
    }

    private static long millisSince(long nanos)
    {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos);
    }

    private static void sleep(long millis)
    {
        if (millis <= 0) {
            return;
        }
        try {
            Thread.sleep(millis);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
