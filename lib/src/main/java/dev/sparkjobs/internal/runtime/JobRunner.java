package dev.sparkjobs.internal.runtime;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.sparkjobs.api.InputSpec;
import dev.sparkjobs.api.Job;
import dev.sparkjobs.api.JobConfig;
import dev.sparkjobs.api.JobOutputs;
import dev.sparkjobs.api.RunScope;
import dev.sparkjobs.api.ScopeMode;
import dev.sparkjobs.api.TableSpec;
import dev.sparkjobs.config.ConfigLoader;
import dev.sparkjobs.config.ConfigSource;
import dev.sparkjobs.config.FrameworkKeys;
import dev.sparkjobs.errors.Errors;
import dev.sparkjobs.errors.SparkJobsException;
import dev.sparkjobs.internal.checks.CheckEvaluator;
import dev.sparkjobs.internal.checks.CheckOutcome;
import dev.sparkjobs.internal.delta.DeltaPublisher;
import dev.sparkjobs.internal.delta.StagedTable;
import dev.sparkjobs.internal.delta.TableStager;
import dev.sparkjobs.internal.ledger.RunLedger;
import dev.sparkjobs.internal.ledger.RunRecord;
import dev.sparkjobs.internal.ledger.RunStatus;
import dev.sparkjobs.internal.ledger.TableOutcome;
import dev.sparkjobs.internal.registry.JobRegistry;

/**
 * Runs one job for one logical date: load and validate config, start Spark, record the run as
 * RUNNING, build the job's outputs, stage and check every table, then (only when every
 * error-level check passed) publish each table in one Delta commit, and record the outcome.
 * A failure while publishing restores the tables already published by this run.
 */
public final class JobRunner
{
    private static final Logger LOG = LoggerFactory.getLogger(JobRunner.class);
    private static final DateTimeFormatter RUN_ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private final JobRegistry registry;
    private final ConfigSource configSource;
    private final Progress progress;
    private final Clock clock;

