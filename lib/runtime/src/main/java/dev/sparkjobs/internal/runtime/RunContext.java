package dev.sparkjobs.internal.runtime;

import static java.util.Objects.requireNonNull;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import dev.sparkjobs.api.InputFile;
import dev.sparkjobs.api.InputFormat;
import dev.sparkjobs.api.InputSpec;
import dev.sparkjobs.api.Job;
import dev.sparkjobs.api.JobConfig;
import dev.sparkjobs.api.JobContext;
import dev.sparkjobs.api.RecomputedPartition;
import dev.sparkjobs.api.RunScope;
import dev.sparkjobs.errors.Errors;
import dev.sparkjobs.internal.ledger.RunLedger;
import dev.sparkjobs.internal.publish.DeltaTables;

/** The {@link JobContext} of one run. */
final class RunContext
        implements JobContext
{
    private final SparkSession spark;
    private final Job job;
    private final String runId;
    private final RunScope scope;
    private final JobConfig config;
    private final String outputRoot;
    private final StepLabels steps;
    private final List<Dataset<Row>> persisted = new java.util.ArrayList<>();

    RunContext(SparkSession spark, Job job, String runId, RunScope scope, JobConfig config, String outputRoot, StepLabels steps)
    {
        this.spark = requireNonNull(spark, "spark is null");
        this.job = requireNonNull(job, "job is null");
        this.runId = requireNonNull(runId, "runId is null");
        this.scope = requireNonNull(scope, "scope is null");
        this.config = requireNonNull(config, "config is null");
        this.outputRoot = requireNonNull(outputRoot, "outputRoot is null");
        this.steps = requireNonNull(steps, "steps is null");
    }

    @Override
    public SparkSession spark()
    {
        return spark;
    }

    @Override
    public String jobName()
    {
        return job.name();
    }

    @Override
    public String runId()
    {
        return runId;
    }

    @Override
    public LocalDate logicalDate()
    {
        return scope.logicalDate();
    }

    @Override
    public RunScope scope()
    {
        return scope;
    }

    @Override
    public JobConfig config()
    {
        return config;
    }

    @Override
    public String outputRoot()
    {
        return outputRoot;
    }

    @Override
    public String inputLocation(String inputName)
    {
        InputSpec input = declaredInput(inputName);
        return optionalInputLocation(inputName).orElseThrow(() -> Errors.missingInput(job.name(), input.key()));
    }

    @Override
    public Optional<String> optionalInputLocation(String inputName)
    {
        InputSpec input = declaredInput(inputName);
        return config.raw(input.key()).filter(value -> !value.isBlank()).map(Locations::normalise);
    }

    @Override
    public List<InputFile> listInput(String inputName)
    {
        return InputFiles.list(spark.sparkContext().hadoopConfiguration(), declaredInput(inputName).key(), inputLocation(inputName));
    }

    @Override
    public Dataset<Row> readInput(String inputName, InputFormat format)
    {
        String key = declaredInput(inputName).key();
        String location = inputLocation(inputName);
        List<String> files = inputFiles(inputName);
        InputFormat actual = format == InputFormat.AUTO ? InputFiles.detect(key, location, files) : format;
        return InputFiles.read(spark, actual, files);
    }

    @Override
    public Optional<Dataset<Row>> readPublishedTable(String tableName)
    {
        String path = Locations.child(outputRoot, tableName);
        return DeltaTables.currentVersion(spark, path).map(version -> spark.read().format("delta").option("versionAsOf", version).load(path));
    }

    @Override
    public Map<LocalDate, RecomputedPartition> lastRecomputed()
    {
        try {
            return new RunLedger(spark, outputRoot).lastRecomputed(job.name());
        }
        catch (Exception e) { // Scala code throws checked IOExceptions undeclared
            throw Errors.ledgerNotReadable(Locations.child(outputRoot, RunLedger.TABLE), e);
        }
    }

    @Override
    public synchronized Dataset<Row> persist(Dataset<Row> rows)
    {
        Dataset<Row> cached = JobContext.super.persist(rows);
        persisted.add(cached);
        return cached;
    }

    @Override
    public synchronized void release(Dataset<Row> rows)
    {
        rows.unpersist(false);
        persisted.remove(rows);
    }

    /** Releases what the job persisted (from Spark's cache manager too, so no later query is answered from it). */
    synchronized void releasePersisted()
    {
        persisted.forEach(rows -> rows.unpersist(false));
        persisted.clear();
    }

    @Override
    public Step step(String description)
    {
        return steps.start(description);
    }

    private InputSpec declaredInput(String inputName)
    {
        return job.inputs().stream()
                .filter(input -> input.name().equals(inputName))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("Job " + job.name() + " has no input named " + inputName
                        + "; declared inputs: " + job.inputs().stream().map(InputSpec::name).toList()));
    }
}
