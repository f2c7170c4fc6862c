package dev.sparkjobs.internal.delta;

import static java.util.Objects.requireNonNull;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.plans.logical.Filter;
import org.apache.spark.sql.delta.DeltaLog;
import org.apache.spark.sql.delta.DeltaOperations;
import org.apache.spark.sql.delta.OptimisticTransaction;
import org.apache.spark.sql.delta.actions.Action;
import org.apache.spark.sql.delta.actions.AddFile;
import org.apache.spark.sql.delta.actions.FileAction;
import org.apache.spark.sql.delta.actions.RemoveFile;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.delta.tables.DeltaTable;
import io.delta.tables.DeltaTableBuilder;
import scala.Option;
import scala.collection.JavaConverters;
import scala.collection.Seq;

import dev.sparkjobs.api.RunScope;
import dev.sparkjobs.api.SessionConf;
import dev.sparkjobs.api.TableSpec;
import dev.sparkjobs.api.WriteMode;
import dev.sparkjobs.errors.Errors;

/**
 * Publishes staged tables to Delta: one atomic commit per table, tagged with the run id as the
 * commit's userMetadata.
 */
public final class DeltaPublisher
{
    private static final Logger LOG = LoggerFactory.getLogger(DeltaPublisher.class);
    private static final String USER_METADATA_CONF = "spark.databricks.delta.commitInfo.userMetadata";
    private static final String REPLACE_WHERE_CONSTRAINT_CHECK = "spark.databricks.delta.replaceWhere.constraintCheck.enabled";

    private final SparkSession spark;
    private final String job;
    private final String runId;
    private final RunScope scope;

    public DeltaPublisher(SparkSession spark, String job, String runId, RunScope scope)
    {
        this.spark = requireNonNull(spark, "spark is null");
        this.job = requireNonNull(job, "job is null");
        this.runId = requireNonNull(runId, "runId is null");
        this.scope = requireNonNull(scope, "scope is null");
    }

    /** The table's current version; empty when there is no Delta table at {@code path}. */
    public Optional<Long> currentVersion(String path)
    {
        // updated first: DeltaLog instances are cached per path, and tableExists() only asks the cached snapshot, which
        // may predate another writer's creation of the table
        long version = DeltaLog.forTable(spark, path).update(false, scala.Option.empty(), scala.Option.empty()).version();
        return version < 0 ? Optional.empty() : Optional.of(version);
    }

    /** Creates the table with its partitioning, comments and properties, when it does not exist yet; returns whether it did. */
    public boolean createIfMissing(TableSpec spec, String path)
    {
        if (currentVersion(path).isPresent()) {
            return false;
        }
        DeltaTableBuilder builder = DeltaTable.createIfNotExists(spark)
                .location(path)
                .addColumns(spec.schema())
                .partitionedBy(spec.partitionColumns().toArray(String[]::new))
                .comment(spec.comment());
        spec.properties().forEach(builder::property);
        builder.execute();
        return true;
    }