    public JobRunner(JobRegistry registry, ConfigSource configSource, Progress progress, Clock clock)
    {
        this.registry = requireNonNull(registry, "registry is null");
        this.configSource = requireNonNull(configSource, "configSource is null");
        this.progress = requireNonNull(progress, "progress is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** Loads and validates the configuration of a run, without starting Spark. */
    public JobConfig configure(RunRequest request)
    {
        Job job = registry.get(request.job());
        JobConfig config = new ConfigLoader(configSource, registry.jobs())
                .load(new ConfigLoader.Request(job.name(), request.env(), request.confFile(), request.settings()));
        for (InputSpec input : job.inputs()) {
            if (input.isRequired() && config.raw(input.key()).map(String::isBlank).orElse(true)) {
                throw Errors.missingInput(job.name(), input.key());
            }
        }
        return config;
    }

    public RunResult run(RunRequest request)
    {
        Job job = registry.get(request.job());
        JobConfig config = configure(request);
        Instant started = clock.instant();
        String runId = job.name() + "-" + RUN_ID_TIME.format(started) + "-" + String.format("%06x", ThreadLocalRandom.current().nextInt(1 << 24));
        RunScope scope = new RunScope(request.logicalDate(), ScopeMode.valueOf(config.get(FrameworkKeys.SCOPE).toUpperCase(java.util.Locale.ROOT)));
        String outputRoot = Locations.normalise(config.get(FrameworkKeys.OUTPUT_ROOT));

        progress.step(job.name(), "starting run " + runId + " for " + request.logicalDate() + " (scope " + scope.mode().configValue()
                + ", env " + request.env() + ", lake " + outputRoot + ")");
        SparkSession spark = SparkSessions.getOrCreate(config, "spark-jobs " + job.name() + " " + request.logicalDate());
        StepLabels steps = new StepLabels(spark.sparkContext(), job.name(), runId, progress);
        RunMetricsListener metrics = new RunMetricsListener(steps.groupPrefix());
        spark.sparkContext().addSparkListener(metrics);
        DeltaPublisher publisher = new DeltaPublisher(spark, job.name(), runId, scope);
        RunLedger ledger = new RunLedger(spark, outputRoot, publisher);
        RunRecord record = RunRecord.started(runId, job.name(), request.logicalDate(), request.env(), scope.mode().configValue(), started,
                spark.sparkContext().applicationId(), config.redacted());
        RunContext context = new RunContext(spark, job, runId, scope, config, outputRoot, steps, publisher);
        List<StagedTable> staged = new ArrayList<>();
        Set<DeltaPublisher.Pending> attempted = Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));
        Set<Integer> cachedBefore = Set.copyOf(JavaSparkContext.fromSparkContext(spark.sparkContext()).getPersistentRDDs().keySet());
        try {
            try (var step = steps.start("record run in " + ledger.path())) {
                ledger.started(record);
            }
            catch (Exception e) { // Scala code throws checked IOExceptions (S3A's AccessDeniedException) undeclared
                throw Errors.lakeNotWritable(ledger.path(), e);
            }
            JobOutputs outputs;
            try (var step = steps.start("build outputs")) {
                outputs = job.run(context);
            }
            List<CheckEvaluator.TableChecks> checked = stageAndCheck(job, outputs, outputRoot, scope, publisher, staged, steps,
                    config.get(FrameworkKeys.CHECKS_SAMPLE_ROWS), config.get(FrameworkKeys.STAGE_PARALLEL_TABLES));
            List<CheckOutcome> outcomes = checked.stream().flatMap(table -> table.outcomes().stream()).toList();
            List<TableOutcome> published = publish(staged, publisher, steps, config.get(FrameworkKeys.PUBLISH_OPTIMIZE), checked, attempted,
                    config.get(FrameworkKeys.STAGE_PARALLEL_TABLES));
            List<CheckOutcome> warnings = outcomes.stream().filter(outcome -> !outcome.passed()).toList();
            List<String> allWarnings = new ArrayList<>(outputs.warnings());
            warnings.forEach(warning -> allWarnings.add(warning.describe()));
            RunMetrics totals = awaitMetrics(spark, metrics);
            try (var step = steps.start("record outcome in " + ledger.path())) {
                ledger.finished(record.finished(RunStatus.SUCCEEDED, clock.instant(), totals, published, outputs.counters(), allWarnings, Optional.empty()));
            }
            return new RunResult(runId, job.name(), outputRoot, published, warnings, outputs.warnings(), outputs.counters(), totals, steps.timings(),
                    Duration.between(started, clock.instant()));
        }
        catch (Exception failure) { // includes checked exceptions thrown undeclared by Scala code
            RuntimeException unchecked = unchecked(failure);
            recordFailure(ledger, record, unchecked, spark, metrics);
            throw unchecked;
        }
        catch (Error error) { // a Scala assertion, a stack overflow, out of memory: the ledger still says FAILED when it can
            recordFailure(ledger, record, error, spark, metrics);
            throw error;
        }
        finally {
            staged.forEach(table -> {
                table.rows().unpersist(false);
                table.pending().filter(pending -> !attempted.contains(pending)).ifPresent(publisher::discard);
            });
            context.releasePersisted();
            releaseCachedDuring(spark, cachedBefore);
            spark.sparkContext().removeSparkListener(metrics);
        }
    }

    /**
     * Stages every table (computing it: into uncommitted Delta files or Spark's cache) and evaluates
     * its checks, one step per table, up to {@code parallelTables} tables at a time (Spark runs
     * their jobs side by side; small tables' jobs are mostly latency); fails, before anything is
     * published, when an error-level check failed on any table. Staged tables are added to
     * {@code staged} as they are made, so that the caller can release them whatever happens; this
     * returns only when no table is being staged any more, in the order the job returned them.
     */
    private static List<CheckEvaluator.TableChecks> stageAndCheck(Job job, JobOutputs outputs, String outputRoot, RunScope scope, DeltaPublisher publisher,
            List<StagedTable> staged, StepLabels steps, int sampleRows, int parallelTables)
    {
        Map<String, TableSpec> declared = new LinkedHashMap<>();
        job.outputs().forEach(spec -> declared.put(spec.name(), spec));
        List<String> undeclared = outputs.tables().keySet().stream().filter(name -> !declared.containsKey(name)).toList();
        if (!undeclared.isEmpty()) {
            throw Errors.undeclaredOutput(job.name(), undeclared, declared.keySet());
        }
        TableStager stager = new TableStager(job.name(), scope, Optional.of(publisher));
        CheckEvaluator evaluator = new CheckEvaluator(sampleRows);
        List<StagedTable> stagedSoFar = Collections.synchronizedList(new ArrayList<>());
        List<Callable<CheckEvaluator.TableChecks>> tasks = outputs.tables().entrySet().stream()
                .map(table -> (Callable<CheckEvaluator.TableChecks>) () -> {
                    try (var step = steps.start("compute and check " + table.getKey())) {
                        StagedTable stagedTable = stager.stage(declared.get(table.getKey()), Locations.child(outputRoot, table.getKey()), table.getValue());
                        stagedSoFar.add(stagedTable);
                        return evaluator.evaluate(stagedTable);
                    }
                })
                .toList();
        List<SideBySide.Outcome<CheckEvaluator.TableChecks>> outcomes = SideBySide.run(job.name() + "-stage", parallelTables, tasks);
        List<String> order = List.copyOf(outputs.tables().keySet());
        synchronized (stagedSoFar) {
            stagedSoFar.stream().sorted(Comparator.comparingInt(table -> order.indexOf(table.name()))).forEach(staged::add);
        }
        Optional<Throwable> failure = outcomes.stream().flatMap(outcome -> outcome.failure().stream()).findFirst();
        if (failure.isPresent()) {
            throw unchecked(failure.get());
        }
        if (Thread.interrupted()) { // cleared, so that the cleanup of the written files can run
            throw Errors.failure("Interrupted while computing the output tables", new InterruptedException());
        }
        List<CheckEvaluator.TableChecks> checked = outcomes.stream().flatMap(outcome -> outcome.value().stream()).toList();
        List<CheckOutcome> failures = checked.stream().flatMap(table -> table.outcomes().stream()).filter(CheckOutcome::failsRun).toList();
        if (!failures.isEmpty()) {
            throw Errors.checksFailed(job.name(), failures.stream().map(outcome -> "  - " + outcome.describe()).collect(Collectors.joining("\n")));
        }
        return checked;
    }

