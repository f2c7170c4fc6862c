package dev.sparkjobs.internal.ledger;

import static java.util.Objects.requireNonNull;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max_by;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;

import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import org.apache.spark.sql.delta.DeltaLog;
import org.apache.spark.sql.delta.OptimisticTransaction;
import org.apache.spark.sql.delta.actions.Action;
import org.apache.spark.sql.delta.actions.AddFile;
import org.apache.spark.sql.delta.actions.Metadata;
import org.apache.spark.sql.delta.actions.RemoveFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.delta.exceptions.DeltaConcurrentModificationException;
import io.delta.tables.DeltaTable;

import dev.sparkjobs.api.InputFingerprint;
import dev.sparkjobs.api.RecomputedPartition;
import dev.sparkjobs.api.SessionConf;
import dev.sparkjobs.api.TableSpec;
import dev.sparkjobs.api.WriteMode;
import dev.sparkjobs.errors.Errors;
import dev.sparkjobs.internal.publish.DeltaTables;
import dev.sparkjobs.internal.publish.RivalRuns;
import dev.sparkjobs.internal.runtime.Locations;
import dev.sparkjobs.internal.runtime.RunMetrics;

/**
 * The Delta table {@code <output.root>/_runs}: one row per run, inserted as RUNNING when the run
 * starts and replaced by the run's outcome when it ends.
 */
public final class RunLedger
{
    public static final String TABLE = "_runs";
    private static final Logger LOG = LoggerFactory.getLogger(RunLedger.class);
    private static final int ATTEMPTS = 10;
    private static final String USER_METADATA = "spark.databricks.delta.commitInfo.userMetadata";
    private static final String REPLACE_WHERE_CONSTRAINT_CHECK = "spark.databricks.delta.replaceWhere.constraintCheck.enabled";

