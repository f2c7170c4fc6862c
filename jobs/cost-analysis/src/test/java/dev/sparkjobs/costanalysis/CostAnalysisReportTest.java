package dev.sparkjobs.costanalysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.IntStream;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dev.sparkjobs.api.report.Chart;
import dev.sparkjobs.api.report.DataTable;
import dev.sparkjobs.api.report.Note;
import dev.sparkjobs.api.report.Report;
import dev.sparkjobs.testing.JobHarness;
import dev.sparkjobs.testing.SharedSpark;

/**
 * The numbers behind each chart and table of the cost-analysis report, on a small hand-made CUR
 * published once for the class (August and September 2024, scope=all): against hand
 * calculations and against Spark SQL over the published tables.
 *
 * <p>September: account B spends once, on the 10th, on ten services with ten owners; account C
 * spends on untagged S3 every day of the 1st-16th (10 on odd days, 12 on even days, 30 on the 15th,
 * 1 on the 16th: 7 x 10 + 7 x 12 + 30 + 1 = 185, anomalies on the 15th and 16th as in
 * {@link KpisAndAnomaliesTest}). August: account A's S3, 20.
 */
@ExtendWith(SharedSpark.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CostAnalysisReportTest
{
    private static final String A = "111111111111";
    private static final String B = "222222222222";
    private static final String C = "333333333333";
    private static final String SEPTEMBER = "2024-09-01";
    /** Account B's services on 2024-09-10: effective cost and owner. */
    private static final Map<String, Integer> B_COSTS = Map.of("AmazonEC2", 100, "AmazonRDS", 90, "AmazonDynamoDB", 80, "AWSLambda", 70,
            "AmazonCloudWatch", 60, "AmazonSNS", 50, "AmazonSQS", 40, "AmazonEKS", 30, "AmazonRoute53", 3, "AWSGlue", 2);
    private static final Map<String, String> B_OWNERS = Map.of("AmazonEC2", "payments", "AmazonRDS", "search", "AmazonDynamoDB", "catalog",
            "AWSLambda", "checkout", "AmazonCloudWatch", "platform", "AmazonSNS", "notifications", "AmazonSQS", "orders", "AmazonEKS", "data",
            "AmazonRoute53", "network", "AWSGlue", "analytics");
    // By September's effective cost: S3 185 (C), then B's eight largest; EKS 30, Route53 3 and Glue 2 go to "other".
    private static final List<String> TOP_SERVICES = List.of("AmazonS3", "AmazonEC2", "AmazonRDS", "AmazonDynamoDB", "AWSLambda",
            "AmazonCloudWatch", "AmazonSNS", "AmazonSQS");

    private SparkSession spark;
    private JobHarness harness;
    private Report september;

    @BeforeAll
    void publishAndReport(SparkSession spark, @TempDir Path work)
    {
        this.spark = spark;
        CurFile cur = new CurFile()
                .row(A, "2024-08-20", "Usage", "20", "line_item_product_code", "AmazonS3", "pricing_public_on_demand_cost", "20",
                        "resource_tags", "{\"user_team\": \"payments\"}");
        B_COSTS.forEach((service, cost) -> cur.row(B, "2024-09-10", "Usage", String.valueOf(cost), "line_item_product_code", service,
                // EC2 lists at 125: the only saving of the period
                "pricing_public_on_demand_cost", service.equals("AmazonEC2") ? "125" : String.valueOf(cost),
                "resource_tags", "{\"user_team\": \"" + B_OWNERS.get(service) + "\"}"));
        for (int day = 1; day <= 16; day++) {
            String cost = day == 15 ? "30" : day == 16 ? "1" : day % 2 == 1 ? "10" : "12";
            cur.row(C, "2024-09-%02d".formatted(day), "Usage", cost, "line_item_product_code", "AmazonS3", "pricing_public_on_demand_cost", cost);
        }
        harness = JobHarness.onLocalLake(spark, CostAnalysisJob.NAME, work.resolve("lake"))
                .input("billing", cur.write(work.resolve("cur/part-1.csv")).toString());
        harness.runAll("2024-09-30").assertSucceeded();
        september = harness.report(Optional.of(LocalDate.parse("2024-09-17")));
    }

    @Test
    void blocksOfThePeriod()
    {
        assertThat(september.blocks()).as("blocks of September's report").extracting(block -> block.id())
                .containsExactly("daily-cost-by-service", "daily-cost-trend", "kpis", "top-owners");
        // B 100 + 90 + 80 + 70 + 60 + 50 + 40 + 30 + 3 + 2 = 525, C 185
        assertThat(september.subtitle()).as("subtitle").isEqualTo("Billing period 2024-09, all accounts: 710.00 effective cost on 16 days with charges");
    }

    @Test
    void dailyCostByServiceStacksTheTopEightServicesAndTheRestAsOther()
    {
        Chart chart = chart(september, "daily-cost-by-service");
        assertThat(chart.series()).as("series of daily-cost-by-service").allSatisfy(series -> assertThat(series.style()).as("style of %s", series.name()).isEqualTo(Chart.Style.STACKED_BAR));
        assertThat(chart.series()).as("series: the top 8 services by cost, then other").extracting(Chart.Series::name)
                .containsExactlyElementsOf(concat(TOP_SERVICES, "other"));
        assertThat(chart.categories()).as("categories: every charge date of September, in order")
                .containsExactlyElementsOf(IntStream.rangeClosed(1, 16).mapToObj("2024-09-%02d"::formatted).toList());
        // EKS 30 + Route53 3 + Glue 2
        assertThat(chart.series("other").valueAt("2024-09-10")).as("other on 2024-09-10").hasValueSatisfying(value -> assertThat(value).isCloseTo(35, within(1e-9)));
        assertThat(chart.series("other").valueAt("2024-09-11")).as("other on 2024-09-11 (B spent on the 10th only)").contains(0.0);
        assertThat(chart.series("AmazonS3").valueAt("2024-09-15")).as("S3 on the 15th (C's spike)").contains(30.0);
    }

    @Test
    void dailyCostByServiceMatchesASumByDayAndServiceOfCostDaily()
    {
        List<Row> sums = spark.sql("SELECT date_format(charge_date, 'yyyy-MM-dd') AS day, service_name, sum(effective_cost) AS cost "
                + "FROM delta.`" + harness.lake() + "/cost_daily` WHERE billing_period = DATE '" + SEPTEMBER + "' GROUP BY 1, 2").collectAsList();
        List<String> topBySql = spark.sql("SELECT service_name FROM delta.`" + harness.lake() + "/cost_daily` WHERE billing_period = DATE '"
                + SEPTEMBER + "' GROUP BY service_name ORDER BY sum(effective_cost) DESC LIMIT 8").collectAsList().stream().map(row -> row.getString(0)).toList();
        assertThat(topBySql).as("the top 8 services by SQL, against the hand ranking").containsExactlyInAnyOrderElementsOf(TOP_SERVICES);

        Map<String, Map<String, Double>> expected = new TreeMap<>();
        Map<String, Double> totals = new TreeMap<>();
        for (Row sum : sums) {
            String series = TOP_SERVICES.contains(sum.getString(1)) ? sum.getString(1) : "other";
            expected.computeIfAbsent(series, name -> new TreeMap<>()).merge(sum.getString(0), sum.getDouble(2), Double::sum);
            totals.merge(sum.getString(0), sum.getDouble(2), Double::sum);
        }
        Chart chart = chart(september, "daily-cost-by-service");
        for (Chart.Series series : chart.series()) {
            for (Chart.Point point : series.points()) {
                double sql = expected.getOrDefault(series.name(), Map.of()).getOrDefault(point.category(), 0.0);
                assertThat(point.value()).as("%s on %s, against SQL over cost_daily", series.name(), point.category()).isCloseTo(sql, within(1e-9));
            }
        }
        assertThat(chart.categories()).as("categories: the days of cost_daily").containsExactlyElementsOf(totals.keySet());

        Chart.Series total = chart(september, "daily-cost-trend").series("total");
        assertThat(total.style()).as("style of the total").isEqualTo(Chart.Style.LINE);
        totals.forEach((day, sql) -> assertThat(total.valueAt(day)).as("total on %s, against SQL over cost_daily", day)
                .hasValueSatisfying(value -> assertThat(value).isCloseTo(sql, within(1e-9))));
        // B's 525 + C's 12 (an even day)
        assertThat(total.valueAt("2024-09-10")).as("total on 2024-09-10 by hand").hasValueSatisfying(value -> assertThat(value).isCloseTo(537, within(1e-9)));
    }

    @Test
    void anomaliesAreMarkedOnTheTrend()
    {
        Chart trend = chart(september, "daily-cost-trend");
        List<String> anomalousDays = spark.sql("SELECT DISTINCT date_format(charge_date, 'yyyy-MM-dd') FROM delta.`" + harness.lake()
                + "/cost_anomalies` WHERE billing_period = DATE '" + SEPTEMBER + "' ORDER BY 1").collectAsList().stream().map(row -> row.getString(0)).toList();
        assertThat(anomalousDays).as("anomalous days in cost_anomalies").containsExactly("2024-09-15", "2024-09-16");
        Chart.Series anomaly = trend.series("anomaly");
        assertThat(anomaly.style()).as("style of the anomalies").isEqualTo(Chart.Style.POINTS);
        // the day totals: only C spends on the 15th (30) and the 16th (1)
        assertThat(anomaly.points()).as("anomaly points at the day's total")
                .containsExactly(new Chart.Point("2024-09-15", 30), new Chart.Point("2024-09-16", 1));
        // scores: (30 - 11) / 1.4826 = 12.8, (1 - 12) / 1.4826 = -7.4 (see KpisAndAnomaliesTest)
        assertThat(trend.markers()).as("markers of the anomalous days")
                .containsExactly(new Chart.Marker("2024-09-15", "up: AmazonS3 score 12.8"), new Chart.Marker("2024-09-16", "down: AmazonS3 score -7.4"));
        assertThat(trend.markers()).extracting(Chart.Marker::category).as("marked days, against cost_anomalies").containsExactlyElementsOf(anomalousDays);
    }

    @Test
    void kpisOfThePeriodNextToThePreviousOne()
    {
        DataTable kpis = table(september, "kpis");
        assertThat(kpis.columns()).as("columns of kpis").containsExactly("KPI", "2024-09", "2024-08");
        assertThat(kpis.rows()).as("rows of kpis").extracting(row -> row.get(0)).containsExactly("Effective savings rate", "Spot share",
                "Commitment coverage", "Graviton share", "Graviton savings opportunity", "Untagged share", "MoM effective cost change",
                "Total effective cost");
        // September: 525 + 185 = 710; August 20
        assertCell(kpis, "Total effective cost", "710.00", "20.00");
        // (710 - 20) / 20 = 34.5; August has no July
        assertCell(kpis, "MoM effective cost change", "+3450.0%", "n/a");
        // Usage list 710 - 100 + 125 = 735: 1 - 710 / 735 = 0.0340; August lists at its cost
        assertCell(kpis, "Effective savings rate", "3.4%", "0.0%");
        // untagged: C's 185 of 710 = 0.2606; August's S3 is tagged
        assertCell(kpis, "Untagged share", "26.1%", "0.0%");
        // no EC2 instance usage (no instance types): no compute, so no share and nothing to move to Graviton
        assertCell(kpis, "Spot share", "n/a", "n/a");
        assertCell(kpis, "Commitment coverage", "n/a", "n/a");
        assertCell(kpis, "Graviton share", "n/a", "n/a");
        assertCell(kpis, "Graviton savings opportunity", "0.00", "0.00");
        Row all = spark.sql("SELECT total_effective_cost FROM delta.`" + harness.lake() + "/cost_kpis_monthly` WHERE account_id = '*' AND billing_period = DATE '"
                + SEPTEMBER + "'").first();
        assertThat(all.getDouble(0)).as("cost_kpis_monthly's all-accounts total of September").isCloseTo(710, within(1e-9));
    }

    @Test
    void topOwnersByEffectiveCost()
    {
        Chart owners = chart(september, "top-owners");
        // C's untagged 185 first; of B's ten owners, analytics (Glue, 2) is the eleventh and left out
        assertThat(owners.categories()).as("the top 10 owners").containsExactly("(untagged)", "payments", "search", "catalog", "checkout", "platform",
                "notifications", "orders", "data", "network");
        List<Row> sql = spark.sql("SELECT coalesce(owner, '(untagged)'), sum(effective_cost) AS cost FROM delta.`" + harness.lake() + "/cost_daily` "
                + "WHERE billing_period = DATE '" + SEPTEMBER + "' GROUP BY 1 ORDER BY cost DESC LIMIT 10").collectAsList();
        assertThat(owners.series("effective cost").points()).as("top owners, against SQL over cost_daily")
                .containsExactlyElementsOf(sql.stream().map(row -> new Chart.Point(row.getString(0), row.getDouble(1))).toList());
        assertThat(owners.series("effective cost").valueAt("(untagged)")).as("untagged, by hand").contains(185.0);
    }

    @Test
    void withoutDateTheLatestPeriodIsReported()
    {
        Report latest = harness.report(Optional.empty());
        assertThat(latest.subtitle()).as("subtitle without --date").startsWith("Billing period 2024-09,");
        assertThat(table(latest, "kpis").columns()).as("kpis columns without --date").containsExactly("KPI", "2024-09", "2024-08");
    }

    @Test
    void aPeriodWithoutAPreviousOneAndWithFewServices()
    {
        Report august = harness.report(Optional.of(LocalDate.parse("2024-08-01")));
        DataTable kpis = table(august, "kpis");
        assertThat(kpis.columns()).as("kpis columns of August").containsExactly("KPI", "2024-08", "2024-07");
        assertThat(kpis.rows()).as("July is not published: every KPI of it is n/a").allSatisfy(row -> assertThat(row.get(2)).as("%s of July", row.get(0)).isEqualTo("n/a"));
        assertCell(kpis, "Total effective cost", "20.00", "n/a");
        Chart byService = chart(august, "daily-cost-by-service");
        assertThat(byService.series()).as("one service in August: no other series").extracting(Chart.Series::name).containsExactly("AmazonS3");
        assertThat(byService.series("AmazonS3").points()).as("August's one day").containsExactly(new Chart.Point("2024-08-20", 20));
        assertThat(chart(august, "daily-cost-trend").series("anomaly").points()).as("no anomalies in August").isEmpty();
    }

    @Test
    void aPeriodWithoutRowsGetsANoteSayingWhatToRun()
    {
        Report july = harness.report(Optional.of(LocalDate.parse("2024-07-15")));
        assertThat(july.blocks()).as("blocks of July's report").hasSize(1);
        Note note = (Note) july.block("no-data");
        assertThat(note.text()).as("note of an empty period")
                .contains("cost_daily has no rows for billing period 2024-07")
                .contains("spark-jobs run cost-analysis --date 2024-07-31 --set input.billing=");
    }

    @Test
    void aLakeWithoutTablesGetsANoteSayingWhatToRun(SparkSession spark, @TempDir Path empty)
    {
        Report report = JobHarness.onLocalLake(spark, CostAnalysisJob.NAME, empty.resolve("lake")).report(Optional.empty());
        assertThat(report.blocks()).as("blocks of an empty lake's report").hasSize(1);
        assertThat(((Note) report.block("no-data")).text()).as("note of an empty lake")
                .contains("cost_daily does not exist yet")
                .contains("spark-jobs run cost-analysis --date YYYY-MM-DD");
    }

    @Test
    void missingTablesGetNotesInPlaceOfTheirBlocks(SparkSession spark, @TempDir Path other)
    {
        String lake = other.resolve("lake").toString();
        spark.read().format("delta").load(harness.lake() + "/cost_daily").write().format("delta").partitionBy("billing_period").save(lake + "/cost_daily");
        Report report = JobHarness.onLocalLake(spark, CostAnalysisJob.NAME, other.resolve("lake")).report(Optional.of(LocalDate.parse("2024-09-30")));
        assertThat(report.blocks()).as("blocks with cost_daily only").extracting(block -> block.id())
                .containsExactly("daily-cost-by-service", "daily-cost-trend", "anomalies", "kpis", "top-owners");
        assertThat(((Note) report.block("kpis")).text()).as("note in place of the KPI table")
                .contains("cost_kpis_monthly does not exist yet")
                .contains("spark-jobs run cost-analysis --date 2024-09-30");
        assertThat(((Note) report.block("anomalies")).text()).as("note about the anomalies").contains("cost_anomalies does not exist yet");
        assertThat(chart(report, "daily-cost-trend").series("anomaly").points()).as("no anomaly points without cost_anomalies").isEmpty();
        assertThat(chart(report, "daily-cost-trend").series("total").valueAt("2024-09-10")).as("total on 2024-09-10 with cost_daily only")
                .hasValueSatisfying(value -> assertThat(value).isCloseTo(537, within(1e-9)));
    }

    private static void assertCell(DataTable table, String kpi, String period, String previous)
    {
        assertThat(table.cell(kpi, table.columns().get(1))).as("%s of %s", kpi, table.columns().get(1)).isEqualTo(period);
        assertThat(table.cell(kpi, table.columns().get(2))).as("%s of %s", kpi, table.columns().get(2)).isEqualTo(previous);
    }

    private static Chart chart(Report report, String id)
    {
        assertThat(report.block(id)).as("block %s", id).isInstanceOf(Chart.class);
        return (Chart) report.block(id);
    }

    private static DataTable table(Report report, String id)
    {
        assertThat(report.block(id)).as("block %s", id).isInstanceOf(DataTable.class);
        return (DataTable) report.block(id);
    }

    private static List<String> concat(List<String> first, String last)
    {
        List<String> all = new ArrayList<>(first);
        all.add(last);
        return all;
    }
}
