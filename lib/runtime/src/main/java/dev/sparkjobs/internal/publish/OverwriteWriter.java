package dev.sparkjobs.internal.publish;

import java.util.List;
import java.util.Optional;

import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.DeltaOperations;
import org.apache.spark.sql.delta.OptimisticTransaction;
import org.apache.spark.sql.delta.actions.AddFile;

import dev.sparkjobs.api.TableSpec;

/** Replaces the whole table: for small tables recomputed from everything. */
final class OverwriteWriter
        extends FileStagingWriter
{
    OverwriteWriter(SparkSession spark, TableSpec spec, String path, RunIdentity run, RivalRuns rivals)
    {
        super(spark, spec, path, run, rivals);
    }

    @Override
    List<AddFile> replaced(OptimisticTransaction transaction)
    {
        return DeltaTables.list(transaction.filterFiles());
    }

    @Override
    DeltaOperations.Write operation()
    {
        return DeltaTables.write(SaveMode.Overwrite, spec.partitionColumns(), Optional.of("true"), run.runId());
    }
}
