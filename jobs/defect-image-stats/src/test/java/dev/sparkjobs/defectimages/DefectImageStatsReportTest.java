package dev.sparkjobs.defectimages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dev.sparkjobs.api.report.Chart;
import dev.sparkjobs.api.report.Chart.Axis;
import dev.sparkjobs.api.report.Chart.Marker;
import dev.sparkjobs.api.report.Chart.Point;
import dev.sparkjobs.api.report.Chart.Series;
import dev.sparkjobs.api.report.DataTable;
import dev.sparkjobs.api.report.Note;
import dev.sparkjobs.api.report.Report;
import dev.sparkjobs.api.report.ReportBlock;
import dev.sparkjobs.testing.JobHarness;
import dev.sparkjobs.testing.SharedSpark;

/**
 * The report's numbers on a month of inspections ({@link MonthOfInspections}), run once for the
 * class: hand-calculated values, and every series against Spark SQL over the published tables.
 */
@ExtendWith(SharedSpark.class)
class DefectImageStatsReportTest
{
    private static final LocalDate SEPTEMBER_6 = LocalDate.of(2024, 9, 6);
    private static final String SEPTEMBER = "DATE'2024-09-01' AND DATE'2024-09-30'";
    private static final double EXACT = 1e-12;

    @TempDir
    static Path work;

    private static SparkSession spark;
    private static JobHarness harness;
    private static Report september;

    @BeforeAll
    static void runTheMonth(SparkSession session)
    {
        spark = session;
        MonthOfInspections month = new MonthOfInspections(work.resolve("input"));
        harness = JobHarness.onLocalLake(spark, DefectImageStatsJob.NAME, work.resolve("lake"))
                .input(ImageCatalog.IMAGES, month.images.toString())
                .input(Inspections.INPUT, month.inspections.toString())
                .input(ProcessParameters.INPUT, month.process.toString());
        harness.runAll("2024-09-06").assertSucceeded();
        september = harness.report(Optional.of(SEPTEMBER_6));
    }

    @Test
    void paretoOfTheMonthWithCumulativeShare()
    {
        Chart pareto = chart(DefectImageStatsReport.PARETO);
        // all steps of September: scratch 4 (09-02..05) + 2 (09-06) = 6; spot 4 (09-06) + 1 (step 5) = 5; crack 1 + 1 = 2;
        // the untyped defect of 09-06 is unspecified: 14 in all. The August scratch is another month's.
        assertThat(pareto.categories()).as("defect types, most frequent first").containsExactly("scratch", "spot", "crack", "unspecified");
        assertSeries("defect images by hand", pareto.series(DefectImageStatsReport.DEFECT_IMAGES),
                Map.of("scratch", 6.0, "spot", 5.0, "crack", 2.0, "unspecified", 1.0));
        // 6 / 14 = 42.857 %, 11 / 14 = 78.571 %, 13 / 14 = 92.857 %, 14 / 14
        assertSeries("cumulative % by hand", pareto.series(DefectImageStatsReport.CUMULATIVE),
                Map.of("scratch", 600 / 14.0, "spot", 1100 / 14.0, "crack", 1300 / 14.0, "unspecified", 100.0));
        assertThat(pareto.series(DefectImageStatsReport.CUMULATIVE).axis()).as("cumulative % axis").isEqualTo(Axis.RIGHT);
        assertThat(pareto.rightAxis()).as("right axis label").contains(DefectImageStatsReport.CUMULATIVE);

        List<Row> expected = sql("""
                SELECT defect_type, n,
                       100 * sum(n) OVER (ORDER BY n DESC, defect_type ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) / sum(n) OVER () AS cumulative
                FROM (SELECT defect_type, sum(defect_images) AS n FROM %s WHERE period = DATE'2024-09-01' GROUP BY defect_type)
                ORDER BY n DESC, defect_type""".formatted(table("defect_pareto")));
        assertSeries("defect images against SQL", pareto.series(DefectImageStatsReport.DEFECT_IMAGES), byFirstColumn(expected, 1));
        assertSeries("cumulative % against SQL", pareto.series(DefectImageStatsReport.CUMULATIVE), byFirstColumn(expected, 2));
    }

