package dev.sparkjobs.app;

import static java.util.Objects.requireNonNull;
import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.map_entries;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.sparkjobs.api.TableSpec;
import dev.sparkjobs.app.SparkJobsLauncher.Launch;
import dev.sparkjobs.app.SparkJobsLauncher.Result;
import dev.sparkjobs.app.StandaloneCluster.Executor;
import dev.sparkjobs.internal.registry.JobRegistry;
import dev.sparkjobs.testing.CliRun;
import dev.sparkjobs.testing.S3Proxy;
import dev.sparkjobs.testing.SharedS3;
import dev.sparkjobs.testing.SharedSpark;

/**
 * The packaged jobs on a real multi-process Spark cluster: a standalone master and two workers
 * (one single-core executor each, every one its own JVM), inputs and lake on a real S3 API server
 * (S3Proxy). Each job runs through bin/spark-jobs twice on the same inputs, on the cluster and on
 * local[2], and every table it declares must hold the same rows in both lakes. One run loses an
 * executor (SIGKILL) in the middle of a stage, and must still succeed with the same tables.
 *
 * <p>Client deploy mode, the only mode bin/spark-jobs has: the driver is the bin/spark-jobs JVM,
 * so its exit code is the CLI's (0, 1, 2, 3, 4), the contract Airflow acts on. In standalone
 * cluster mode the driver would run on a worker and spark-submit would only learn whether it
 * FINISHED or FAILED: a failed check (3) and a lost race with another run (4) would look alike.
 *
 * <p>The local[2] runs go through bin/spark-jobs too, not through the CLI in this JVM, so that both
 * runs of a job start the same way (their wall times, printed side by side, compare) and run the
 * same code: similarity-scoring picks its dot-product kernel per JVM, the Vector API one (fused
 * multiply-adds) with C2 and the module, else plain Java, and the two round differently in the
 * last bits of every cosine. Every JVM of both runs, drivers and executors, stops at the C1
 * compiler (as the test JVMs do): on tiny inputs and two shared cores C2's compiles in three JVMs
 * per cluster run cost more than they save, about half of the cluster runs' wall time.
 */
@ExtendWith({SharedSpark.class, SharedS3.class})
class ClusterIT
{
    /** Sample sizes for short runs: CUR line items, inspection images, listings. */
    private static final Map<String, Integer> SCALES = Map.of("cost-analysis", 1000, "defect-image-stats", 60, "similarity-scoring", 500);
    /** Columns that differ between any two runs of a job by design: they name the run. */
    private static final Map<String, Set<String>> RUN_COLUMNS = Map.of("ann_quality", Set.of("run_id"));
    /** similarity-scoring's longest stages, where the executor is killed: the neighbour search of every listing. */
    private static final String STEP_TO_KILL_IN = "search top-";
    private static final Pattern STEP = Pattern.compile("(?m)^\\[\\d\\d:\\d\\d:\\d\\d] [a-z-]+ \\| (.+)$");
    private static final Pattern RUNNING_TASK = Pattern.compile("Running (task \\S+ in stage \\S+) \\(TID (\\d+)\\)");
    private static final Pattern ENDED_TASK = Pattern.compile("(?:Finished|Exception in|killed) task .*?\\(TID (\\d+)\\)");
    private static final int ROWS_SHOWN = 5;

    @TempDir
    static Path work;

    private static StandaloneCluster cluster;
    private static S3Proxy s3;
    private static String bucket;
    private static final Map<String, Sample> SAMPLES = new HashMap<>();

    /** A job's sample inputs on S3: the --date and --set options that sample-data printed, pointed at the bucket. */
    private record Sample(String date, List<String> settings)
    {
        Sample
        {
            requireNonNull(date, "date is null");
            settings = List.copyOf(requireNonNull(settings, "settings is null"));
        }
    }

    /** A run of bin/spark-jobs, with its wall time. */
    private record TimedRun(Result result, Duration wallTime)
    {
        TimedRun
        {
            requireNonNull(result, "result is null");
            requireNonNull(wallTime, "wallTime is null");
        }
    }