    /**
     * Publishes every staged table and returns their outcomes in the job's order. Tables written as
     * uncommitted files are committed up to {@code parallelTables} at a time (each commit is its own
     * Delta transaction on its own table, and mostly latency); the other write modes then publish one
     * at a time, as they hold session settings while they write; compaction, when on, comes last.
     * When anything fails, the tables this run already published are restored.
     */
    static List<TableOutcome> publish(List<StagedTable> staged, DeltaPublisher publisher, StepLabels steps, boolean optimize,
            List<CheckEvaluator.TableChecks> checked, Set<DeltaPublisher.Pending> attempted, int parallelTables)
    {
        Map<String, Long> rowCounts = new LinkedHashMap<>();
        checked.forEach(table -> rowCounts.put(table.table(), table.rows()));
        Map<String, TableOutcome> published = new ConcurrentHashMap<>();
        Map<String, Optional<Long>> before = new ConcurrentHashMap<>();
        List<StagedTable> written = staged.stream().filter(table -> table.pending().isPresent()).toList();
        List<SideBySide.Outcome<TableOutcome>> commits = SideBySide.run("publish", parallelTables, written.stream()
                .map(table -> (Callable<TableOutcome>) () -> publishOne(table, publisher, steps, rowCounts, before, attempted))
                .toList());
        for (int i = 0; i < written.size(); i++) {
            commits.get(i).value().ifPresent(outcome -> published.put(outcome.table(), outcome));
        }
        for (int i = 0; i < written.size(); i++) {
            if (commits.get(i).failure().isPresent()) {
                throw restoreAndFail(publisher, written.get(i), commits.get(i).failure().get(), published, staged, before);
            }
        }
        if (Thread.interrupted()) { // cleared, so that the restore's Spark jobs and file operations can run
            throw Errors.failure("The run was interrupted while committing its tables. " + restore(publisher, inOrder(published, staged), staged, before),
                    new InterruptedException());
        }
        for (StagedTable table : staged) {
            if (table.pending().isEmpty()) {
                try {
                    published.put(table.name(), publishOne(table, publisher, steps, rowCounts, before, attempted));
                }
                catch (Exception | Error failure) { // restores, then an Error goes on up as it is
                    throw restoreAndFail(publisher, table, failure, published, staged, before);
                }
            }
        }
        if (optimize) {
            for (StagedTable table : staged) {
                try (var step = steps.start("optimize " + table.name())) {
                    publisher.optimize(table);
                    TableOutcome outcome = published.get(table.name());
                    published.put(table.name(), new TableOutcome(table.name(), outcome.rowsWritten(), publisher.currentVersion(table.path()).orElse(outcome.version())));
                }
                catch (Exception | Error failure) { // restores, then an Error goes on up as it is
                    throw restoreAndFail(publisher, table, failure, published, staged, before);
                }
            }
        }
        return inOrder(published, staged); // every table, now
    }

    private static TableOutcome publishOne(StagedTable table, DeltaPublisher publisher, StepLabels steps, Map<String, Long> rowCounts,
            Map<String, Optional<Long>> before, Set<DeltaPublisher.Pending> attempted)
    {
        try (var step = steps.start("publish " + table.name())) {
            if (table.pending().isPresent()) {
                before.put(table.path(), Optional.of(table.pending().get().readVersion()));
                attempted.add(table.pending().get()); // never discard files a commit may have made part of the table
            }
            else {
                publisher.createIfMissing(table.spec(), table.path());
                before.put(table.path(), publisher.currentVersion(table.path()));
            }
            return new TableOutcome(table.name(), rowCounts.getOrDefault(table.name(), 0L), publisher.publish(table));
        }
    }

