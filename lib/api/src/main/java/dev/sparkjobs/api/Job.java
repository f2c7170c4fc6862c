package dev.sparkjobs.api;

import java.util.List;
import java.util.Optional;

import dev.sparkjobs.api.report.JobReport;

/**
 * A packaged batch job. Implementations are registered through {@link java.util.ServiceLoader}
 * ({@code META-INF/services/dev.sparkjobs.api.Job}) and must have a public no-argument constructor.
 *
 * <p>A job reads its inputs, builds one DataFrame per declared output table and returns them in a
 * {@link JobOutputs}. It never writes its tables itself: the framework stages the returned
 * DataFrames, runs every table's checks, and only when all error-level checks pass publishes each
 * table to Delta in one atomic commit (write-audit-publish).
 */
public interface Job
{
    /** Unique kebab-case name, used on the command line and as the config namespace. */
    String name();

    /** One line: what the job computes. */
    String description();

    /** Inputs, each configured by the key {@code input.<name>}. */
    default List<InputSpec> inputs()
    {
        return List.of();
    }

    /** Job-specific configuration keys, relative to the job's namespace. */
    default List<ConfigKey<?>> configKeys()
    {
        return List.of();
    }

    /** Output tables, stored at {@code <output.root>/<table name>}. */
    List<TableSpec> outputs();

    /** Builds the output DataFrames for the context's logical date and scope. */
    JobOutputs run(JobContext context);

    /** Writes realistic sample inputs for {@code sample-data} and {@code demo}. */
    default Optional<SampleDataGenerator> sampleDataGenerator()
    {
        return Optional.empty();
    }

    /** What {@code spark-jobs report JOB} shows of the job's published tables; empty for a job without a report. */
    default Optional<JobReport> report()
    {
        return Optional.empty();
    }
}
