package dev.sparkjobs.internal.runtime;

import static java.util.Objects.requireNonNull;

import java.util.Map;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import dev.sparkjobs.api.JobOutputs;

/**
 * A job's outputs for a date, computed as a run computes them (each table aligned to its declared
 * schema) but neither staged, checked nor published. Closing it releases what the job persisted.
 */
public final class Preview
        implements AutoCloseable
{
    private final Map<String, Dataset<Row>> tables;
    private final JobOutputs outputs;
    private final Runnable release;

    Preview(Map<String, Dataset<Row>> tables, JobOutputs outputs, Runnable release)
    {
        this.tables = Map.copyOf(requireNonNull(tables, "tables is null"));
        this.outputs = requireNonNull(outputs, "outputs is null");
        this.release = requireNonNull(release, "release is null");
    }

    /** The rows of each table the job returned, with the declared columns in the declared order. */
    public Map<String, Dataset<Row>> tables()
    {
        return tables;
    }

    /** What the job returned: its counters and warnings among it. */
    public JobOutputs outputs()
    {
        return outputs;
    }

    @Override
    public void close()
    {
        release.run();
    }
}
