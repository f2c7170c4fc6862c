package dev.sparkjobs.testing;

import java.sql.Date;
import java.time.LocalDate;
import java.util.List;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;

import dev.sparkjobs.api.Granularity;
import dev.sparkjobs.api.TableSpec;
import dev.sparkjobs.api.WriteMode;

/** Small output tables for publisher tests: (day, total), partitioned and replaced by day, and the like. */
public final class TestTables
{
    private TestTables() {}

    public static TableSpec dailyTotals(String name)
    {
        return totals(name, "day", WriteMode.replacePartition("day", Granularity.DAY));
    }

    /**
     * (date column, total), published by {@code mode}; partitioned by the date column when the mode
     * replaces partitions.
     */
    public static TableSpec totals(String name, String dateColumn, WriteMode mode)
    {
        TableSpec.Builder builder = TableSpec.builder(name)
                .comment("Totals per " + dateColumn)
                .column(dateColumn, DataTypes.DateType, "Date")
                .column("total", DataTypes.DoubleType, "Total")
                .writeMode(mode);
        if (mode instanceof WriteMode.ReplacePartition) {
            builder.partitionedBy(dateColumn);
        }
        return builder.build();
    }

    /** One row per total, all on {@code day}. */
    public static Dataset<Row> dailyTotalsRows(SparkSession spark, LocalDate day, double... totals)
    {
        return totalsRows(spark, dailyTotals("rows"), day, totals);
    }

    /** One row per total of a {@link #totals} table, all on {@code day}. */
    public static Dataset<Row> totalsRows(SparkSession spark, TableSpec spec, LocalDate day, double... totals)
    {
        List<Row> rows = java.util.Arrays.stream(totals).mapToObj(total -> RowFactory.create(Date.valueOf(day), total)).toList();
        return spark.createDataFrame(rows, spec.schema());
    }
}
