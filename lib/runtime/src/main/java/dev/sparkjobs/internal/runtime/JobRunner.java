package dev.sparkjobs.internal.runtime;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;

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
import dev.sparkjobs.api.RecomputedPartition;
import dev.sparkjobs.api.RunScope;
import dev.sparkjobs.api.ScopeMode;
import dev.sparkjobs.config.ConfigLoader;
import dev.sparkjobs.config.ConfigSource;
import dev.sparkjobs.config.FrameworkKeys;
import dev.sparkjobs.errors.Errors;
import dev.sparkjobs.errors.SparkJobsException;
import dev.sparkjobs.internal.checks.CheckEvaluator;
import dev.sparkjobs.internal.checks.CheckOutcome;
import dev.sparkjobs.internal.ledger.RunHeartbeat;
import dev.sparkjobs.internal.ledger.RunLedger;
import dev.sparkjobs.internal.ledger.RunRecord;
import dev.sparkjobs.internal.ledger.RunStatus;
import dev.sparkjobs.internal.ledger.TableOutcome;
import dev.sparkjobs.internal.publish.OutputSchema;
import dev.sparkjobs.internal.publish.RivalRuns;
import dev.sparkjobs.internal.publish.RunIdentity;
import dev.sparkjobs.internal.publish.TableWriter;
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

    /**
     * Records the run as started, builds the job's outputs, stages and checks every table, commits
     * every table or restores those already committed, and records the outcome.
     */
    public RunResult run(RunRequest request)
    {
        Job job = registry.get(request.job());
        JobConfig config = configure(request);
        Instant started = clock.instant();
        String runId = job.name() + "-" + RUN_ID_TIME.format(started) + "-" + String.format("%06x", ThreadLocalRandom.current().nextInt(1 << 24));
        RunScope scope = new RunScope(request.logicalDate(), config.get(FrameworkKeys.SCOPE));
        String outputRoot = Locations.normalise(config.get(FrameworkKeys.OUTPUT_ROOT));
        Locations.requireFileSystem(FrameworkKeys.OUTPUT_ROOT.name(), config.get(FrameworkKeys.OUTPUT_ROOT), config);

        progress.step(job.name(), "starting run " + runId + " for " + request.logicalDate() + " (scope " + scope.mode().configValue()
                + ", env " + request.env() + ", lake " + outputRoot + ")");
        SparkSession spark = SparkSessions.getOrCreate(config, "spark-jobs " + job.name() + " " + request.logicalDate());
        StepLabels steps = new StepLabels(spark.sparkContext(), job.name(), runId, progress);
        RunMetricsListener metrics = new RunMetricsListener(steps.groupPrefix());
        spark.sparkContext().addSparkListener(metrics);
        RunLedger ledger = new RunLedger(spark, outputRoot);
        RunRecord record = RunRecord.started(runId, job.name(), request.logicalDate(), request.env(), scope.mode().configValue(), started,
                spark.sparkContext().applicationId(), config.redacted());
        RunContext context = new RunContext(spark, job, runId, scope, config, outputRoot, steps);
        Set<Integer> cachedBefore = Set.copyOf(JavaSparkContext.fromSparkContext(spark.sparkContext()).getPersistentRDDs().keySet());
        Duration abandonAfter = Duration.ofSeconds(config.get(FrameworkKeys.LEDGER_ABANDON_AFTER_SECONDS));
        RunHeartbeat heartbeat = null;
        try {
            try (var step = steps.start("record run in " + ledger.path())) {
                ledger.started(record);
                heartbeat = RunHeartbeat.start(spark.sparkContext().hadoopConfiguration(), ledger.path(), runId, RunHeartbeat.interval(abandonAfter), clock);
            }
            catch (Exception e) { // Scala code throws checked IOExceptions (S3A's AccessDeniedException) undeclared
                throw Errors.lakeNotWritable(ledger.path(), e);
            }
            List<String> resolved = markAbandoned(ledger, job.name(), runId, abandonAfter);
            JobOutputs outputs;
            try (var step = steps.start("build outputs")) {
                outputs = job.run(context);
            }
            List<String> warnings = new ArrayList<>(resolved);
            warnings.addAll(outputs.warnings());
            int stageParallelism = FrameworkKeys.parallelism(config, FrameworkKeys.STAGE_PARALLELISM, warnings);
            int publishParallelism = FrameworkKeys.parallelism(config, FrameworkKeys.PUBLISH_PARALLELISM, warnings);
            List<TableOutcome> published;
            List<CheckOutcome> failedChecks;
            try (Publication publication = publication(spark, job, outputs, outputRoot, new RunIdentity(job.name(), runId, scope, outputs.recomputed().stream().map(RecomputedPartition::value).toList()),
                    ledger.rivalsOf(record), steps, stageParallelism, publishParallelism)) {
                List<CheckOutcome> checks = publication.stageAndCheck(new CheckEvaluator(config.get(FrameworkKeys.CHECKS_SAMPLE_ROWS)));
                failedChecks = checks.stream().filter(outcome -> !outcome.passed()).toList();
                failedChecks.forEach(outcome -> warnings.add(outcome.describe()));
                published = publication.commitAll(config.get(FrameworkKeys.PUBLISH_OPTIMIZE), warnings);
            }
            RunMetrics totals = awaitMetrics(spark, metrics);
            try (var step = steps.start("record outcome in " + ledger.path())) {
                ledger.finished(record.succeeded(clock.instant(), totals, published, outputs.counters(), warnings, outputs.recomputed()));
            }
            return new RunResult(runId, job.name(), outputRoot, published, failedChecks, outputs.warnings(), outputs.counters(), outputs.recomputed(), totals,
                    steps.timings(), Duration.between(started, clock.instant()));
        }
        catch (Exception failure) { // includes checked exceptions thrown undeclared by Scala code
            RuntimeException unchecked = Publication.unchecked(failure);
            recordFailure(ledger, record, unchecked, spark, metrics);
            throw unchecked;
        }
        catch (Error error) { // a Scala assertion, a stack overflow, out of memory: the ledger still says FAILED when it can
            recordFailure(ledger, record, error, spark, metrics);
            throw error;
        }
        finally {
            if (heartbeat != null) {
                heartbeat.close();
            }
            context.releasePersisted();
            releaseCachedDuring(spark, cachedBefore);
            spark.sparkContext().removeSparkListener(metrics);
        }
    }

    /**
     * Computes a job's outputs for a request as a run would, without the ledger, checks or publishing:
     * for tests of a job's rules, and for looking at what a run would write.
     */
    public Preview preview(RunRequest request)
    {
        Job job = registry.get(request.job());
        JobConfig config = configure(request);
        RunScope scope = new RunScope(request.logicalDate(), config.get(FrameworkKeys.SCOPE));
        String outputRoot = Locations.normalise(config.get(FrameworkKeys.OUTPUT_ROOT));
        SparkSession spark = SparkSessions.getOrCreate(config, "spark-jobs preview " + job.name() + " " + request.logicalDate());
        String runId = job.name() + "-preview-" + RUN_ID_TIME.format(clock.instant());
        RunContext context = new RunContext(spark, job, runId, scope, config, outputRoot, new StepLabels(spark.sparkContext(), job.name(), runId, progress));
        try {
            JobOutputs outputs = job.run(context);
            Map<String, Dataset<Row>> aligned = new LinkedHashMap<>();
            Publication.declaredOutputs(job, outputs.tables())
                    .forEach((name, spec) -> aligned.put(name, OutputSchema.align(job.name(), spec, outputs.tables().get(name))));
            return new Preview(aligned, outputs, context::releasePersisted);
        }
        catch (RuntimeException | Error e) {
            context.releasePersisted();
            throw e;
        }
    }

    /** The run's output tables, each with the writer of its write mode, in the job's order. */
    private static Publication publication(SparkSession spark, Job job, JobOutputs outputs, String outputRoot, RunIdentity run, RivalRuns rivals,
            StepLabels steps, int stageParallelism, int publishParallelism)
    {
        List<Publication.Output> tables = new ArrayList<>();
        Publication.declaredOutputs(job, outputs.tables()).forEach((name, spec) -> tables.add(new Publication.Output(
                TableWriter.of(spark, spec, Locations.child(outputRoot, name), run, rivals), outputs.tables().get(name))));
        return new Publication(job.name(), run.scope().logicalDate().toString(), tables, steps, stageParallelism, publishParallelism);
    }

    private void recordFailure(RunLedger ledger, RunRecord record, Throwable failure, SparkSession spark, RunMetricsListener metrics)
    {
        String summary = failure instanceof SparkJobsException ? failure.getMessage().lines().findFirst().orElse("") : Errors.rootMessage(failure);
        try {
            ledger.finished(record.failed(clock.instant(), awaitMetrics(spark, metrics), summary));
        }
        catch (Exception | Error ledgerFailure) { // the run's own failure is what the caller gets
            LOG.warn("Could not record the failure of run {} in the ledger: {}", record.runId(), Errors.rootMessage(ledgerFailure));
            failure.addSuppressed(ledgerFailure);
        }
    }

    /** Housekeeping for operators: a failure to resolve other runs' rows is a warning of this run, never its failure. */
    private List<String> markAbandoned(RunLedger ledger, String job, String runId, Duration abandonAfter)
    {
        List<String> notes = new ArrayList<>();
        try {
            for (RunLedger.Abandoned lost : ledger.markAbandoned(job, runId, clock.instant(), abandonAfter)) {
                progress.step(job, lost.describe());
                notes.add(lost.describe());
            }
        }
        catch (Exception e) { // Scala code throws checked exceptions undeclared
            LOG.warn("Could not resolve the RUNNING rows of lost runs of {} in {}: {}", job, ledger.path(), Errors.rootMessage(e), e);
            notes.add("could not check " + ledger.path() + " for RUNNING rows of lost runs: " + Errors.rootMessage(e));
        }
        return notes;
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
