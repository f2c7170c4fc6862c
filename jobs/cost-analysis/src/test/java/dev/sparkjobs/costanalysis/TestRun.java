package dev.sparkjobs.costanalysis;

import static java.util.Objects.requireNonNull;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import dev.sparkjobs.api.InputFormat;
import dev.sparkjobs.api.JobConfig;
import dev.sparkjobs.api.JobContext;
import dev.sparkjobs.api.JobOutputs;
import dev.sparkjobs.api.RunScope;
import dev.sparkjobs.api.ScopeMode;
import dev.sparkjobs.api.TableSpec;
import dev.sparkjobs.internal.publish.OutputSchema;
import dev.sparkjobs.internal.runtime.InputFiles;
import dev.sparkjobs.internal.runtime.Locations;

/**
 * Runs the job's {@code run} on the shared session through a hand-written JobContext, without
 * publishing: fast enough to check every rule. Each table is aligned to its declared schema by
 * the framework's own stager, so a schema mismatch fails here as it would in a real run.
 */
final class TestRun
        implements JobContext
{
    /** What the latest run persisted: released when the next one starts. */
    private static final List<Dataset<Row>> PERSISTED = new ArrayList<>();

    private final SparkSession spark;
    private final RunScope scope;
    private final Map<String, String> settings;

    private TestRun(SparkSession spark, RunScope scope, Map<String, String> settings)
    {
        this.spark = requireNonNull(spark, "spark is null");
        this.scope = requireNonNull(scope, "scope is null");
        this.settings = Map.copyOf(settings);
    }

    /** Runs the job for the month of {@code date} on {@code input}, with extra settings as key, value pairs. */
    static Outputs forPeriod(SparkSession spark, String input, String date, String... keyValues)
    {
        return run(spark, input, new RunScope(LocalDate.parse(date), ScopeMode.DATE), keyValues);
    }

    static Outputs forAllPeriods(SparkSession spark, String input, String date, String... keyValues)
    {
        return run(spark, input, new RunScope(LocalDate.parse(date), ScopeMode.ALL), keyValues);
    }

    private static Outputs run(SparkSession spark, String input, RunScope scope, String... keyValues)
    {
        Map<String, String> settings = new HashMap<>();
        settings.put("input.billing", input);
        for (int i = 0; i < keyValues.length; i += 2) {
            settings.put(keyValues[i], keyValues[i + 1]);
        }
        releasePersisted();
        CostAnalysisJob job = new CostAnalysisJob();
        JobOutputs outputs = job.run(new TestRun(spark, scope, settings));
        Map<String, Dataset<Row>> aligned = new HashMap<>();
        for (TableSpec spec : job.outputs()) {
            Dataset<Row> rows = requireNonNull(outputs.tables().get(spec.name()), () -> "no table " + spec.name());
            aligned.put(spec.name(), OutputSchema.align(job.name(), spec, rows).persist(org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK()));
        }
        return new Outputs(aligned, outputs);
    }

    /** As the framework does when a run ends: no later run gets an earlier run's rows back from Spark's cache. */
    private static synchronized void releasePersisted()
    {
        PERSISTED.forEach(rows -> rows.unpersist(false));
        PERSISTED.clear();
    }

    @Override
    public Dataset<Row> persist(Dataset<Row> rows)
    {
        Dataset<Row> cached = JobContext.super.persist(rows);
        synchronized (TestRun.class) {
            PERSISTED.add(cached);
        }
        return cached;
    }

    record Outputs(Map<String, Dataset<Row>> tables, JobOutputs raw)
    {
        Dataset<Row> table(String name)
        {
            return requireNonNull(tables.get(name), () -> "no table " + name);
        }
    }

    @Override
    public SparkSession spark()
    {
        return spark;
    }

    @Override
    public String jobName()
    {
        return CostAnalysisJob.NAME;
    }

    @Override
    public String runId()
    {
        return "test-run";
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
        return new JobConfig(settings);
    }

    @Override
    public String outputRoot()
    {
        return "unused";
    }

    @Override
    public String inputLocation(String inputName)
    {
        return Locations.normalise(settings.get("input." + inputName));
    }

    @Override
    public Optional<String> optionalInputLocation(String inputName)
    {
        return Optional.ofNullable(settings.get("input." + inputName)).map(Locations::normalise);
    }

    @Override
    public List<String> inputFiles(String inputName)
    {
        return InputFiles.list(spark.sparkContext().hadoopConfiguration(), "input." + inputName, inputLocation(inputName));
    }

    @Override
    public Dataset<Row> readInput(String inputName, InputFormat format)
    {
        throw new UnsupportedOperationException("the job reads its files itself");
    }

    @Override
    public Optional<Dataset<Row>> readPublishedTable(String tableName)
    {
        return Optional.empty();
    }

    @Override
    public Step step(String description)
    {
        return () -> {};
    }
}
