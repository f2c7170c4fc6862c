package dev.sparkjobs.internal.smoke;

import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import java.sql.Date;
import java.util.List;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

import dev.sparkjobs.api.Check;
import dev.sparkjobs.api.ConfigKey;
import dev.sparkjobs.api.Granularity;
import dev.sparkjobs.api.Job;
import dev.sparkjobs.api.JobContext;
import dev.sparkjobs.api.JobOutputs;
import dev.sparkjobs.api.TableSpec;
import dev.sparkjobs.api.WriteMode;

/**
 * Checks an installation end to end (Spark tasks, Delta, the lake root, S3 when it is s3a://,
 * the run ledger) by summing 1..n on the executors and publishing one row per date.
 */
public final class SmokeTestJob
        implements Job
{
    public static final String NAME = "smoke-test";
    static final ConfigKey<Long> ROWS = ConfigKey.ofLong("rows", 1000, "How many numbers the executors sum").withRange(1L, 1_000_000_000L);

    private static final TableSpec TABLE = TableSpec.builder("smoke_test")
            .comment("One row per run date of the smoke-test job: proof that Spark, Delta and the lake work")
            .column("run_date", DataTypes.DateType, "Logical date of the run")
            .column("run_id", DataTypes.StringType, "Run id")
            .column("spark_version", DataTypes.StringType, "Spark version of the driver")
            .column("numbers", DataTypes.LongType, "How many numbers were summed")
            .column("total", DataTypes.LongType, "Sum of 1..numbers computed by the executors")
            .partitionedBy("run_date")
            .writeMode(WriteMode.replacePartition("run_date", Granularity.DAY))
            .check(Check.sql("total_is_gauss_sum", "total = numbers * (numbers + 1) / 2", "numbers", "total"), Check.minRows(1))
            .build();

    @Override
    public String name()
    {
        return NAME;
    }

    @Override
    public String description()
    {
        return "Installation check: sums 1..rows on the executors and publishes one row per date to Delta";
    }

    @Override
    public List<ConfigKey<?>> configKeys()
    {
        return List.of(ROWS);
    }

    @Override
    public List<TableSpec> outputs()
    {
        return List.of(TABLE);
    }

    @Override
    public JobOutputs run(JobContext context)
    {
        long rows = context.config().get(ROWS);
        Dataset<Row> result = context.spark().range(1, rows + 1)
                .agg(count(lit(1)).as("numbers"), sum("id").cast(DataTypes.LongType).as("total"))
                .select(
                        lit(Date.valueOf(context.logicalDate())).as("run_date"),
                        lit(context.runId()).as("run_id"),
                        lit(context.spark().version()).as("spark_version"),
                        org.apache.spark.sql.functions.col("numbers"),
                        org.apache.spark.sql.functions.col("total"));
        return JobOutputs.builder().table(TABLE.name(), result).build();
    }
}