    public static final TableSpec SPEC = TableSpec.builder(TABLE)
            .comment("spark-jobs run ledger: one row per run of any job writing under this lake root")
            .column("run_id", DataTypes.StringType, "Unique id of the run; the userMetadata of every Delta commit it made")
            .column("job", DataTypes.StringType, "Job name")
            .column("logical_date", DataTypes.DateType, "The run's --date")
            .column("env", DataTypes.StringType, "Environment (--env)")
            .column("scope", DataTypes.StringType, "date or all")
            .column("status", DataTypes.StringType, "RUNNING, SUCCEEDED, FAILED, or ABANDONED: a RUNNING run whose driver wrote no heartbeat "
                    + "for ledger.abandon-after-seconds (killed or cut off), so marked by a later run of the job")
            .column("started_at", DataTypes.TimestampType, "Start of the run (UTC)")
            .column("ended_at", DataTypes.TimestampType, "End of the run (UTC); null while running; for an ABANDONED run, its last heartbeat")
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
            .column("error_summary", DataTypes.StringType, "First line of the error, for failed runs; for an ABANDONED run, since when and by whom")
            .column("config", DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType), "Effective configuration, secrets shown as ***")
            .column("recomputed_partitions", new ArrayType(new StructType()
                    .add("partition_value", DataTypes.DateType)
                    .add("reason", DataTypes.StringType)
                    .add("input_files", DataTypes.LongType)
                    .add("input_bytes", DataTypes.LongType)
                    .add("input_fingerprint", DataTypes.StringType), true),
                    "Partitions the run recomputed (e.g. billing periods), why (own period, files changed, scope=all...), and the input files "
                            + "they were computed from: count, bytes and a SHA-256 over their paths, sizes, modification times and ETags")
            .writeMode(WriteMode.merge("run_id"))
            .build();

    private final SparkSession spark;
    private final String path;
    private List<AddFile> runningRow = List.of();
    private long runningRowVersion = -1;

    public RunLedger(SparkSession spark, String outputRoot)
    {
        this.spark = requireNonNull(spark, "spark is null");
        this.path = Locations.child(outputRoot, TABLE);
    }

    public String path()
    {
        return path;
    }

    /**
     * Inserts the row of a starting run: a blind append (run ids are unique), which never conflicts
     * with other runs' rows. The first run creates the ledger with its row; runs that start on a new
     * lake at the same time append to the ledger whichever of them created.
     */
    public void started(RunRecord record)
    {
        Dataset<Row> row = rowOf(record);
        retryingConflicts("record the start of run " + record.runId(), () -> {
            OptimisticTransaction transaction = DeltaLog.forTable(spark, path).startTransaction();
            if (transaction.readVersion() < 0) {
                transaction.updateMetadataForNewTable(DeltaTables.newTableMetadata(SPEC));
            }
            else {
                withColumnsAdded(transaction.metadata()).ifPresent(evolved -> transaction.updateMetadata(evolved, false));
            }
            List<AddFile> added = DeltaTables.added(transaction.writeFiles(row));
            runningRowVersion = transaction.commit(DeltaTables.seq(new ArrayList<Action>(added)),
                    DeltaTables.write(SaveMode.Append, List.of(), Optional.empty(), record.runId()));
            runningRow = added;
        });
    }

    /**
     * Replaces the run's row with its outcome in one commit that removes the file of the RUNNING row
     * this ledger wrote; when that file was compacted away meanwhile, by replacing the rows with the
     * run's id. Both retry when another run committed to the ledger at the same time in a way that
     * conflicts, and both leave exactly one row for the run.
     */
    public void finished(RunRecord record)
    {
        Dataset<Row> row = rowOf(record);
        retryingConflicts("record the outcome of run " + record.runId(), () -> {
            DeltaLog log = DeltaLog.forTable(spark, path);
            OptimisticTransaction transaction = log.startTransaction();
            if (!runningRow.isEmpty() && stillHolds(transaction, runningRow, runningRowVersion)) {
                transaction.trackFilesRead(DeltaTables.seq(runningRow));
                List<Action> actions = new ArrayList<>(DeltaTables.added(transaction.writeFiles(row)));
                runningRow.forEach(file -> actions.add(file.remove()));
                transaction.commit(DeltaTables.seq(actions), DeltaTables.write(SaveMode.Overwrite, List.of(), Optional.of("run_id = '" + record.runId() + "'"), record.runId()));
                return;
            }
            // The RUNNING row's file is gone (compacted with others' rows): rewrite the rows of this run, keep the others.
            SessionConf.with(spark, REPLACE_WHERE_CONSTRAINT_CHECK, "false", () -> SessionConf.with(spark, USER_METADATA, record.runId(), () -> {
                row.write().format("delta").mode("overwrite").option("replaceWhere", "run_id = '" + record.runId().replace("'", "''") + "'").save(path);
                return null;
            }));
        });
        runningRow = List.of();
        runningRowVersion = -1;
    }

    /**
     * The ledger's metadata with the columns a later version of spark-jobs declared added at the end
     * (a ledger written by an earlier version lacks them; its rows read them as null), or empty when
     * it has every declared column. Any other difference is left to the writes to report.
     */
    static Optional<Metadata> withColumnsAdded(Metadata metadata)
    {
        StructType actual = metadata.schema();
        Set<String> names = Set.of(actual.fieldNames());
        StructType evolved = actual;
        for (StructField field : SPEC.schema().fields()) {
            if (!names.contains(field.name())) {
                evolved = evolved.add(field);
            }
        }
        if (evolved.length() == actual.length()) {
            return Optional.empty();
        }
        return Optional.of(new Metadata(metadata.id(), metadata.name(), metadata.description(), metadata.format(), evolved.json(),
                metadata.partitionColumns(), metadata.configuration(), metadata.createdTime()));
    }

    /**
     * For each partition value that succeeded runs of a job declared recomputed, the declaration of
     * the latest of them (by end time). A few rows per partition value reach the driver: one per
     * partition (billing periods, days), never the ledger's rows.
     */
    public Map<LocalDate, RecomputedPartition> lastRecomputed(String job)
    {
        Optional<Long> version = DeltaTables.currentVersion(spark, path);
        if (version.isEmpty()) {
            return Map.of();
        }
        Dataset<Row> ledger = spark.read().format("delta").option("versionAsOf", version.get()).load(path);
        if (!Set.of(ledger.columns()).contains("recomputed_partitions")) {
            return Map.of(); // written by a version of spark-jobs before partitions were recorded
        }
        List<Row> latest = ledger
                .filter(col("job").equalTo(lit(job)).and(col("status").equalTo(lit(RunStatus.SUCCEEDED.name()))))
                .select(col("ended_at"), explode(col("recomputed_partitions")).as("p"))
                .groupBy(col("p.partition_value"))
                .agg(max_by(col("p"), col("ended_at")).as("p"))
                .select("p.partition_value", "p.reason", "p.input_files", "p.input_bytes", "p.input_fingerprint")
                .collectAsList();
        Map<LocalDate, RecomputedPartition> partitions = new TreeMap<>();
        for (Row row : latest) {
            LocalDate value = row.getDate(0).toLocalDate();
            partitions.put(value, new RecomputedPartition(value, row.getString(1), new InputFingerprint(row.getLong(2), row.getLong(3), row.getString(4))));
        }
        return partitions;
    }

    /** The folder of the running drivers' heartbeat files (see {@link RunHeartbeat}); hidden from Delta by its leading underscore. */
    static String heartbeats(String ledgerPath)
    {
        return Locations.child(ledgerPath, "_heartbeats");
    }

    /** A RUNNING row that a later run marked ABANDONED. */
    public record Abandoned(String runId, LocalDate logicalDate, Instant startedAt, Instant lastSign)
    {
        public Abandoned
        {
            requireNonNull(runId, "runId is null");
            requireNonNull(logicalDate, "logicalDate is null");
            requireNonNull(startedAt, "startedAt is null");
            requireNonNull(lastSign, "lastSign is null");
        }

        public String describe()
        {
            return "run " + runId + " (" + logicalDate + ", started " + startedAt + ") was still RUNNING in the ledger with no heartbeat since "
                    + lastSign + ": its driver was killed or cut off; marked ABANDONED";
        }
    }

    /**
     * Resolves the RUNNING rows of a job whose drivers are gone: a row whose run wrote no heartbeat
     * for longer than {@code abandonAfter} (or never wrote one and started longer ago than that) is
     * replaced by the same row with status ABANDONED, ended_at its last sign of life and an
     * error_summary saying so, and its heartbeat file is deleted. Only rows still RUNNING are
     * changed: a run that finishes after all (its driver was only cut off) replaces the row with
     * its outcome as usual, and two runs resolving the same row at once change it once.
     */
    public List<Abandoned> markAbandoned(String job, String byRunId, Instant now, Duration abandonAfter)
    {
        List<Row> running = spark.read().format("delta").load(path)
                .filter(col("job").equalTo(lit(job)).and(col("status").equalTo(lit(RunStatus.RUNNING.name()))).and(col("run_id").notEqual(lit(byRunId))))
                .select("run_id", "logical_date", "started_at")
                .collectAsList(); // the RUNNING rows of one job: as many as its runs at once, plus the lost ones
        if (running.isEmpty()) {
            return List.of();
        }
        Map<String, FileStatus> heartbeats = heartbeatFiles();
        List<Abandoned> abandoned = new ArrayList<>();
        for (Row row : running) {
            String runId = row.getString(0);
            Instant started = row.getTimestamp(2).toInstant();
            Instant lastSign = Optional.ofNullable(heartbeats.get(runId)).map(status -> Instant.ofEpochMilli(status.getModificationTime()))
                    .filter(beat -> beat.isAfter(started)).orElse(started);
            if (Duration.between(lastSign, now).compareTo(abandonAfter) <= 0) {
                continue;
            }
            Abandoned lost = new Abandoned(runId, row.getDate(1).toLocalDate(), started, lastSign);
            String summary = "ABANDONED by run " + byRunId + " at " + now + ": no heartbeat from the driver since " + lastSign
                    + " (more than ledger.abandon-after-seconds=" + abandonAfter.toSeconds() + "); it was killed or cut off and its outcome is unknown";
            Map<String, Column> changes = Map.of(
                    "status", lit(RunStatus.ABANDONED.name()),
                    "ended_at", lit(Timestamp.from(lastSign)),
                    "duration_ms", lit(lastSign.toEpochMilli() - started.toEpochMilli()),
                    "error_summary", lit(summary));
            retryingConflicts("mark run " + runId + " abandoned", () -> SessionConf.with(spark, USER_METADATA, byRunId, () -> {
                DeltaTable.forPath(spark, path).update(col("run_id").equalTo(lit(runId)).and(col("status").equalTo(lit(RunStatus.RUNNING.name()))), changes);
                return null;
            }));
            Optional.ofNullable(heartbeats.get(runId)).ifPresent(this::deleteQuietly);
            abandoned.add(lost);
        }
        return abandoned;
    }

    private Map<String, FileStatus> heartbeatFiles()
    {
        Path folder = new Path(heartbeats(path));
        Map<String, FileStatus> files = new HashMap<>();
        try {
            FileSystem fileSystem = folder.getFileSystem(spark.sparkContext().hadoopConfiguration());
            for (FileStatus file : fileSystem.listStatus(folder)) {
                files.put(file.getPath().getName(), file);
            }
        }
        catch (FileNotFoundException none) {
            return Map.of();
        }
        catch (IOException e) {
            throw Errors.lakeNotWritable(path, e);
        }
        return files;
    }

    private void deleteQuietly(FileStatus file)
    {
        try {
            file.getPath().getFileSystem(spark.sparkContext().hadoopConfiguration()).delete(file.getPath(), false);
        }
        catch (IOException | RuntimeException e) {
            LOG.warn("Could not delete the heartbeat {} of an abandoned run: {}", file.getPath(), Errors.rootMessage(e));
        }
    }

    /** Whether the table still holds the files a commit at {@code version} added (nobody compacted them away since). */
    private static boolean stillHolds(OptimisticTransaction transaction, List<AddFile> files, long version)
    {
        if (transaction.readVersion() <= version) {
            return true;
        }
        java.util.Set<String> wanted = new java.util.HashSet<>();
        files.forEach(file -> wanted.add(file.path()));
        var changes = transaction.deltaLog().getChanges(version + 1, transaction.readVersion(), false);
        while (changes.hasNext()) {
            for (Action action : DeltaTables.list(changes.next()._2())) {
                if (action instanceof RemoveFile removed && wanted.contains(removed.path())) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * The rival runs of a run: runs of the same job and logical date that started before it (by
     * their ledger rows; at the same instant, the smaller run id counts as earlier). How a table
     * writer tells a run it must give way to from any other writer.
     */
    public RivalRuns rivalsOf(RunRecord run)
    {
        return runIds -> {
            if (runIds.isEmpty() || DeltaTables.currentVersion(spark, path).isEmpty()) {
                return Optional.empty();
            }
            Timestamp started = Timestamp.from(run.startedAt());
            List<Row> rivals = spark.read().format("delta").load(path)
                    .filter(col("run_id").isin(runIds.toArray()).and(col("job").equalTo(lit(run.job())))
                            .and(col("logical_date").equalTo(lit(Date.valueOf(run.logicalDate()))))
                            .and(col("started_at").lt(lit(started)).or(col("started_at").equalTo(lit(started)).and(col("run_id").lt(lit(run.runId()))))))
                    .select("run_id")
                    .collectAsList();
            return rivals.stream().map(rival -> rival.getString(0)).filter(runIds::contains).findFirst();
        };
    }

    private static void retryingConflicts(String what, Runnable commit)
    {
        for (int attempt = 1; ; attempt++) {
            try {
                commit.run();
                return;
            }
            catch (DeltaConcurrentModificationException conflict) {
                if (attempt == ATTEMPTS) {
                    throw conflict;
                }
                LOG.info("Could not {} at once ({}): trying again (attempt {})", what, Errors.rootMessage(conflict), attempt + 1);
                try {
                    Thread.sleep(Math.min(2000L, 50L << Math.min(attempt, 6)) + ThreadLocalRandom.current().nextLong(100));
                }
                catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw Errors.interruptedWhile("trying to " + what, e);
                }
            }
        }
    }

    private Dataset<Row> rowOf(RunRecord record)
    {
        return spark.createDataFrame(List.of(toRow(record)), SPEC.schema());
    }

    /** The ledger row of a record, in {@link #SPEC}'s columns. */
    public static Row toRow(RunRecord record)
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
                record.config(),
                record.recomputed().stream().map(partition -> RowFactory.create(Date.valueOf(partition.value()), partition.reason(),
                        partition.inputs().files(), partition.inputs().bytes(), partition.inputs().digest())).toList());
    }
}
