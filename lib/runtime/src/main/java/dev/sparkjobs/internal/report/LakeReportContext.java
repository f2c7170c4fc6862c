package dev.sparkjobs.internal.report;

import static java.util.Objects.requireNonNull;

import java.time.LocalDate;
import java.util.Optional;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import io.delta.tables.DeltaTable;

import dev.sparkjobs.api.JobContext;
import dev.sparkjobs.api.report.ReportContext;
import dev.sparkjobs.internal.runtime.Locations;

/** A report's view of a lake: the published tables under {@code output.root}, at their current versions. */
public record LakeReportContext(String job, SparkSession spark, String outputRoot, Optional<LocalDate> date)
        implements ReportContext
{
    public LakeReportContext
    {
        requireNonNull(job, "job is null");
        requireNonNull(spark, "spark is null");
        requireNonNull(outputRoot, "outputRoot is null");
        requireNonNull(date, "date is null");
    }

    @Override
    public Optional<Dataset<Row>> table(String name)
    {
        String path = Locations.child(outputRoot, name);
        if (!DeltaTable.isDeltaTable(spark, path)) {
            return Optional.empty();
        }
        return Optional.of(spark.read().format("delta").load(path));
    }

    @Override
    public JobContext.Step step(String description)
    {
        requireNonNull(description, "description is null");
        spark.sparkContext().setJobGroup("report/" + job, "report " + job + ": " + description, false);
        return () -> spark.sparkContext().clearJobGroup();
    }
}
