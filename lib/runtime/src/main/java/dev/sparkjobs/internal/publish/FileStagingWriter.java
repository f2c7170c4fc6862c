package dev.sparkjobs.internal.publish;

import java.util.ArrayList;
import java.util.List;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.DeltaLog;
import org.apache.spark.sql.delta.DeltaOperations;
import org.apache.spark.sql.delta.OptimisticTransaction;
import org.apache.spark.sql.delta.actions.Action;
import org.apache.spark.sql.delta.actions.AddFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.delta.exceptions.DeltaConcurrentModificationException;

import dev.sparkjobs.api.TableSpec;
import dev.sparkjobs.errors.Errors;

/**
 * Writes the job's result straight into data files of the table, in a transaction that commits
 * them later: readers see none of them until the commit, which adds them and removes what they
 * replace. The result is computed once: the checks read the written files.
 * <p>
 * When there is no table yet, the transaction creates it: its first commit holds the table's
 * metadata and the run's files, so a failed first run leaves no table behind. Runs that create
 * the table at the same time all succeed: one creates it, the others commit on top of it.
 */
abstract sealed class FileStagingWriter
        extends TableWriter
        permits ReplacePartitionWriter, OverwriteWriter
{
    private static final Logger LOG = LoggerFactory.getLogger(FileStagingWriter.class);

    private OptimisticTransaction transaction;
    private List<AddFile> written = List.of();
    /** Whether a commit attempt ended in a way that leaves it open if the files are part of the table. */
    private boolean commitOutcomeUnknown;

    FileStagingWriter(SparkSession spark, TableSpec spec, String path, RunIdentity run, RivalRuns rivals)
    {
        super(spark, spec, path, run, rivals);
    }

    @Override
    public final boolean commitsAlongsideOthers()
    {
        return true;
    }

    @Override
    final Dataset<Row> stageRows(Dataset<Row> aligned)
    {
        transaction = startTransaction();
        written = DeltaTables.added(transaction.writeFiles(aligned));
        return writtenRows();
    }

    /** The files this writer wrote, as rows with the declared columns (partition values read back from the file paths). */
    private Dataset<Row> writtenRows()
    {
        if (written.isEmpty()) {
            return spark.createDataFrame(List.of(), spec.schema());
        }
        Path table = DeltaTables.log(spark, path).dataPath();
        String[] files = written.stream().map(file -> new Path(table, file.toPath()).toString()).toArray(String[]::new);
        Column[] declared = java.util.Arrays.stream(spec.schema().fieldNames()).map(org.apache.spark.sql.functions::col).toArray(Column[]::new);
        return spark.read().schema(spec.schema()).option("basePath", table.toString()).parquet(files).select(declared);
    }

    private OptimisticTransaction startTransaction()
    {
        OptimisticTransaction started = DeltaTables.log(spark, path).startTransaction();
        if (started.readVersion() < 0) {
            started.updateMetadataForNewTable(DeltaTables.newTableMetadata(spec));
        }
        else {
            DeltaTables.requireDeclaredSchema(spec, path, started.snapshot().schema());
        }
        return started;
    }

    @Override
    final long beginAttempt(int attempt)
    {
        if (attempt > 1) {
            transaction = startTransaction();
        }
        return transaction.readVersion();
    }

    @Override
    final long commitAttempt()
    {
        List<Action> actions = new ArrayList<>(written);
        if (transaction.readVersion() >= 0) {
            replaced(transaction).forEach(file -> actions.add(file.remove()));
        }
        commitOutcomeUnknown = true;
        try {
            long version = transaction.commit(DeltaTables.seq(actions), operation());
            commitOutcomeUnknown = false;
            return version;
        }
        catch (DeltaConcurrentModificationException conflict) { // thrown before anything is written to the log
            commitOutcomeUnknown = false;
            throw conflict;
        }
    }

    /** The partition values of the written files. */
    final java.util.Set<scala.collection.immutable.Map<String, String>> writtenPartitions()
    {
        java.util.Set<scala.collection.immutable.Map<String, String>> partitions = new java.util.HashSet<>();
        written.forEach(file -> partitions.add(file.partitionValues()));
        return partitions;
    }

    /** The files the commit replaces, read through the transaction so that Delta knows what it depends on. */
    abstract List<AddFile> replaced(OptimisticTransaction transaction);

    abstract DeltaOperations.Write operation();

    /** Deletes the written files unless they may be part of the table: readers never see uncommitted files anyway. */
    private static void deleteIfEmpty(FileSystem fs, Path folder)
    {
        try {
            if (fs.exists(folder) && fs.getFileStatus(folder).isDirectory() && fs.listStatus(folder).length == 0) {
                fs.delete(folder, false); // refused if another writer's file arrived meanwhile
            }
        }
        catch (Exception e) { // IOExceptions, also thrown undeclared from Scala: the folder is someone else's now
            LOG.debug("Left folder {}: {}", folder, Errors.rootMessage(e));
        }
    }

    @Override
    public final void abort()
    {
        if (written.isEmpty() || committedVersion().isPresent() || commitOutcomeUnknown) {
            return;
        }
        DeltaLog log = DeltaTables.log(spark, path);
        try {
            FileSystem fs = log.dataPath().getFileSystem(log.newDeltaHadoopConf());
            java.util.Set<Path> folders = new java.util.TreeSet<>(java.util.Comparator.comparingInt(Path::depth).reversed().thenComparing(Path::toString));
            for (AddFile file : written) {
                Path data = new Path(log.dataPath(), file.toPath());
                fs.delete(data, false);
                for (Path folder = data.getParent(); folder != null && folder.depth() >= log.dataPath().depth(); folder = folder.getParent()) {
                    folders.add(folder);
                }
            }
            // the partition folders (and the table's, when it has no log yet) that only this run's files were in
            for (Path folder : folders) {
                deleteIfEmpty(fs, folder);
            }
        }
        catch (Exception e) { // IOExceptions, also thrown undeclared from Scala
            LOG.warn("Could not delete the uncommitted files of {}: {} (they are not part of the table; VACUUM removes them)", path, Errors.rootMessage(e));
        }
        written = List.of();
    }
}
