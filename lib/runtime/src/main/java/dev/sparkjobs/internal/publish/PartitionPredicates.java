package dev.sparkjobs.internal.publish;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.time.LocalDate;
import java.util.TreeSet;

import org.apache.spark.sql.Column;

import dev.sparkjobs.api.WriteMode;

/**
 * Partition predicates built from typed values with the Column API, and rendered to SQL by Spark
 * itself ({@code `billing_period` = DATE '2024-09-01'}): never by pasting strings into SQL.
 */
public final class PartitionPredicates
{
    private PartitionPredicates() {}

    /**
     * The partitions a run of one date replaces in a table: its logical date's, and those the job
     * declared recomputed, each at the table's granularity.
     */
    public static Column runPartitions(WriteMode.ReplacePartition mode, RunIdentity run)
    {
        TreeSet<LocalDate> values = new TreeSet<>();
        values.add(mode.granularity().partitionValue(run.scope().logicalDate()));
        run.alsoRecomputed().forEach(value -> values.add(mode.granularity().partitionValue(value)));
        if (values.size() == 1) {
            return col(mode.column()).equalTo(lit(java.sql.Date.valueOf(values.first())));
        }
        return col(mode.column()).isin(values.stream().map(java.sql.Date::valueOf).toArray());
    }

    public static String toSql(Column predicate)
    {
        return predicate.expr().sql();
    }
}
