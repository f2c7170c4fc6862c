package dev.sparkjobs.internal.publish;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.OptimisticTransaction;
import org.apache.spark.sql.delta.actions.Action;
import org.apache.spark.sql.delta.actions.SetTransaction;

import scala.Option;

import dev.sparkjobs.api.TableSpec;

/**
 * Appends, at most once per job, table and logical date: the commit records a Delta transaction
 * id ({@code job/table/date}), and a run of a date that already has one appends nothing. Runs of
 * the same date at once: Delta lets one commit the id; the other skips its append. The append of a
 * run that then gives way to the other stays, since the other run skipped its own because of it.
 */
final class IdempotentAppendWriter
        extends CachedRowsWriter
{
    private OptimisticTransaction transaction;
    private boolean appended;

    IdempotentAppendWriter(SparkSession spark, TableSpec spec, String path, RunIdentity run, RivalRuns rivals)
    {
        super(spark, spec, path, run, rivals);
    }

    @Override
    public boolean commitsAlongsideOthers()
    {
        return true;
    }


    private String applicationId()
    {
        return run.job() + "/" + spec.name() + "/" + run.scope().logicalDate();
    }

    @Override
    long beginAttempt(int attempt)
    {
        transaction = DeltaTables.log(spark, path).startTransaction();
        if (transaction.readVersion() < 0) {
            transaction.updateMetadataForNewTable(DeltaTables.newTableMetadata(spec));
        }
        else {
            DeltaTables.requireDeclaredSchema(spec, path, transaction.snapshot().schema());
        }
        return transaction.readVersion();
    }

    @Override
    long commitAttempt()
    {
        if (transaction.readVersion() >= 0 && transaction.txnVersion(applicationId()) >= 0) {
            appended = false; // an earlier run of this date appended its rows
            return transaction.readVersion();
        }
        List<Action> actions = new ArrayList<>(DeltaTables.added(transaction.writeFiles(rows)));
        actions.add(new SetTransaction(applicationId(), 0L, Option.apply(System.currentTimeMillis())));
        long version = transaction.commit(DeltaTables.seq(actions), DeltaTables.write(SaveMode.Append, spec.partitionColumns(), Optional.empty(), run.runId()));
        appended = true;
        return version;
    }

    @Override
    public boolean keptWhenSuperseded()
    {
        return true;
    }

    @Override
    boolean committedByAttempt()
    {
        return appended;
    }
}