    private static RuntimeException restoreAndFail(DeltaPublisher publisher, StagedTable failed, Throwable failure, Map<String, TableOutcome> published,
            List<StagedTable> staged, Map<String, Optional<Long>> before)
    {
        RuntimeException publishFailed = Errors.publishFailed(failed.name(), failed.path(), restore(publisher, inOrder(published, staged), staged, before),
                failure);
        if (failure instanceof Error error) {
            error.addSuppressed(publishFailed); // the tables are restored; the error itself goes on up
            throw error;
        }
        return publishFailed;
    }

    /** The outcomes of the tables published so far, in the job's order of its tables. */
    private static List<TableOutcome> inOrder(Map<String, TableOutcome> published, List<StagedTable> staged)
    {
        return staged.stream().map(table -> published.get(table.name())).filter(Objects::nonNull).toList();
    }

    /** A task's failure as thrown to the caller: errors as they are, checked exceptions (thrown undeclared by Scala code) wrapped. */
    private static RuntimeException unchecked(Throwable failure)
    {
        if (failure instanceof Error error) {
            throw error;
        }
        return failure instanceof RuntimeException runtime ? runtime : Errors.failure("The run failed: " + Errors.rootMessage(failure), failure);
    }

    /** Puts back the tables this run already published; returns what was done, for the error message. */
    private static String restore(DeltaPublisher publisher, List<TableOutcome> published, List<StagedTable> staged, Map<String, Optional<Long>> before)
    {
        List<String> restored = new ArrayList<>();
        List<String> notRestored = new ArrayList<>();
        for (TableOutcome outcome : published) {
            StagedTable table = staged.stream().filter(candidate -> candidate.name().equals(outcome.table())).findFirst().orElseThrow();
            Optional<Long> previous = before.get(table.path());
            try {
                if (previous.isPresent()) {
                    publisher.restore(table.path(), previous.get());
                    restored.add(outcome.table() + " to version " + previous.get());
                }
            }
            catch (Exception e) {
                LOG.error("Could not restore {} to version {}", table.path(), previous.orElse(-1L), e);
                notRestored.add(outcome.table() + " (restore it with RESTORE TABLE delta.`" + table.path() + "` TO VERSION AS OF " + previous.orElse(0L) + ")");
            }
        }
        if (restored.isEmpty() && notRestored.isEmpty()) {
            return "No table was changed.";
        }
        return (restored.isEmpty() ? "" : "Restored " + String.join(", ", restored) + ".")
                + (notRestored.isEmpty() ? "" : " Could not restore " + String.join(", ", notRestored) + ".");
    }

    private void recordFailure(RunLedger ledger, RunRecord record, Throwable failure, SparkSession spark, RunMetricsListener metrics)
    {
        String summary = failure instanceof SparkJobsException ? failure.getMessage().lines().findFirst().orElse("") : Errors.rootMessage(failure);
        try {
            ledger.finished(record.finished(RunStatus.FAILED, clock.instant(), awaitMetrics(spark, metrics), List.of(), Map.of(), List.of(), Optional.of(summary)));
        }
        catch (Exception | Error ledgerFailure) { // the run's own failure is what the caller gets
            LOG.warn("Could not record the failure of run {} in the ledger: {}", record.runId(), Errors.rootMessage(ledgerFailure));
            failure.addSuppressed(ledgerFailure);
        }
    }

    /** Jobs may cache intermediates; what the run cached is released with it, what was cached before is left alone. */
    private static void releaseCachedDuring(SparkSession spark, Set<Integer> cachedBefore)
    {
        JavaSparkContext.fromSparkContext(spark.sparkContext()).getPersistentRDDs().forEach((id, rdd) -> {
            if (!cachedBefore.contains(id)) {
                rdd.unpersist(false);
            }
        });
    }

    /** Task-end events arrive asynchronously: wait (briefly) for the listener bus to drain. */
    private static RunMetrics awaitMetrics(SparkSession spark, RunMetricsListener metrics)
    {
        try {
            spark.sparkContext().listenerBus().waitUntilEmpty(10_000);
        }
        catch (RuntimeException | TimeoutException e) {
            LOG.debug("Listener bus did not drain", e);
        }
        return metrics.snapshot();
    }
}