    @Test
    void pChartPerStepWithItsLimitsAndTheDayOutOfControl()
    {
        Chart step3 = chart("p-chart-3");
        // step 3 in September: 1 defect of 10 images on each of 09-02..05, 8 of 10 on 09-06: p-bar = 12 / 50 = 0.24.
        // 09-06: p = 8 / 10 = 0.8; sigma for n = 10 is sqrt(0.24 * 0.76 / 10) = sqrt(0.01824) = 0.135056,
        // UCL = 0.24 + 3 * 0.135056 = 0.645167 and LCL = 0.24 - 0.405167 < 0, clipped to 0: 0.8 is above the UCL.
        assertThat(step3.series(PChart.RATE).valueAt("2024-09-06")).as("p of step 3 on 09-06").contains(0.8);
        assertThat(step3.series(PChart.RATE).valueAt("2024-09-02")).as("p of step 3 on 09-02").contains(0.1);
        assertThat(step3.series(PChart.CENTRE_LINE).valueAt("2024-09-06").orElseThrow()).as("p-bar of step 3").isCloseTo(0.24, within(EXACT));
        assertThat(step3.series(PChart.UPPER_LIMIT).valueAt("2024-09-06").orElseThrow()).as("UCL of step 3 on 09-06, n = 10")
                .isCloseTo(0.645167, within(1e-6));
        assertThat(step3.series(PChart.LOWER_LIMIT).valueAt("2024-09-06")).as("LCL of step 3 on 09-06, clipped").contains(0.0);
        assertThat(step3.series(PChart.OUT_OF_CONTROL).points()).as("step 3 out of control")
                .containsExactly(new Point("2024-09-06", 0.8));
        assertThat(step3.markers()).as("markers of step 3").extracting(Marker::category).containsExactly("2024-09-06");
        assertThat(step3.markers().get(0).label()).as("marker of 09-06").isEqualTo("p = 0.800 (8 of 10) above UCL 0.645");
        // step 5: 2 defects of 4 images on 09-03, p-bar = 0.5; 0.5 +- 3 sqrt(0.25 / 4) = 0.5 +- 0.75, clipped to 0..1
        Chart step5 = chart("p-chart-5");
        assertThat(List.of(step5.series(PChart.RATE).points(), step5.series(PChart.UPPER_LIMIT).points(), step5.series(PChart.LOWER_LIMIT).points()))
                .as("p, UCL and LCL of step 5").containsExactly(
                        List.of(new Point("2024-09-03", 0.5)), List.of(new Point("2024-09-03", 1.0)), List.of(new Point("2024-09-03", 0.0)));
        assertThat(step5.series()).as("step 5 is in control: no out-of-control series").extracting(Series::name)
                .doesNotContain(PChart.OUT_OF_CONTROL);

        // 15 steps have images: 3 and 5 have defects, 10..22 two ok images each; 12 charts, then steps by number
        List<String> charted = new ArrayList<>(List.of("p-chart-3", "p-chart-5"));
        IntStream.rangeClosed(10, 19).forEach(step -> charted.add("p-chart-" + step));
        assertThat(september.charts()).as("p-charts").extracting(Chart::id).filteredOn(id -> id.startsWith("p-chart-")).containsExactlyElementsOf(charted);
        assertThat(((Note) september.block(DefectImageStatsReport.P_CHARTS_NOT_SHOWN)).text()).as("note on the steps without a chart")
                .contains("images at 15 process steps", "Not charted: steps 20, 21, 22.");

        List<Row> expected = sql("""
                WITH days AS (
                    SELECT process_step, capture_date, sum(images) AS n, sum(defect_images) AS defective
                    FROM %s WHERE process_step IS NOT NULL AND capture_date BETWEEN %s
                    GROUP BY process_step, capture_date),
                steps AS (SELECT process_step, sum(defective) / sum(n) AS p_bar FROM days GROUP BY process_step),
                limits AS (
                    SELECT process_step, CAST(capture_date AS STRING) AS day, defective / n AS p, p_bar,
                           least(1.0, p_bar + 3 * sqrt(p_bar * (1 - p_bar) / n)) AS ucl,
                           greatest(0.0, p_bar - 3 * sqrt(p_bar * (1 - p_bar) / n)) AS lcl
                    FROM days JOIN steps USING (process_step))
                SELECT *, p > ucl OR p < lcl AS out_of_control FROM limits ORDER BY process_step, day""".formatted(table("defect_stats_daily"), SEPTEMBER));
        for (String id : charted) {
            int step = Integer.parseInt(id.substring("p-chart-".length()));
            List<Row> days = expected.stream().filter(row -> row.getInt(0) == step).toList();
            Chart chart = chart(id);
            assertSeries(id + " p against SQL", chart.series(PChart.RATE), byColumn(days, 1, 2));
            assertSeries(id + " centre line against SQL", chart.series(PChart.CENTRE_LINE), byColumn(days, 1, 3));
            assertSeries(id + " UCL against SQL", chart.series(PChart.UPPER_LIMIT), byColumn(days, 1, 4));
            assertSeries(id + " LCL against SQL", chart.series(PChart.LOWER_LIMIT), byColumn(days, 1, 5));
            List<String> outOfControl = days.stream().filter(row -> row.getBoolean(6)).map(row -> row.getString(1)).toList();
            assertThat(chart.markers()).as(id + " markers against SQL").extracting(Marker::category).containsExactlyElementsOf(outOfControl);
        }
    }

