package dev.sparkjobs.internal.publish;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.time.LocalDate;

import org.apache.spark.sql.Column;

import dev.sparkjobs.api.RunScope;
import dev.sparkjobs.api.WriteMode;

/**
 * Partition predicates built from typed values with the Column API, and rendered to SQL by Spark
 * itself ({@code `billing_period` = DATE '2024-09-01'}): never by pasting strings into SQL.
 */
public final class PartitionPredicates
{
    private PartitionPredicates() {}

    public static Column runPartition(WriteMode.ReplacePartition mode, RunScope scope)
    {
        LocalDate value = mode.granularity().partitionValue(scope.logicalDate());
        return col(mode.column()).equalTo(lit(java.sql.Date.valueOf(value)));
    }

    public static String toSql(Column predicate)
    {
        return predicate.expr().sql();
    }
}
