package dev.sparkjobs.internal.publish;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

import dev.sparkjobs.api.TableSpec;

/**
 * Keeps the job's result in Spark's cache between the checks and the commit: for write modes whose
 * commit needs its source rows (a MERGE, an append decided at commit time).
 */
abstract sealed class CachedRowsWriter
        extends TableWriter
        permits MergeWriter, IdempotentAppendWriter
{
    Dataset<Row> rows;

    CachedRowsWriter(SparkSession spark, TableSpec spec, String path, RunIdentity run, RivalRuns rivals)
    {
        super(spark, spec, path, run, rivals);
    }

    @Override
    final Dataset<Row> stageRows(Dataset<Row> aligned)
    {
        rows = aligned.persist(StorageLevel.MEMORY_AND_DISK());
        return rows;
    }

    @Override
    public final void abort()
    {
        if (rows != null) {
            rows.unpersist(false);
        }
    }
}