    @Test
    void lowestLotYieldsOfTheMonth()
    {
        Chart lots = chart(DefectImageStatsReport.LOT_YIELD);
        Series yields = lots.series(DefectImageStatsReport.YIELD);
        // L1 holds images 0 and 5 of every step-3 day: defects are image 0 on 09-02..05 and images 0 and 5 on 09-06, 6 of 10
        assertThat(yields.points().get(0)).as("lowest yield").isEqualTo(new Point("L1", 40.0));
        // M1: 2 defects of 4; A1 (the August scratch, yield 0) was not captured in September
        assertThat(yields.valueAt("M1")).as("yield of M1").contains(50.0);
        assertThat(lots.categories()).as("lots of September").doesNotContain("A1").hasSize(DefectImageStatsReport.LOWEST_LOTS);
        // L1..L5, M1 and 26 lots of steps 10..22
        assertThat(lots.title()).as("title").contains("the 30 lowest of 32 lots");

        List<Row> expected = sql("""
                SELECT lot_id, 100 * yield FROM %s
                WHERE first_capture <= DATE'2024-09-30' AND last_capture >= DATE'2024-09-01'
                ORDER BY yield, lot_id LIMIT 30""".formatted(table("lot_yield")));
        assertSeries("lot yield against SQL", yields, byFirstColumn(expected, 1));
    }

    @Test
    void strongestCorrelationsFirst()
    {
        DataTable correlations = (DataTable) september.block(DefectImageStatsReport.CORRELATIONS);
        // 12 parameters at steps 1..4 over 6 lots, less pressure_kpa at step 3 (constant) = 11; humidity at step 9 has 2 lots
        assertThat(correlations.rows()).as("rows: the top 10 of 11").hasSize(DefectImageStatsReport.TOP_CORRELATIONS);
        assertThat(correlations.rows()).as("keys").extracting(row -> row.get(0))
                .doesNotContain(DefectImageStatsReport.parameterAtStep("pressure_kpa", 3), DefectImageStatsReport.parameterAtStep("humidity", 9));
        List<Double> strengths = correlations.rows().stream().map(row -> Math.abs(Double.parseDouble(row.get(2)))).toList();
        assertThat(strengths).as("|pearson r| of the rows").isSortedAccordingTo((left, right) -> Double.compare(right, left));

        List<Row> expected = sql("""
                SELECT process_step, parameter, lots, pearson_r, spearman_r FROM %s WHERE pearson_r IS NOT NULL
                ORDER BY abs(pearson_r) DESC, abs(spearman_r) DESC, process_step, parameter LIMIT 10""".formatted(table("process_correlation")));
        for (int i = 0; i < expected.size(); i++) {
            Row row = expected.get(i);
            String key = DefectImageStatsReport.parameterAtStep(row.getString(1), row.getInt(0));
            List<String> shown = correlations.rows().get(i);
            assertThat(shown.get(0)).as("row %d", i).isEqualTo(key);
            assertThat(correlations.cell(key, "lots")).as("lots of %s", key).isEqualTo(String.valueOf(row.getLong(2)));
            assertThat(Double.parseDouble(correlations.cell(key, "pearson r"))).as("pearson r of %s", key).isCloseTo(row.getDouble(3), within(5e-4));
            assertThat(Double.parseDouble(correlations.cell(key, "spearman r"))).as("spearman r of %s", key).isCloseTo(row.getDouble(4), within(5e-4));
            assertThat(correlations.cell(key, "a higher value goes with")).as("direction of %s", key)
                    .isEqualTo(row.getDouble(3) > 0 ? "more defects" : "fewer defects");
        }
    }

