package dev.sparkjobs.internal.publish;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.DeltaOperations;
import org.apache.spark.sql.delta.OptimisticTransaction;
import org.apache.spark.sql.delta.actions.AddFile;

import scala.collection.JavaConverters;

import dev.sparkjobs.api.Check;
import dev.sparkjobs.api.TableSpec;
import dev.sparkjobs.api.WriteMode;

/**
 * Replaces the run's partitions (scope date: the logical date's and those the job declared
 * recomputed), or every partition the result falls in (scope all). The commit reads only those
 * partitions, so runs of other dates commit alongside without conflict.
 */
final class ReplacePartitionWriter
        extends FileStagingWriter
{
    private final WriteMode.ReplacePartition mode;

    ReplacePartitionWriter(SparkSession spark, TableSpec spec, String path, RunIdentity run, RivalRuns rivals, WriteMode.ReplacePartition mode)
    {
        super(spark, spec, path, run, rivals);
        this.mode = requireNonNull(mode, "mode is null");
    }

    @Override
    List<Check> impliedChecks()
    {
        if (run.scope().isAll()) {
            return List.of(Check.notNull(mode.column()));
        }
        Column inRun = PartitionPredicates.runPartitions(mode, run);
        return List.of(Check.notNull(mode.column()),
                Check.predicate("in_run_partition(" + PartitionPredicates.toSql(inRun) + ")", inRun, mode.column()));
    }

    @Override
    List<AddFile> replaced(OptimisticTransaction transaction)
    {
        if (run.scope().isAll()) {
            return DeltaTables.list(transaction.filterFiles(JavaConverters.asScalaSet(writtenPartitions()).toSet()));
        }
        return DeltaTables.list(transaction.filterFiles(DeltaTables.seq(List.of(
                DeltaTables.condition(spark, spec.schema(), PartitionPredicates.runPartitions(mode, run)))), false));
    }

    @Override
    DeltaOperations.Write operation()
    {
        String predicate = run.scope().isAll() ? "partitions written by the run" : PartitionPredicates.toSql(PartitionPredicates.runPartitions(mode, run));
        return DeltaTables.write(SaveMode.Overwrite, spec.partitionColumns(), Optional.of(predicate), run.runId());
    }

    @Override
    Optional<String> optimizeWhere()
    {
        return run.scope().isAll() ? Optional.empty() : Optional.of(PartitionPredicates.toSql(PartitionPredicates.runPartitions(mode, run)));
    }
}
