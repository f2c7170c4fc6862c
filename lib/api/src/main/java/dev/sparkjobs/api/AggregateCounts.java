package dev.sparkjobs.api;

import org.apache.spark.sql.Row;

/** Counts read from the one row an aggregation returns: a sum over no rows is null there, and 0 here. */
public final class AggregateCounts
{
    private AggregateCounts() {}

    public static long at(Row totals, int index)
    {
        return totals.isNullAt(index) ? 0 : totals.getLong(index);
    }
}
