package dev.sparkjobs.testing;

import static java.util.Objects.requireNonNull;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.spark.sql.SparkSession;

import dev.sparkjobs.api.report.Report;
import dev.sparkjobs.config.ConfigSource;
import dev.sparkjobs.internal.publish.DeltaTables;
import dev.sparkjobs.internal.registry.JobRegistry;
import dev.sparkjobs.internal.report.LakeReportContext;
import dev.sparkjobs.internal.runtime.JobRunner;
import dev.sparkjobs.internal.runtime.Locations;
import dev.sparkjobs.internal.runtime.Progress;
import dev.sparkjobs.internal.runtime.RunRequest;

/**
 * Runs a job the way its users do, on a lake of the test's own: the command line's {@code run} in
 * this JVM, on the shared SparkSession, with the job's inputs and keys set. What a run published,
 * counted and warned about comes back as a {@link HarnessRun}; {@link #runTwice} checks that a
 * second run of a date gives the same tables; {@link #preview} computes a job's tables for a date
 * without publishing them, for fast tests of its rules.
 * <pre>{@code
 * HarnessRun run = JobHarness.onLocalLake(spark, "cost-analysis", work.resolve("lake"))
 *         .input("billing", cur.toString())
 *         .set("rejects.max-fraction", "0.5")
 *         .run("2024-09-30")
 *         .assertSucceeded();
 * run.table("cost_daily") ...
 * }</pre>
 */
public final class JobHarness
{
    private final SparkSession spark;
    private final String job;
    private final String lake;
    private final Optional<S3Proxy> s3;
    private final Optional<String> bucket;
    private final Map<String, String> settings = new LinkedHashMap<>();

    private JobHarness(SparkSession spark, String job, String lake, Optional<S3Proxy> s3, Optional<String> bucket)
    {
        this.spark = requireNonNull(spark, "spark is null");
        this.job = requireNonNull(job, "job is null");
        this.lake = requireNonNull(lake, "lake is null");
        this.s3 = requireNonNull(s3, "s3 is null");
        this.bucket = requireNonNull(bucket, "bucket is null");
        settings.put("output.root", lake);
    }

    /** The job's tables go to a local folder. */
    public static JobHarness onLocalLake(SparkSession spark, String job, Path lake)
    {
        return new JobHarness(spark, job, lake.toAbsolutePath().toString(), Optional.empty(), Optional.empty());
    }

    /**
     * The job's tables go to {@code s3a://BUCKET/lake} on S3Proxy (a new bucket), with the s3.* keys
     * set for it; this JVM's session reads the lake too.
     */
    public static JobHarness onS3Lake(SparkSession spark, String job, S3Proxy s3)
    {
        String bucket = s3.createBucket(job.replaceAll("[^a-z0-9-]", "-"));
        s3.hadoopSettings().forEach(spark.sparkContext().hadoopConfiguration()::set);
        JobHarness harness = new JobHarness(spark, job, "s3a://" + bucket + "/lake", Optional.of(s3), Optional.of(bucket));
        s3.settings().forEach(harness::setting);
        return harness;
    }

    /** Sets {@code input.<name>} to a location (a local path, file:// or s3a:// URI). */
    public JobHarness input(String name, String location)
    {
        return set("input." + name, location);
    }

    /** Uploads a local file or folder to the lake's S3 bucket under {@code inputs/<name>} and points {@code input.<name>} at it. */
    public JobHarness inputOnS3(String name, Path local)
    {
        S3Proxy server = s3.orElseThrow(() -> new IllegalStateException("inputOnS3 needs a harness made with onS3Lake"));
        String prefix = "inputs/" + name;
        server.upload(local, bucket.orElseThrow(), prefix);
        return input(name, "s3a://" + bucket.orElseThrow() + "/" + prefix + "/");
    }

    /** Sets a key of the job (relative to it, as --set does). */
    public JobHarness set(String key, String value)
    {
        settings.put(requireNonNull(key, "key is null"), requireNonNull(value, "value is null"));
        return this;
    }

    private void setting(String keyAndValue)
    {
        int equals = keyAndValue.indexOf('=');
        set(keyAndValue.substring(0, equals), keyAndValue.substring(equals + 1));
    }

    /** The lake root: a local path or an s3a:// URI. */
    public String lake()
    {
        return lake;
    }

    /** {@code spark-jobs run JOB --date DATE} with the harness's keys. */
    public HarnessRun run(String date)
    {
        return run(date, List.of());
    }

    /** {@code spark-jobs run JOB --date DATE} with the harness's keys and {@code extra} ones (KEY=VALUE) for this run only. */
    public HarnessRun run(String date, List<String> extra)
    {
        return new HarnessRun(spark, job, lake, CliRun.of(arguments(date, extra)));
    }

    /**
     * The command line of {@code run JOB --date DATE} with the harness's keys and {@code extra}
     * ones: for a run in a driver JVM of its own ({@link DriverProcess}).
     */
    public List<String> arguments(String date, List<String> extra)
    {
        List<String> arguments = new ArrayList<>(List.of("run", job, "--date", date));
        settings.forEach((key, value) -> arguments.addAll(List.of("--set", key + "=" + value)));
        extra.forEach(setting -> arguments.addAll(List.of("--set", setting)));
        return arguments;
    }

    /** {@code scope=all}: every partition found in the inputs. */
    public HarnessRun runAll(String date)
    {
        return run(date, List.of("scope=all"));
    }

    /**
     * Runs the date twice; both runs must succeed, and the second must leave every table of the
     * job with the same rows as the first (a re-run replaces, never duplicates). Returns the second.
     */
    public HarnessRun runTwice(String date)
    {
        HarnessRun first = run(date).assertSucceeded();
        Map<String, List<String>> before = first.publishedRows();
        HarnessRun second = run(date).assertSucceeded();
        assertThat(second.publishedRows()).as("every table after the second run of %s %s, against after the first", job, date).isEqualTo(before);
        return second;
    }

    /**
     * The job's tables for a date (scope date, or {@code scope=all} when set) as a run computes them,
     * without publishing anything. Close the preview to release what the job persisted.
     */
    public JobPreview preview(String date)
    {
        List<String> arguments = new ArrayList<>();
        settings.forEach((key, value) -> arguments.add(key + "=" + value));
        JobRunner runner = new JobRunner(JobRegistry.load(), ConfigSource.locate(), new Progress(new PrintStream(new ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8), Clock.systemUTC()), Clock.systemUTC());
        return new JobPreview(runner.preview(new RunRequest(job, LocalDate.parse(date), "local", Optional.empty(), arguments)));
    }

    /**
     * The current Delta version of each of the job's tables that exists in the lake, by table name:
     * compare it before and after a run that must change nothing.
     */
    public Map<String, Long> tableVersions()
    {
        Map<String, Long> versions = new java.util.TreeMap<>();
        for (var table : JobRegistry.load().get(job).outputs()) {
            DeltaTables.currentVersion(spark, Locations.child(lake, table.name())).ifPresent(version -> versions.put(table.name(), version));
        }
        return versions;
    }

    /**
     * The job's report ({@code spark-jobs report JOB}) built from what is published in the harness's
     * lake, for {@code date} or, when empty, the latest date the tables hold: the numbers behind each
     * chart, without rendering them.
     */
    public Report report(Optional<LocalDate> date)
    {
        var reported = JobRegistry.load().get(job).report()
                .orElseThrow(() -> new IllegalStateException("Job " + job + " has no report (Job.report() is empty)"));
        return reported.build(new LakeReportContext(job, spark, lake, date));
    }
}