    /** An executor killed during a run: where the run was, and whether its driver was running before and after. */
    private record Kill(Executor executor, String step, String task, boolean driverRunningBefore, boolean driverRunningAfter)
    {
        Kill
        {
            requireNonNull(executor, "executor is null");
            requireNonNull(step, "step is null");
            requireNonNull(task, "task is null");
        }
    }

    @BeforeAll
    static void startTheClusterAndUploadSampleInputs(SparkSession spark, S3Proxy proxy)
            throws Exception
    {
        s3 = proxy;
        bucket = s3.createBucket("cluster");
        s3.hadoopSettings().forEach(spark.sparkContext().hadoopConfiguration()::set);
        Instant started = Instant.now();
        cluster = StandaloneCluster.start(work.resolve("cluster"));
        Instant clusterUp = Instant.now();
        for (Map.Entry<String, Integer> job : SCALES.entrySet()) {
            SAMPLES.put(job.getKey(), uploadSample(job.getKey(), job.getValue()));
        }
        System.out.printf(Locale.ROOT, "standalone cluster up in %.1f s; sample inputs made and uploaded in %.1f s%n",
                Duration.between(started, clusterUp).toMillis() / 1000.0, Duration.between(clusterUp, Instant.now()).toMillis() / 1000.0);
    }

    @AfterAll
    static void stopTheCluster()
    {
        if (cluster != null) {
            cluster.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"cost-analysis", "defect-image-stats"})
    void aJobWritesTheSameTablesOnAClusterAsOnLocal(String job, SparkSession spark)
            throws Exception
    {
        Instant started = Instant.now();
        TimedRun onCluster = awaitTimed(clusterLauncher().start(runArguments(job, clusterLake())), started);
        assertRunUsedTheCluster(spark, job, onCluster.result());
        TimedRun local = runLocally(job);
        printWallTimes(job, onCluster, local);
        assertSameTables(spark, job);
    }

    @Test
    void similarityScoringSurvivesAnExecutorKilledMidStageAndWritesTheSameTablesAsOnLocal(SparkSession spark)
            throws Exception
    {
        String job = "similarity-scoring";
        Path eventLogs = Files.createDirectories(work.resolve("event-logs"));
        Instant started = Instant.now();
        Launch launch = clusterLauncher().start(runArguments(job, clusterLake(), "spark.eventLog.enabled=true", "spark.eventLog.dir=" + eventLogs.toUri()));
        Kill kill = killAnExecutorRunningATask(launch, STEP_TO_KILL_IN);
        TimedRun onCluster = awaitTimed(launch, started);
        System.out.printf(Locale.ROOT, "%s on the cluster: killed executor %s of %s (pid %d) in step '%s', its log showing %s running%n", job,
                kill.executor().executorId(), kill.executor().applicationId(), kill.executor().process().pid(), kill.step(), kill.task());
        onCluster.result().err().lines().filter(line -> line.contains("Lost executor")).forEach(line -> System.out.println("  driver: " + line));
        SparkEventLog events = SparkEventLog.read(eventLogs, kill.executor().applicationId());
        events.failedTasks().forEach(task -> System.out.println("  failed task: " + task));
        events.retriedStages().forEach(stage -> System.out.println("  stage run again: " + stage));

        assertThat(kill.driverRunningBefore() && kill.driverRunningAfter()).as("the driver was running when executor %s was killed", kill.executor().executorId()).isTrue();
        assertThat(onCluster.result().exitCode()).as("the run that lost an executor: %s", onCluster.result().transcript()).isZero();
        assertThat(onCluster.result().err()).as("the driver noticed the lost executor: %s", onCluster.result().transcript())
                .contains("Lost executor " + kill.executor().executorId());
        String application = assertRunUsedTheCluster(spark, job, onCluster.result());
        assertThat(application).as("application of the run").isEqualTo(kill.executor().applicationId());
        assertThat(cluster.executorFolders(application)).as("executors of %s: the two it started with and the one a worker started in place of the killed one\n%s",
                application, cluster.logs()).hasSizeGreaterThanOrEqualTo(3);
        assertThat(events.failedTasks().size() + events.retriedStages().size())
                .as("tasks lost with executor %s and stages run again to recompute its shuffle output, in the event log of %s", kill.executor().executorId(), application)
                .isPositive();
        TimedRun local = runLocally(job);
        printWallTimes(job, onCluster, local);
        assertSameTables(spark, job);
    }

