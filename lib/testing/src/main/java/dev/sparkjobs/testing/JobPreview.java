package dev.sparkjobs.testing;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import dev.sparkjobs.internal.runtime.Preview;

/** A job's tables for a date as a run computes them, not published (see {@link JobHarness#preview}). Close it when done. */
public final class JobPreview
        implements AutoCloseable
{
    private final Preview preview;

    JobPreview(Preview preview)
    {
        this.preview = requireNonNull(preview, "preview is null");
    }

    /** The rows of a table the job returned, with the declared columns in the declared order. */
    public Dataset<Row> table(String name)
    {
        return requireNonNull(preview.tables().get(name), () -> "the job returned no table " + name + "; it returned " + preview.tables().keySet());
    }

    public Map<String, Long> counters()
    {
        return preview.outputs().counters();
    }

    public List<String> warnings()
    {
        return preview.outputs().warnings();
    }

    @Override
    public void close()
    {
        preview.close();
    }
}
