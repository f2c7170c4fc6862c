package dev.sparkjobs.internal.publish;

import static java.util.Objects.requireNonNull;
import static org.apache.spark.sql.functions.col;

import java.util.List;
import java.util.Optional;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.OptimisticTransaction;

import io.delta.tables.DeltaTable;

import dev.sparkjobs.api.Check;
import dev.sparkjobs.api.SessionConf;
import dev.sparkjobs.api.TableSpec;
import dev.sparkjobs.api.WriteMode;

/**
 * Upserts on the declared keys with a MERGE: matched rows are updated, others inserted. The rows
 * are kept in Spark's cache between the checks and the MERGE. A table the commit creates gets the
 * rows in one insert commit (no MERGE join against no rows). A MERGE that conflicts with another
 * writer's commit runs again on top of it: an upsert of the same rows gives the same table.
 */
final class MergeWriter
        extends CachedRowsWriter
{
    private final WriteMode.Merge mode;

    MergeWriter(SparkSession spark, TableSpec spec, String path, RunIdentity run, RivalRuns rivals, WriteMode.Merge mode)
    {
        super(spark, spec, path, run, rivals);
        this.mode = requireNonNull(mode, "mode is null");
    }

    @Override
    public boolean commitsAlongsideOthers()
    {
        return false;
    }


    @Override
    List<Check> impliedChecks()
    {
        String[] keys = mode.keys().toArray(String[]::new);
        return List.of(Check.notNull(keys), Check.uniqueKey(keys));
    }

    @Override
    long beginAttempt(int attempt)
    {
        return DeltaTables.currentVersion(spark, path).orElse(-1L);
    }

    @Override
    long commitAttempt()
    {
        OptimisticTransaction transaction = DeltaTables.log(spark, path).startTransaction();
        if (transaction.readVersion() < 0) {
            transaction.updateMetadataForNewTable(DeltaTables.newTableMetadata(spec));
            return transaction.commit(DeltaTables.seq(List.copyOf(DeltaTables.added(transaction.writeFiles(rows)))),
                    DeltaTables.write(SaveMode.Append, spec.partitionColumns(), Optional.empty(), run.runId()));
        }
        DeltaTables.requireDeclaredSchema(spec, path, transaction.snapshot().schema());
        long before = transaction.readVersion();
        Column matched = mode.keys().stream().map(key -> col("target." + key).equalTo(col("source." + key))).reduce(Column::and).orElseThrow();
        SessionConf.with(spark, USER_METADATA, run.runId(), () -> {
            DeltaTable.forPath(spark, path).as("target")
                    .merge(rows.as("source"), matched)
                    .whenMatched().updateAll()
                    .whenNotMatched().insertAll()
                    .execute();
            return null;
        });
        // the version of this run's MERGE: later commits of other writers may already be there
        return DeltaTables.commitsAfter(spark, path, before).stream()
                .filter(commit -> commit.userMetadata().equals(Optional.of(run.runId())))
                .mapToLong(DeltaTables.LoggedCommit::version)
                .max()
                .orElseThrow(() -> new IllegalStateException("The MERGE into " + path + " left no commit of run " + run.runId()));
    }
}
