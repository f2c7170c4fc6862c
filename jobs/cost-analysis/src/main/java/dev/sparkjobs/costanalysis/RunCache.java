package dev.sparkjobs.costanalysis;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

/**
 * The parsed input of the latest run, persisted so that every output table is computed from one
 * read of the files. The framework gives a job no hook after publishing, so a run releases the
 * previous run's rows when it starts: at most one run's input stays cached per JVM.
 */
final class RunCache
{
    private static Dataset<Row> current;

    private RunCache() {}

    static synchronized Dataset<Row> persist(Dataset<Row> rows)
    {
        release();
        current = rows.persist(StorageLevel.MEMORY_AND_DISK());
        return current;
    }

    static synchronized void release()
    {
        if (current != null) {
            current.unpersist(false);
            current = null;
        }
    }
}
