package dev.sparkjobs.internal.runtime;

/** Totals over the Spark tasks of one run, as recorded in the run ledger. */
public record RunMetrics(
        long recordsRead,
        long bytesRead,
        long recordsWritten,
        long bytesWritten,
        long taskTimeMillis,
        long shuffleReadBytes,
        long shuffleWriteBytes,
        long spilledBytes,
        long tasks)
{
    public static final RunMetrics EMPTY = new RunMetrics(0, 0, 0, 0, 0, 0, 0, 0, 0);
}
