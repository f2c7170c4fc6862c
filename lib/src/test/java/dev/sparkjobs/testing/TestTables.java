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

/** A small output table for publisher tests: (day, total), partitioned and replaced by day. */
public final class TestTables
{
    private TestTables() {}

    public static TableSpec dailyTotals(String name)
    {
        return TableSpec.builder(name)
                .comment("Totals per day")
                .column("day", DataTypes.DateType, "Day")
                .column("total", DataTypes.DoubleType, "Total")
                .partitionedBy("day")
                .writeMode(WriteMode.replacePartition("day", Granularity.DAY))
                .build();
    }

    /** One row per total, all on {@code day}. */
    public static Dataset<Row> dailyTotalsRows(SparkSession spark, LocalDate day, double... totals)
    {
        List<Row> rows = java.util.Arrays.stream(totals).mapToObj(total -> RowFactory.create(Date.valueOf(day), total)).toList();
        return spark.createDataFrame(rows, dailyTotals("rows").schema());
    }
}