    private static Sample uploadSample(String job, int scale)
            throws IOException
    {
        Path folder = work.resolve("samples").resolve(job);
        CliRun sample = CliRun.of("sample-data", job, "--out", folder.toString(), "--scale", String.valueOf(scale));
        assertThat(sample.exitCode()).as(sample.transcript()).isZero();
        // Hadoop's local file system writes a .crc file next to every file; an export on S3 has none
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path file : files.filter(file -> file.getFileName().toString().endsWith(".crc")).toList()) {
                Files.delete(file);
            }
        }
        String prefix = "inputs/" + job;
        s3.upload(folder, bucket, prefix);
        Matcher command = Pattern.compile("bin/spark-jobs run " + Pattern.quote(job) + " --date (\\S+)((?: --set \\S+)*)").matcher(sample.out());
        assertThat(command.find()).as("the run command sample-data printed: %s", sample.transcript()).isTrue();
        String local = folder.toUri().toString().replaceFirst("^file:///", "file:/").replaceAll("/$", "");
        List<String> settings = new ArrayList<>();
        for (String setting : command.group(2).trim().split(" --set ")) {
            String value = setting.replaceFirst("^--set ", "");
            settings.add(value.replace(local, "s3a://" + bucket + "/" + prefix));
        }
        assertThat(settings).as("settings of the %s sample: inputs on S3, none left on the local disk (%s)", job, local).noneMatch(setting -> setting.contains("file:"));
        return new Sample(command.group(1), settings);
    }

    private static String clusterLake()
    {
        return "s3a://" + bucket + "/cluster-lake";
    }

    private static String localLake()
    {
        return "s3a://" + bucket + "/local-lake";
    }

    private static SparkJobsLauncher clusterLauncher()
    {
        return new SparkJobsLauncher(work, Map.of("SPARK_JOBS_MASTER", cluster.masterUrl(), "SPARK_JOBS_DRIVER_MEMORY", "1g", "SPARK_JOBS_JIT", "quick"));
    }

    private static SparkJobsLauncher localLauncher()
    {
        return new SparkJobsLauncher(work, Map.of("SPARK_JOBS_DRIVER_MEMORY", "1g", "SPARK_JOBS_JIT", "quick"));
    }

    private static String[] runArguments(String job, String lake, String... extraSettings)
    {
        Sample sample = SAMPLES.get(job);
        List<String> arguments = new ArrayList<>(List.of("run", job, "--date", sample.date()));
        List<String> settings = new ArrayList<>(sample.settings());
        settings.addAll(List.of(extraSettings));
        settings.add("output.root=" + lake);
        // Tiny inputs: one shuffle partition per executor core, on both masters. Doubles are compared
        // exactly, which holds while a reducer adds up the partial sums of two map tasks (a + b ==
        // b + a); with more map tasks a sum can change in its last bits with the order in which the
        // shuffle blocks arrive, which is random for remote ones.
        settings.add("spark.sql.shuffle.partitions=2");
        // the executors' counterpart of SPARK_JOBS_JIT=quick (no effect on local[2], whose executor is the driver)
        settings.add("spark.executor.extraJavaOptions=-XX:TieredStopAtLevel=1");
        settings.addAll(s3.settings());
        settings.forEach(setting -> arguments.addAll(List.of("--set", setting)));
        return arguments.toArray(String[]::new);
    }

    private static TimedRun runLocally(String job)
            throws IOException, InterruptedException
    {
        Instant started = Instant.now();
        TimedRun local = awaitTimed(localLauncher().start(runArguments(job, localLake())), started);
        assertThat(local.result().exitCode()).as("%s on local[2]: %s", job, local.result().transcript()).isZero();
        return local;
    }

    private static TimedRun awaitTimed(Launch launch, Instant started)
            throws IOException, InterruptedException
    {
        Result result = launch.await();
        return new TimedRun(result, Duration.between(started, Instant.now()));
    }

    private static void printWallTimes(String job, TimedRun onCluster, TimedRun local)
    {
        System.out.printf(Locale.ROOT, "%s wall time: standalone cluster (2 workers x 1 core) %.1f s, local[2] %.1f s (bin/spark-jobs each, C1 only; the runs' own durations: %s, %s)%n",
                job, onCluster.wallTime().toMillis() / 1000.0, local.wallTime().toMillis() / 1000.0,
                runDuration(onCluster.result()), runDuration(local.result()));
        System.out.println("  cluster " + stepTimes(onCluster.result()));
        System.out.println("  local[2] " + stepTimes(local.result()));
    }

    private static String stepTimes(Result result)
    {
        return result.out().lines().map(String::strip).filter(line -> line.startsWith("steps: ")).findFirst().orElse("steps: ?");
    }

    private static String runDuration(Result result)
    {
        Matcher matcher = Pattern.compile("succeeded in (\\S+ s)").matcher(result.out());
        return matcher.find() ? matcher.group(1) : "?";
    }

    /**
     * The run succeeded on the cluster: its ledger row names a standalone application, and both
     * workers ran executors of that application, which had the Vector API module. Returns the
     * application id.
     */
    private static String assertRunUsedTheCluster(SparkSession spark, String job, Result result)
    {
        assertThat(result.exitCode()).as("%s on the cluster: %s", job, result.transcript()).isZero();
        List<Row> ledger = spark.read().format("delta").load(clusterLake() + "/_runs")
                .where(col("job").equalTo(job).and(col("status").equalTo("SUCCEEDED"))).select("spark_application_id").collectAsList();
        assertThat(ledger).as("succeeded runs of %s in the cluster lake's ledger", job).hasSize(1);
        String application = ledger.get(0).getString(0);
        assertThat(application).as("Spark application of %s's cluster run (standalone ids start with app-)", job).startsWith("app-");
        List<Path> executors = cluster.executorFolders(application);
        Set<Path> workers = new TreeSet<>();
        for (Path executor : executors) {
            String stderr = read(executor.resolve("stderr"));
            assertThat(stderr).as("log of executor %s of %s", executor, job)
                    .startsWith("Spark Executor Command:")
                    .contains("--add-modules=jdk.incubator.vector");
            if (stderr.contains("Running task")) {
                workers.add(executor.getParent().getParent());
            }
        }
        assertThat(workers).as("workers whose executors ran tasks of %s (%s)\n%s", job, executors, cluster.logs()).hasSize(2);
        return application;
    }

    /**
     * Waits until the run has started the step {@code step} and an executor runs a task, then kills
     * that executor with SIGKILL. The run's first Delta commit, its RUNNING row in the ledger, is
     * behind it then: the driver starts its first step only once the ledger step has ended.
     */
    private static Kill killAnExecutorRunningATask(Launch launch, String step)
            throws Exception
    {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(5));
        while (launch.process().isAlive() && Instant.now().isBefore(deadline)) {
            List<String> steps = steps(launch.outSoFar());
            if (steps.stream().anyMatch(started -> started.startsWith(step))) {
                for (Executor executor : cluster.executors()) {
                    Optional<String> task = runningTask(executor.stderr());
                    if (task.isPresent()) {
                        String current = steps.get(steps.size() - 1);
                        boolean runningBefore = launch.process().isAlive();
                        executor.process().destroyForcibly();
                        executor.process().onExit().get(30, TimeUnit.SECONDS);
                        return new Kill(executor, current, task.get(), runningBefore, launch.process().isAlive());
                    }
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("No executor was running a task during or after the step '" + step + "' of the run: steps printed "
                + steps(launch.outSoFar()) + ", the run " + (launch.process().isAlive() ? "still runs" : "exited with " + launch.process().exitValue()) + "\n"
                + read(launch.err()) + cluster.logs());
    }

    private static List<String> steps(String out)
    {
        return STEP.matcher(out).results().map(match -> match.group(1)).toList();
    }

    /** A task the executor's log shows started and not ended, if any. */
    private static Optional<String> runningTask(String stderr)
    {
        Set<String> ended = new TreeSet<>();
        ENDED_TASK.matcher(stderr).results().forEach(match -> ended.add(match.group(1)));
        return RUNNING_TASK.matcher(stderr).results()
                .filter(match -> !ended.contains(match.group(2)))
                .map(match -> match.group(1) + " (TID " + match.group(2) + ")")
                .reduce((first, second) -> second);
    }

    private static void assertSameTables(SparkSession spark, String job)
    {
        List<String> tables = JobRegistry.load().get(job).outputs().stream().map(TableSpec::name).toList();
        assertThat(tables).as("tables %s declares", job).isNotEmpty();
        long rows = 0;
        for (String table : tables) {
            Set<String> excluded = RUN_COLUMNS.getOrDefault(table, Set.of());
            Dataset<Row> onCluster = spark.read().format("delta").load(clusterLake() + "/" + table);
            Dataset<Row> local = spark.read().format("delta").load(localLake() + "/" + table);
            assertThat(onCluster.schema()).as("schema of %s's table %s on the cluster and on local[2]", job, table).isEqualTo(local.schema());
            List<String> clusterRows = canonicalRows(onCluster, excluded);
            List<String> localRows = canonicalRows(local, excluded);
            List<String> onlyOnCluster = minus(clusterRows, localRows);
            List<String> onlyLocal = minus(localRows, clusterRows);
            assertThat(onlyOnCluster.size() + onlyLocal.size())
                    .as("%s table %s (columns %s left out): %d rows on the cluster, %d on local[2]; %d only on the cluster, e.g. %s; %d only on local[2], e.g. %s",
                            job, table, excluded, clusterRows.size(), localRows.size(), onlyOnCluster.size(), first(onlyOnCluster), onlyLocal.size(), first(onlyLocal))
                    .isZero();
            assertThat(clusterRows).as("rows of %s's table %s", job, table).hasSameSizeAs(localRows);
            rows += clusterRows.size();
        }
        assertThat(rows).as("rows of all tables of %s compared", job).isPositive();
    }

    /** Each row as JSON, map columns as entry arrays sorted by key, so that equal rows give equal text. */
    private static List<String> canonicalRows(Dataset<Row> rows, Set<String> excluded)
    {
        List<Column> columns = new ArrayList<>();
        for (StructField field : rows.schema().fields()) {
            if (excluded.contains(field.name())) {
                continue;
            }
            Column column = col(field.name());
            columns.add((field.dataType() instanceof MapType ? array_sort(map_entries(column)) : column).as(field.name()));
        }
        List<String> json = new ArrayList<>(rows.select(to_json(struct(columns.toArray(Column[]::new)))).as(Encoders.STRING()).collectAsList());
        Collections.sort(json);
        return json;
    }

    /** The rows of {@code left} that {@code right} lacks, counting duplicates (both sorted). */
    private static List<String> minus(List<String> left, List<String> right)
    {
        List<String> missing = new ArrayList<>();
        int next = 0;
        for (String row : left) {
            while (next < right.size() && right.get(next).compareTo(row) < 0) {
                next++;
            }
            if (next < right.size() && right.get(next).equals(row)) {
                next++;
            }
            else {
                missing.add(row);
            }
        }
        return missing;
    }

    private static List<String> first(List<String> rows)
    {
        return rows.subList(0, Math.min(ROWS_SHOWN, rows.size()));
    }

    private static String read(Path file)
    {
        try {
            return Files.isRegularFile(file) ? new String(Files.readAllBytes(file), StandardCharsets.UTF_8) : "";
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