    /**
     * Whether the transaction read the table at version 0 and that version holds no data files, as
     * {@link #createIfMissing} makes it: read from that one commit file, without reconstructing the
     * table's state (Spark jobs, seconds per table). A table another writer created with rows is
     * not empty, whoever created it.
     */
    private static boolean readEmptyFirstVersion(OptimisticTransaction transaction)
    {
        if (transaction.readVersion() != 0) {
            return false;
        }
        var changes = transaction.deltaLog().getChanges(0, 0, false);
        while (changes.hasNext()) {
            for (Action action : JavaConverters.seqAsJavaList(changes.next()._2())) {
                if (action instanceof AddFile) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Writes the staged rows (or commits the files already written for them) in one commit and returns the table's new version. */
    public long publish(StagedTable staged)
    {
        if (staged.pending().isPresent()) {
            return commit(staged.spec(), staged.pending().get());
        }
        TableSpec spec = staged.spec();
        requireDeclaredSchema(spec, staged.path());
        WriteMode mode = spec.writeMode();
        if (mode instanceof WriteMode.ReplacePartition replace) {
            DataFrameWriter<Row> writer = writer(staged).mode("overwrite");
            if (scope.isAll()) {
                writer.option("partitionOverwriteMode", "dynamic");
            }
            else {
                writer.option("replaceWhere", PartitionPredicates.toSql(PartitionPredicates.runPartition(replace, scope)));
            }
            // The staged rows already passed the in_run_partition check: Delta need not scan them again.
            SessionConf.with(spark, REPLACE_WHERE_CONSTRAINT_CHECK, "false", () -> {
                writer.save(staged.path());
                return null;
            });
        }
        else if (mode instanceof WriteMode.Merge merge) {
            OptimisticTransaction transaction = DeltaLog.forTable(spark, staged.path()).startTransaction();
            if (readEmptyFirstVersion(transaction)) {
                // merging into an empty table inserts every row: one commit, without MERGE's join of the rows with the
                // table's (no) files, seconds of Spark jobs. The transaction reads the whole table, so that another
                // writer's commit meanwhile fails this one (except a blind append, as for MERGE itself)
                transaction.readWholeTable();
                List<Action> added = new ArrayList<>(addedFiles(transaction.writeFiles(staged.rows())));
                return transaction.commit(toSeq(added), new DeltaOperations.Write(SaveMode.Append, Option.empty(), Option.empty(), Option.apply(runId)));
            }
            withUserMetadata(() -> {
                org.apache.spark.sql.Column condition = merge.keys().stream()
                        .map(key -> org.apache.spark.sql.functions.col("target." + key).equalTo(org.apache.spark.sql.functions.col("source." + key)))
                        .reduce(org.apache.spark.sql.Column::and)
                        .orElseThrow();
                DeltaTable.forPath(spark, staged.path()).as("target")
                        .merge(staged.rows().as("source"), condition)
                        .whenMatched().updateAll()
                        .whenNotMatched().insertAll()
                        .execute();
                return null;
            });
        }
        else if (mode instanceof WriteMode.IdempotentAppend) {
            LocalDate date = scope.logicalDate();
            writer(staged).mode("append")
                    .option("txnAppId", job + "/" + spec.name() + "/" + date)
                    .option("txnVersion", 0L)
                    .save(staged.path());
        }
        else if (mode instanceof WriteMode.Overwrite) {
            writer(staged).mode("overwrite").save(staged.path());
        }
        return currentVersion(staged.path()).orElseThrow();
    }

    /**
     * Starts a transaction on the table (created when missing) and writes the rows as its data
     * files without committing them: readers see none of them until {@link #commit}, and
     * {@link #discard} deletes them. Only for tables replaced by partition or overwritten.
     */
    public Pending writeUncommitted(TableSpec spec, String path, Dataset<Row> rows)
    {
        boolean created = createIfMissing(spec, path);
        OptimisticTransaction transaction = DeltaLog.forTable(spark, path).startTransaction();
        requireDeclaredSchema(spec, path, transaction.snapshot().schema());
        try {
            return new Pending(transaction, addedFiles(transaction.writeFiles(rows)), created);
        }
        catch (Exception failure) { // the job's computation failed (Spark exceptions are checked, thrown undeclared): nothing to discard later
            discard(new Pending(transaction, List.of(), created));
            throw failure;
        }
    }

    /** The rows of the files written by {@link #writeUncommitted}, with their partition values. */
    public Dataset<Row> written(Pending pending)
    {
        OptimisticTransaction transaction = pending.transaction();
        return transaction.deltaLog().createDataFrame(transaction.snapshot(), toSeq(pending.added()), false, Option.empty());
    }

    /**
     * Commits the written files in one commit that removes what they replace: the run's partition
     * (scope date), every partition the files fall in (scope all), or the whole table (overwrite).
     * Concurrent commits touching those files fail this one (Delta's conflict detection).
     */
    private long commit(TableSpec spec, Pending pending)
    {
        OptimisticTransaction transaction = pending.transaction();
        // A table read at an empty first version (the run created it, typically) has nothing to replace. Listing its
        // files would reconstruct the table's state with Spark jobs, seconds per table; the transaction reads the whole
        // table instead, so that another writer's commit meanwhile fails this one (except a blind append, which Delta's
        // default WriteSerializable isolation lets through, as it does for the listed files).
        boolean knownEmpty = readEmptyFirstVersion(transaction);
        if (knownEmpty) {
            transaction.readWholeTable();
        }
        Seq<AddFile> replaced;
        String predicate;
        if (spec.writeMode() instanceof WriteMode.ReplacePartition replace) {
            if (scope.isAll()) {
                java.util.Set<scala.collection.immutable.Map<String, String>> partitions = new java.util.HashSet<>();
                pending.added().forEach(file -> partitions.add(file.partitionValues()));
                replaced = knownEmpty ? toSeq(List.of()) : transaction.filterFiles(JavaConverters.asScalaSet(partitions).toSet());
                predicate = "partitions written by the run";
            }
            else {
                Column inRun = PartitionPredicates.runPartition(replace, scope);
                Filter filter = (Filter) spark.createDataFrame(List.of(), spec.schema()).filter(inRun).queryExecution().analyzed();
                replaced = knownEmpty ? toSeq(List.of()) : transaction.filterFiles(toSeq(List.of(filter.condition())), false);
                predicate = PartitionPredicates.toSql(inRun);
            }
        }
        else if (spec.writeMode() instanceof WriteMode.Overwrite) {
            replaced = knownEmpty ? toSeq(List.of()) : transaction.filterFiles();
            predicate = "true";
        }
        else {
            throw new IllegalStateException("no uncommitted write for write mode " + spec.writeMode());
        }
        List<Action> actions = new ArrayList<>(pending.added());
        JavaConverters.seqAsJavaList(replaced).forEach(file -> actions.add(file.remove()));
        return transaction.commit(toSeq(actions),
                new DeltaOperations.Write(SaveMode.Overwrite, Option.apply(toSeq(spec.partitionColumns())), Option.apply(predicate), Option.apply(runId)));
    }

    /**
     * Deletes the files of a write that will not be committed (best effort: readers never see them
     * anyway), and the table itself when this write created it and nothing was committed to it since,
     * so that a failed first run leaves no table behind.
     */
    public void discard(Pending pending)
    {
        DeltaLog log = pending.transaction().deltaLog();
        org.apache.hadoop.fs.Path table = log.dataPath();
        try {
            org.apache.hadoop.fs.FileSystem fs = table.getFileSystem(log.newDeltaHadoopConf());
            if (pending.createdTable() && currentVersion(table.toString()).equals(Optional.of(pending.readVersion()))
                    && readEmptyFirstVersion(pending.transaction()) && holdsOnlyFilesOf(fs, table, pending)) {
                fs.delete(table, true);
                return;
            }
            for (AddFile file : pending.added()) {
                fs.delete(new org.apache.hadoop.fs.Path(table, file.toPath()), false);
            }
        }
        catch (Exception e) { // IOExceptions, also thrown undeclared from Scala
            LOG.warn("Could not delete the uncommitted files of {}: {} (they are not part of the table; VACUUM removes them)", table, Errors.rootMessage(e));
        }
    }

    /**
     * Whether the table's folder holds no data files but the pending write's (its log and hidden
     * files aside): when another run of a first date writes into the same new table, that table is
     * not this run's to delete.
     */
    private static boolean holdsOnlyFilesOf(org.apache.hadoop.fs.FileSystem fs, org.apache.hadoop.fs.Path table, Pending pending)
            throws java.io.IOException
    {
        org.apache.hadoop.fs.Path root = fs.makeQualified(table);
        java.util.Set<org.apache.hadoop.fs.Path> ours = new java.util.HashSet<>();
        pending.added().forEach(file -> ours.add(fs.makeQualified(new org.apache.hadoop.fs.Path(table, file.toPath()))));
        var files = fs.listFiles(root, true);
        while (files.hasNext()) {
            org.apache.hadoop.fs.Path file = fs.makeQualified(files.next().getPath());
            if (!hidden(root, file) && !ours.contains(file)) {
                return false;
            }
        }
        return true;
    }

    /** Whether a name on the way from {@code root} down to {@code file} starts with _ or . (_delta_log, checksum files). */
    private static boolean hidden(org.apache.hadoop.fs.Path root, org.apache.hadoop.fs.Path file)
    {
        for (org.apache.hadoop.fs.Path at = file; at != null && !at.equals(root); at = at.getParent()) {
            if (at.getName().startsWith("_") || at.getName().startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Data files written into a table by a transaction that has not committed them yet.
     *
     * @param createdTable whether this write created the (empty) table
     */
    public record Pending(OptimisticTransaction transaction, List<AddFile> added, boolean createdTable)
    {
        public Pending
        {
            requireNonNull(transaction, "transaction is null");
            added = List.copyOf(requireNonNull(added, "added is null"));
        }

        public long readVersion()
        {
            return transaction.readVersion();
        }
    }

    /**
     * A blind append in one commit, for rows whose keys are known to be new. Returns the files the
     * commit added, so that this run can later replace exactly those rows with {@link #replaceCommitted}.
     */
    public Commit append(StagedTable staged)
    {
        return withUserMetadata(() -> {
            OptimisticTransaction transaction = DeltaLog.forTable(spark, staged.path()).startTransaction();
            List<AddFile> added = addedFiles(transaction.writeFiles(staged.rows()));
            long version = transaction.commit(toSeq(new ArrayList<Action>(added)), new DeltaOperations.Write(SaveMode.Append, Option.empty(), Option.empty(), Option.apply(runId)));
            return new Commit(version, added);
        });
    }

    /**
     * Replaces the rows of an earlier {@link #append} by this run with the staged rows, in one commit
     * that removes exactly the files the append added: no scan of the table to find the rows.
     * Returns false, committing nothing, when a later commit already removed one of those files (a
     * compaction, say); the caller then replaces by predicate. A concurrent removal fails the commit
     * with a {@link io.delta.exceptions.DeltaConcurrentModificationException}.
     */
    public boolean replaceCommitted(StagedTable staged, Commit earlier, String predicate)
    {
        return withUserMetadata(() -> {
            DeltaLog log = DeltaLog.forTable(spark, staged.path());
            OptimisticTransaction transaction = log.startTransaction();
            if (removedSince(log, earlier, transaction.readVersion())) {
                return false;
            }
            List<Action> actions = new ArrayList<>(addedFiles(transaction.writeFiles(staged.rows())));
            earlier.added().forEach(file -> actions.add(file.remove()));
            transaction.commit(toSeq(actions), new DeltaOperations.Write(SaveMode.Overwrite, Option.empty(), Option.apply(predicate), Option.apply(runId)));
            return true;
        });
    }

    private static boolean removedSince(DeltaLog log, Commit earlier, long readVersion)
    {
        if (readVersion <= earlier.version()) {
            return false;
        }
        java.util.Set<String> paths = new java.util.HashSet<>();
        earlier.added().forEach(file -> paths.add(file.path()));
        var changes = log.getChanges(earlier.version() + 1, readVersion, false);
        while (changes.hasNext()) {
            for (Action action : JavaConverters.seqAsJavaList(changes.next()._2())) {
                if (action instanceof RemoveFile removed && paths.contains(removed.path())) {
                    return true;
                }
            }
        }
        return false;
    }

    private static List<AddFile> addedFiles(Seq<FileAction> written)
    {
        return JavaConverters.seqAsJavaList(written).stream().filter(AddFile.class::isInstance).map(AddFile.class::cast).toList();
    }

    private static <T> Seq<T> toSeq(List<T> list)
    {
        return JavaConverters.asScalaBuffer(list).toSeq();
    }

    /** A commit made by this run: its version and the data files it added. */
    public record Commit(long version, List<AddFile> added)
    {
        public Commit
        {
            added = List.copyOf(requireNonNull(added, "added is null"));
        }
    }

    /**
     * Replaces the rows matching {@code predicate} with the staged rows in one commit (Delta
     * replaceWhere on data columns): scans the table for the files holding matching rows.
     */
    public void replaceRows(StagedTable staged, org.apache.spark.sql.Column predicate)
    {
        // The staged rows are built to match the predicate: Delta need not scan them again.
        SessionConf.with(spark, REPLACE_WHERE_CONSTRAINT_CHECK, "false", () -> {
            writer(staged).mode("overwrite").option("replaceWhere", PartitionPredicates.toSql(predicate)).save(staged.path());
            return null;
        });
    }

    /**
     * The table must still have the declared columns and types: a table changed by someone else is
     * an error, not something to cast into or drop columns from.
     */
    private void requireDeclaredSchema(TableSpec spec, String path)
    {
        requireDeclaredSchema(spec, path, DeltaLog.forTable(spark, path).update(false, scala.Option.empty(), scala.Option.empty()).schema());
    }

    private static void requireDeclaredSchema(TableSpec spec, String path, StructType actual)
    {
        List<String> problems = new ArrayList<>();
        Map<String, StructField> existing = new LinkedHashMap<>();
        for (StructField field : actual.fields()) {
            existing.put(field.name(), field);
        }
        for (StructField declared : spec.schema().fields()) {
            StructField field = existing.remove(declared.name());
            if (field == null) {
                problems.add("column " + declared.name() + " is missing from the table");
            }
            else if (!field.dataType().sameType(declared.dataType())) {
                problems.add("column " + declared.name() + " is " + field.dataType().simpleString() + " in the table, declared " + declared.dataType().simpleString());
            }
        }
        existing.keySet().forEach(extra -> problems.add("column " + extra + " is in the table but not declared"));
        if (!problems.isEmpty()) {
            throw Errors.tableSchemaChanged(spec.name(), path, problems);
        }
    }

    /** Compacts the run's partition (or the whole table when the run's scope is all). */
    public void optimize(StagedTable staged)
    {
        withUserMetadata(() -> {
            var builder = DeltaTable.forPath(spark, staged.path()).optimize();
            if (staged.spec().writeMode() instanceof WriteMode.ReplacePartition replace && !scope.isAll()) {
                builder = builder.where(PartitionPredicates.toSql(PartitionPredicates.runPartition(replace, scope)));
            }
            builder.executeCompaction();
            return null;
        });
    }

    /** Restores a table to a version this run read before publishing. */
    public void restore(String path, long version)
    {
        withUserMetadata(() -> DeltaTable.forPath(spark, path).restoreToVersion(version));
    }

    private DataFrameWriter<Row> writer(StagedTable staged)
    {
        return staged.rows().write().format("delta").option("userMetadata", runId);
    }

    private <T> T withUserMetadata(Supplier<T> action)
    {
        return SessionConf.with(spark, USER_METADATA_CONF, runId, action);
    }
}
