package dev.sparkjobs.internal.ledger;

import static java.util.Objects.requireNonNull;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.sql.Date;
import java.sql.Timestamp;
import java.util.List;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import dev.sparkjobs.api.TableSpec;
import dev.sparkjobs.api.WriteMode;
import dev.sparkjobs.internal.delta.DeltaPublisher;
import dev.sparkjobs.internal.delta.StagedTable;
import dev.sparkjobs.internal.runtime.Locations;
import dev.sparkjobs.internal.runtime.RunMetrics;

/**
 * The Delta table {@code <output.root>/_runs}: one row per run, inserted as RUNNING when the run
 * starts and replaced by the run's outcome when it ends.
 */
public final class RunLedger
{
    public static final String TABLE = "_runs";
    private static final int ATTEMPTS = 3;

    public static final TableSpec SPEC = TableSpec.builder(TABLE)
            .comment("spark-jobs run ledger: one row per run of any job writing under this lake root")
            .column("run_id", DataTypes.StringType, "Unique id of the run; the userMetadata of every Delta commit it made")
            .column("job", DataTypes.StringType, "Job name")
            .column("logical_date", DataTypes.DateType, "The run's --date")
            .column("env", DataTypes.StringType, "Environment (--env)")
            .column("scope", DataTypes.StringType, "date or all")
            .column("status", DataTypes.StringType, "RUNNING, SUCCEEDED or FAILED")
            .column("started_at", DataTypes.TimestampType, "Start of the run (UTC)")
            .column("ended_at", DataTypes.TimestampType, "End of the run (UTC); null while running or when the driver was killed")
            .column("duration_ms", DataTypes.LongType, "ended_at - started_at in milliseconds")
            .column("rows_read", DataTypes.LongType, "Records read by the run's Spark tasks")
            .column("rows_written", DataTypes.LongType, "Rows published to the output tables")
            .column("bytes_read", DataTypes.LongType, "Bytes read by the run's Spark tasks")
            .column("bytes_written", DataTypes.LongType, "Bytes written by the run's Spark tasks")
            .column("task_time_ms", DataTypes.LongType, "Executor run time summed over tasks")
            .column("shuffle_read_bytes", DataTypes.LongType, "Shuffle bytes read")
            .column("shuffle_write_bytes", DataTypes.LongType, "Shuffle bytes written")
            .column("spilled_bytes", DataTypes.LongType, "Memory and disk bytes spilled")
            .column("tables", new ArrayType(new StructType()
                    .add("table_name", DataTypes.StringType)
                    .add("rows_written", DataTypes.LongType)
                    .add("delta_version", DataTypes.LongType), true), "Per output table: rows written and the Delta version committed")
            .column("counters", DataTypes.createMapType(DataTypes.StringType, DataTypes.LongType), "Job-specific counters")
            .column("warnings", new ArrayType(DataTypes.StringType, true), "Warnings of the run (warn-level checks, job warnings)")
            .column("spark_application_id", DataTypes.StringType, "Spark application id")
            .column("error_summary", DataTypes.StringType, "First line of the error, for failed runs")
            .column("config", DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType), "Effective configuration, secrets shown as ***")
            .writeMode(WriteMode.merge("run_id"))
            .build();

    private final SparkSession spark;
    private final String path;
    private final DeltaPublisher publisher;
    private java.util.Optional<DeltaPublisher.Commit> runningRow = java.util.Optional.empty();

    public RunLedger(SparkSession spark, String outputRoot, DeltaPublisher publisher)
    {
        this.spark = requireNonNull(spark, "spark is null");
        this.path = Locations.child(outputRoot, TABLE);
        this.publisher = requireNonNull(publisher, "publisher is null");
    }

    public String path()
    {
        return path;
    }

    /** Inserts the row of a starting run: a blind append, since run ids are unique. */
    public void started(RunRecord record)
    {
        publisher.createIfMissing(SPEC, path);
        runningRow = java.util.Optional.of(publisher.append(new StagedTable(SPEC, path, rowOf(record), List.of())));
    }

    /**
     * Replaces the run's row with its outcome in one commit: by removing the file of the RUNNING row
     * when this ledger wrote it, else (or when that file was compacted away meanwhile) by replacing
     * the rows with the run's id, retrying when another run committed to the ledger at the same time.
     */
    public void finished(RunRecord record)
    {
        StagedTable row = new StagedTable(SPEC, path, rowOf(record), List.of());
        String predicate = "run_id = '" + record.runId() + "'";
        if (runningRow.isPresent()) {
            try {
                if (publisher.replaceCommitted(row, runningRow.get(), predicate)) {
                    return;
                }
            }
            catch (io.delta.exceptions.DeltaConcurrentModificationException e) {
                // the RUNNING row's file was removed concurrently: replace by run id below
            }
        }
        publisher.createIfMissing(SPEC, path);
        for (int attempt = 1; ; attempt++) {
            try {
                publisher.replaceRows(row, col("run_id").equalTo(lit(record.runId())));
                return;
            }
            catch (io.delta.exceptions.DeltaConcurrentModificationException e) {
                if (attempt == ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    private Dataset<Row> rowOf(RunRecord record)
    {
        return spark.createDataFrame(List.of(toRow(record)), SPEC.schema());
    }

    static Row toRow(RunRecord record)
    {
        RunMetrics metrics = record.metrics();
        return RowFactory.create(
                record.runId(),
                record.job(),
                Date.valueOf(record.logicalDate()),
                record.env(),
                record.scope(),
                record.status().name(),
                Timestamp.from(record.startedAt()),
                record.endedAt().map(Timestamp::from).orElse(null),
                record.endedAt().map(end -> end.toEpochMilli() - record.startedAt().toEpochMilli()).orElse(null),
                metrics.recordsRead(),
                record.rowsWritten(),
                metrics.bytesRead(),
                metrics.bytesWritten(),
                metrics.taskTimeMillis(),
                metrics.shuffleReadBytes(),
                metrics.shuffleWriteBytes(),
                metrics.spilledBytes(),
                record.tables().stream().map(table -> RowFactory.create(table.table(), table.rowsWritten(), table.version())).toList(),
                record.counters(),
                record.warnings(),
                record.sparkApplicationId(),
                record.errorSummary().orElse(null),
                record.config());
    }
}
