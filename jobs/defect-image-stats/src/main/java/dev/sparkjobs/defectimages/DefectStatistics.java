package dev.sparkjobs.defectimages;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.corr;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.rank;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.trunc;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;

/** The aggregate tables, computed from image feature rows (this run's, or this run's plus the published history). */
final class DefectStatistics
{
    static final int MIN_LOTS_FOR_CORRELATION = 3;
    static final String UNSPECIFIED_DEFECT = "unspecified";

    private DefectStatistics() {}

    private static Column flag(Column condition)
    {
        return when(condition, 1L).otherwise(0L);
    }

    private static Column isDefect()
    {
        return col("label").equalTo(Labels.DEFECT);
    }

    /** defect_stats_daily from the run's image_features rows. */
    static Dataset<Row> daily(Dataset<Row> features)
    {
        Column labelled = col("label").isin(Labels.OK, Labels.DEFECT);
        Column lowQuality = col("quality_flag").isin(QualityFlag.BLURRY.value(), QualityFlag.UNDEREXPOSED.value(), QualityFlag.OVEREXPOSED.value());
        return features.groupBy("capture_date", "line_id", "process_step")
                .agg(
                        count(lit(1)).as("images"),
                        sum(flag(isDefect())).as("defect_images"),
                        sum(flag(labelled)).as("labelled_images"),
                        sum(flag(col("quality_flag").equalTo(QualityFlag.UNREADABLE.value()))).as("unreadable_images"),
                        sum(flag(lowQuality)).as("low_quality_images"),
                        avg(when(isDefect(), col("defect_area_fraction"))).as("mean_defect_area_fraction"))
                .select(
                        col("capture_date"),
                        col("line_id"),
                        col("process_step"),
                        col("images"),
                        col("defect_images"),
                        when(col("labelled_images").gt(0), col("defect_images").divide(col("labelled_images"))).as("defect_rate"),
                        col("unreadable_images"),
                        col("low_quality_images"),
                        col("mean_defect_area_fraction"));
    }

    /** defect_pareto for every month present in {@code history} (image_features rows of the months to recompute). */
    static Dataset<Row> pareto(Dataset<Row> history)
    {
        Dataset<Row> counts = history.filter(isDefect())
                .groupBy(
                        trunc(col("capture_date"), "month").as("period"),
                        col("process_step"),
                        coalesce(col("defect_type"), lit(UNSPECIFIED_DEFECT)).as("defect_type"))
                .agg(count(lit(1)).as("defect_images"));
        WindowSpec step = Window.partitionBy("period", "process_step");
        WindowSpec ranked = step.orderBy(col("defect_images").desc(), col("defect_type").asc());
        Column total = sum("defect_images").over(step);
        return counts.select(
                col("period"),
                col("process_step"),
                col("defect_type"),
                col("defect_images"),
                col("defect_images").divide(total).as("share"),
                sum("defect_images").over(ranked.rowsBetween(Window.unboundedPreceding(), Window.currentRow())).divide(total).as("cumulative_share"),
                row_number().over(ranked).as("rank"));
    }

    /** lot_yield of the lots in {@code history} (every image_features row of each lot to recompute). */
    static Dataset<Row> lotYield(Dataset<Row> history)
    {
        return history.filter(col("lot_id").isNotNull())
                .groupBy("lot_id")
                .agg(
                        min("line_id").as("line_id"),
                        min("capture_date").as("first_capture"),
                        max("capture_date").as("last_capture"),
                        count(lit(1)).as("images"),
                        sum(flag(isDefect())).as("defect_images"))
                .withColumn("yield", lit(1.0).minus(col("defect_images").divide(col("images"))));
    }

    /**
     * process_correlation: per step and parameter, over lots, the lot's mean parameter value at
     * that step against the lot's defect rate over all its images in {@code history}.
     */
    static Dataset<Row> correlation(Dataset<Row> history, Dataset<Row> process)
    {
        Dataset<Row> lotRates = history.filter(col("lot_id").isNotNull().and(col("label").isin(Labels.OK, Labels.DEFECT)))
                .groupBy("lot_id")
                .agg(avg(flag(isDefect()).cast(DataTypes.DoubleType)).as("defect_rate"));
        Dataset<Row> means = process.groupBy("lot_id", "process_step", "parameter").agg(avg("value").as("mean_value"));
        Dataset<Row> pairs = means.join(lotRates, "lot_id");
        WindowSpec series = Window.partitionBy("process_step", "parameter");
        Dataset<Row> ranked = pairs
                .withColumn("value_rank", averageRank(series, "mean_value"))
                .withColumn("rate_rank", averageRank(series, "defect_rate"));
        Column enough = col("lots").geq(MIN_LOTS_FOR_CORRELATION);
        return ranked.groupBy("process_step", "parameter")
                .agg(
                        count(lit(1)).as("lots"),
                        corr("mean_value", "defect_rate").as("pearson"),
                        corr("value_rank", "rate_rank").as("spearman"))
                .select(
                        col("process_step"),
                        col("parameter"),
                        col("lots"),
                        when(enough.and(isnan(col("pearson")).unary_$bang()), col("pearson")).as("pearson_r"),
                        when(enough.and(isnan(col("spearman")).unary_$bang()), col("spearman")).as("spearman_r"));
    }

    /** 1-based rank within the series; tied values share the mean of the ranks they span. */
    private static Column averageRank(WindowSpec series, String column)
    {
        Column first = rank().over(series.orderBy(col(column)));
        Column ties = count(lit(1)).over(Window.partitionBy(col("process_step"), col("parameter"), col(column)));
        return first.cast(DataTypes.DoubleType).plus(ties.minus(1).divide(2.0));
    }
}
