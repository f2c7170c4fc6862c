package dev.sparkjobs.costanalysis;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.trunc;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * cost_anomalies: each day's Usage effective cost of an account and service scored against the
 * days with cost in the trailing window before it (robust z-score: distance to the window's
 * median over 1.4826 x its median absolute deviation; over 1.2533 x the mean absolute deviation
 * when the MAD is 0). A window function keeps at most window-days values per row: nothing is
 * collected on the driver, and the shuffle is the daily aggregate.
 */
final class CostAnomalies
{
    private CostAnomalies() {}

    static Dataset<Row> of(Dataset<Row> costRows, CostAnalysisSettings settings)
    {
        int window = settings.anomalyWindowDays();
        int minimumBaselineDays = Math.max(3, (window + 1) / 2);
        Dataset<Row> daily = costRows.filter(col(LineItems.CHARGE_CATEGORY).equalTo(lit(LineItems.USAGE)))
                .groupBy("account_id", "service_name", "charge_date")
                .agg(sum(LineItems.EFFECTIVE_COST).as("effective_cost"));
        WindowSpec trailing = Window.partitionBy("account_id", "service_name")
                .orderBy(col("day"))
                .rangeBetween(-window, -1);
        Column score = col("effective_cost").minus(col("baseline")).divide(col("spread"));
        return daily.withColumn("day", datediff(col("charge_date"), lit(java.sql.Date.valueOf("1970-01-01"))).cast("long"))
                .withColumn("history", collect_list(col("effective_cost")).over(trailing))
                .filter(size(col("history")).geq(lit(minimumBaselineDays)))
                .withColumn("baseline", median("history"))
                .withColumn("deviations", expr("transform(history, value -> abs(value - baseline))"))
                .withColumn("mad", median("deviations"))
                .withColumn("mean_deviation", expr("aggregate(deviations, 0D, (total, value) -> total + value) / size(deviations)"))
                .withColumn("spread", when(col("mad").gt(lit(0.0)), col("mad").multiply(lit(1.4826)))
                        .when(col("mean_deviation").gt(lit(0.0)), col("mean_deviation").multiply(lit(1.2533))))
                .withColumn("score", score)
                .filter(col("spread").isNotNull().and(abs(col("score")).gt(lit(settings.anomalyThreshold()))))
                .select(
                        trunc(col("charge_date"), "month").as("billing_period"),
                        col("charge_date"),
                        col("account_id"),
                        col("service_name"),
                        col("effective_cost"),
                        col("baseline"),
                        col("score"),
                        when(col("score").gt(lit(0.0)), lit("up")).otherwise(lit("down")).as("direction"));
    }

    /** The median of a non-empty array column of doubles. */
    private static Column median(String array)
    {
        String sorted = "array_sort(" + array + ")";
        String size = "size(" + array + ")";
        // Never 0, even where Spark evaluates a CASE branch eagerly as a common subexpression.
        String lower = "CAST(GREATEST(" + size + " DIV 2, 1) AS INT)";
        String upper = "CAST(" + size + " DIV 2 + 1 AS INT)";
        return expr("CASE WHEN " + size + " % 2 = 1 THEN element_at(" + sorted + ", " + upper + ") "
                + "ELSE (element_at(" + sorted + ", " + lower + ") + element_at(" + sorted + ", " + upper + ")) / 2 END");
    }
}
