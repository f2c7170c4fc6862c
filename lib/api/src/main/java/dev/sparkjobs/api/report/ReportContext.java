package dev.sparkjobs.api.report;

import java.time.LocalDate;
import java.util.Optional;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import dev.sparkjobs.api.JobContext;

/** What a report reads: the job's published tables and the date the user asked about. */
public interface ReportContext
{
    SparkSession spark();

    /** The published table {@code <output.root>/<name>} at its current version; empty when it does not exist yet. */
    Optional<Dataset<Row>> table(String name);

    /** The {@code --date} given on the command line; without it a report shows the latest date its tables hold. */
    Optional<LocalDate> date();

    /** Labels the Spark work done until the returned step is closed (Spark UI job group and description), as {@link JobContext#step} does in a run. */
    JobContext.Step step(String description);
}
