package dev.sparkjobs.defectimages;

import java.sql.Date;
import java.util.List;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.sparkjobs.testing.DataFrameAssertions;
import dev.sparkjobs.testing.SharedSpark;

/** Pareto, lot yield and correlations on hand-made feature rows, against hand calculations. */
@ExtendWith(SharedSpark.class)
class DefectStatisticsTest
{
    private static final StructType HISTORY = new StructType()
            .add("capture_date", DataTypes.DateType)
            .add("line_id", DataTypes.StringType)
            .add("process_step", DataTypes.IntegerType)
            .add("lot_id", DataTypes.StringType)
            .add("label", DataTypes.StringType)
            .add("defect_type", DataTypes.StringType);
    private static final StructType PROCESS = new StructType()
            .add("lot_id", DataTypes.StringType)
            .add("process_step", DataTypes.IntegerType)
            .add("parameter", DataTypes.StringType)
            .add("value", DataTypes.DoubleType);

    private static Row image(String day, String line, Integer step, String lot, String label, String defectType)
    {
        return RowFactory.create(Date.valueOf(day), line, step, lot, label, defectType);
    }

    @Test
    void paretoRanksTypesPerMonthAndStep(SparkSession spark)
    {
        Dataset<Row> history = spark.createDataFrame(List.of(
                image("2024-09-02", "l1", 3, "L1", "defect", "scratch"),
                image("2024-09-03", "l1", 3, "L1", "defect", "scratch"),
                image("2024-09-30", "l2", 3, "L2", "defect", "scratch"),
                image("2024-09-04", "l1", 3, "L1", "defect", "spot"),
                image("2024-09-04", "l1", 3, "L1", "defect", "crack"),
                image("2024-09-05", "l1", 3, "L1", "defect", null),
                image("2024-09-05", "l1", 3, "L1", "ok", null),
                image("2024-09-05", null, null, null, "unlabeled", null),
                image("2024-10-01", "l1", 3, "L1", "defect", "spot"),
                image("2024-10-09", "l1", 3, "L1", "defect", "spot")), HISTORY);
        StructType schema = DefectTables.DEFECT_PARETO.schema();
        Date september = Date.valueOf("2024-09-01");
        Date october = Date.valueOf("2024-10-01");
        // September, step 3: 6 defect images; scratch 3, then crack, spot, unspecified with 1 each (ties by name)
        Dataset<Row> expected = spark.createDataFrame(List.of(
                RowFactory.create(september, 3, "scratch", 3L, 0.5, 0.5, 1),
                RowFactory.create(september, 3, "crack", 1L, 1 / 6.0, 4 / 6.0, 2),
                RowFactory.create(september, 3, "spot", 1L, 1 / 6.0, 5 / 6.0, 3),
                RowFactory.create(september, 3, "unspecified", 1L, 1 / 6.0, 1.0, 4),
                RowFactory.create(october, 3, "spot", 2L, 1.0, 1.0, 1)), schema);
        DataFrameAssertions.assertSameRows("defect_pareto", expected, DefectStatistics.pareto(history), 1e-12);
    }

    @Test
    void lotYieldOverAllImagesOfTheLot(SparkSession spark)
    {
        Dataset<Row> history = spark.createDataFrame(List.of(
                image("2024-09-05", "l1", 3, "L1", "defect", "scratch"),
                image("2024-09-02", "l1", 4, "L1", "ok", null),
                image("2024-09-03", "l1", 5, "L1", "defect", "spot"),
                image("2024-09-03", "l1", 5, "L1", "ok", null),
                image("2024-09-04", "l2", 1, "L2", "ok", null),
                image("2024-09-04", null, null, null, "unlabeled", null)), HISTORY);
        Dataset<Row> expected = spark.createDataFrame(List.of(
                RowFactory.create("L1", "l1", Date.valueOf("2024-09-02"), Date.valueOf("2024-09-05"), 4L, 2L, 0.5),
                RowFactory.create("L2", "l2", Date.valueOf("2024-09-04"), Date.valueOf("2024-09-04"), 1L, 0L, 1.0)), DefectTables.LOT_YIELD.schema());
        DataFrameAssertions.assertSameRows("lot_yield", expected, DefectStatistics.lotYield(history), 1e-12);
    }

    @Test
    void pearsonAndSpearmanWithTies(SparkSession spark)
    {
        // defect rates: L1 1/4, L2 2/4, L3 0/2, L4 2/2
        Dataset<Row> history = spark.createDataFrame(List.of(
                image("2024-09-02", "l1", 3, "L1", "defect", "x"), image("2024-09-02", "l1", 3, "L1", "ok", null),
                image("2024-09-02", "l1", 4, "L1", "ok", null), image("2024-09-02", "l1", 5, "L1", "ok", null),
                image("2024-09-02", "l1", 3, "L2", "defect", "x"), image("2024-09-02", "l1", 3, "L2", "defect", "x"),
                image("2024-09-02", "l1", 3, "L2", "ok", null), image("2024-09-02", "l1", 3, "L2", "ok", null),
                image("2024-09-02", "l1", 3, "L3", "ok", null), image("2024-09-02", "l1", 3, "L3", "ok", null),
                image("2024-09-02", "l1", 3, "L4", "defect", "x"), image("2024-09-02", "l1", 3, "L4", "defect", "x"),
                image("2024-09-02", null, null, null, "unlabeled", null)), HISTORY);
        // step 3 temp means: L1 11, L2 20, L3 5, L4 20 (a tie); L9 has no images
        Dataset<Row> process = spark.createDataFrame(List.of(
                RowFactory.create("L1", 3, "temp", 10.0), RowFactory.create("L1", 3, "temp", 12.0),
                RowFactory.create("L2", 3, "temp", 20.0), RowFactory.create("L3", 3, "temp", 5.0),
                RowFactory.create("L4", 3, "temp", 20.0), RowFactory.create("L9", 3, "temp", 99.0),
                RowFactory.create("L1", 3, "pressure", 1.0), RowFactory.create("L2", 3, "pressure", 2.0),
                RowFactory.create("L1", 4, "speed", 7.0), RowFactory.create("L2", 4, "speed", 7.0), RowFactory.create("L3", 4, "speed", 7.0)), PROCESS);
        // Pearson: dx = -3, 6, -9, 6; dy = -0.1875, 0.0625, -0.4375, 0.5625
        double pearson = 8.25 / Math.sqrt(162 * 0.546875);
        // average ranks: x = 2, 3.5, 1, 3.5; y = 2, 3, 1, 4
        double spearman = 4.5 / Math.sqrt(4.5 * 5);
        Dataset<Row> expected = spark.createDataFrame(List.of(
                RowFactory.create(3, "temp", 4L, pearson, spearman),
                RowFactory.create(3, "pressure", 2L, null, null),
                RowFactory.create(4, "speed", 3L, null, null)), DefectTables.PROCESS_CORRELATION.schema());
        DataFrameAssertions.assertSameRows("process_correlation", expected, DefectStatistics.correlation(history, process), 1e-12);
    }
}