    @Test
    void withoutDateTheLatestMonth()
    {
        Report latest = harness.report(Optional.empty());
        assertThat(latest.title()).as("title").isEqualTo("defect-image-stats: September 2024");
        assertThat(latest.subtitle()).as("subtitle").isEqualTo("Capture days 2024-09-01 to 2024-09-30 (the latest month in defect_stats_daily)");
        assertThat(latest.blocks()).as("blocks of the latest month").isEqualTo(september.blocks());
    }

    @Test
    void aMonthWithoutRowsGetsNotes()
    {
        Report october = harness.report(Optional.of(LocalDate.of(2024, 10, 15)));
        assertThat(october.charts()).as("charts of October").isEmpty();
        for (String id : List.of("pareto-no-data", "p-charts-no-data", "lot-yield-no-data")) {
            assertThat(((Note) october.block(id)).text()).as(id)
                    .contains("has no rows for October 2024 (it holds 2024-0", "to 2024-09)",
                            "Run `spark-jobs run defect-image-stats --date D` for the days of 2024-10");
        }
        assertThat(october.block(DefectImageStatsReport.CORRELATIONS)).as("correlations cover all lots, not a month").isInstanceOf(DataTable.class);
    }

    @Test
    void anEmptyLakeGetsNotesNotAFailure()
    {
        JobHarness empty = JobHarness.onLocalLake(spark, DefectImageStatsJob.NAME, work.resolve("empty-lake"));
        Report undated = empty.report(Optional.empty());
        assertThat(undated.blocks()).as("blocks without tables").extracting(ReportBlock::id).containsExactly("report-no-data");
        assertThat(((Note) undated.blocks().get(0)).text()).as("what to run").contains("spark-jobs run defect-image-stats --date D");

        Report dated = empty.report(Optional.of(SEPTEMBER_6));
        assertThat(dated.blocks()).as("blocks without tables, for a date").extracting(ReportBlock::id)
                .containsExactly("pareto-no-data", "p-charts-no-data", "lot-yield-no-data", "process-correlations-no-data");
        assertThat(((Note) dated.block("pareto-no-data")).text()).as("missing defect_pareto")
                .startsWith("Table defect_pareto does not exist under output.root yet: run `spark-jobs run defect-image-stats --date D`");
        assertThat(((Note) dated.block("process-correlations-no-data")).text()).as("missing process_correlation").contains("--set input.process=");
    }

    private static Chart chart(String id)
    {
        return (Chart) september.block(id);
    }

    private static String table(String name)
    {
        return "delta.`" + harness.lake() + "/" + name + "`";
    }

    private static List<Row> sql(String query)
    {
        return spark.sql(query).collectAsList();
    }

    private static Map<String, Double> byFirstColumn(List<Row> rows, int value)
    {
        return byColumn(rows, 0, value);
    }

    private static Map<String, Double> byColumn(List<Row> rows, int category, int value)
    {
        Map<String, Double> values = new LinkedHashMap<>();
        rows.forEach(row -> values.put(row.getString(category), ((Number) row.get(value)).doubleValue()));
        return values;
    }

    /** The series has exactly these categories, in this order when {@code expected} is ordered, with these values. */
    private static void assertSeries(String context, Series series, Map<String, Double> expected)
    {
        List<String> categories = series.points().stream().map(Point::category).toList();
        if (expected instanceof LinkedHashMap) {
            assertThat(categories).as("%s: categories", context).containsExactlyElementsOf(expected.keySet());
        }
        else {
            assertThat(categories).as("%s: categories", context).containsExactlyInAnyOrderElementsOf(expected.keySet());
        }
        for (Point point : series.points()) {
            assertThat(point.value()).as("%s: %s", context, point.category()).isCloseTo(expected.get(point.category()), within(EXACT));
        }
    }
}
