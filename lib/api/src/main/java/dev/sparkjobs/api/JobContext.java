package dev.sparkjobs.api;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/** Everything a job's run may use. */
public interface JobContext
{
    SparkSession spark();

    String jobName();

    /** Unique id of this run, also the userMetadata of every Delta commit it makes. */
    String runId();

    LocalDate logicalDate();

    RunScope scope();

    JobConfig config();

    /** The lake root URI ({@code output.root}), without a trailing slash. */
    String outputRoot();

    /** Location of a declared input, normalised to a URI; fails with a clear error when not set. */
    String inputLocation(String inputName);

    /** Location of an optional input, empty when it is not set. */
    Optional<String> optionalInputLocation(String inputName);

    /** The data files of a declared input (listed recursively, hidden files skipped), for messages that name a file. */
    default List<String> inputFiles(String inputName)
    {
        return listInput(inputName).stream().map(InputFile::path).toList();
    }

    /**
     * The data files of a declared input as {@link #inputFiles} lists them, in path order, with
     * their sizes, modification times and ETags: what a job fingerprints ({@link InputFingerprint})
     * to tell which of its inputs changed, without reading them.
     */
    List<InputFile> listInput(String inputName);

    /** Reads files of a declared input (recursively), detecting the format from file names. */
    Dataset<Row> readInput(String inputName, InputFormat format);

    /** The currently published version of one of this job's output tables, if it exists. */
    Optional<Dataset<Row>> readPublishedTable(String tableName);

    /**
     * The partitions this job's runs declared recomputed ({@link JobOutputs.Builder#recomputed}),
     * by partition value: for each, the declaration of the latest run that recomputed it and
     * succeeded (by end time), as the run ledger keeps it. Runs of every date and scope count;
     * failed, abandoned and running runs do not. Empty on a new lake, and outside a run.
     */
    default Map<LocalDate, RecomputedPartition> lastRecomputed()
    {
        return Map.of();
    }

    /**
     * Persists an intermediate result that several output tables are computed from (memory, then
     * disk). The framework releases it when the run ends, after publishing, whatever the outcome;
     * a context outside a run only persists it.
     */
    default Dataset<Row> persist(Dataset<Row> rows)
    {
        return rows.persist(StorageLevel.MEMORY_AND_DISK());
    }

    /**
     * Releases an intermediate {@link #persist} kept, before the run ends: when the job is done with
     * it and its memory is better used by what comes next.
     */
    default void release(Dataset<Row> persisted)
    {
        persisted.unpersist(false);
    }

    /**
     * Labels the Spark work done until the returned step is closed (Spark UI job group and
     * description) and prints one progress line.
     */
    Step step(String description);

    /** A labelled step; close it when the step's work is done. */
    interface Step
            extends AutoCloseable
    {
        @Override
        void close();
    }
}
