package dev.sparkjobs.costanalysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dev.sparkjobs.testing.JobPreview;
import dev.sparkjobs.testing.SharedSpark;

/**
 * Each KPI of cost_kpis_monthly and the anomaly score on a small hand-made CUR (August and
 * September 2024), run for September; every expected value is worked out by hand in comments.
 */
@ExtendWith(SharedSpark.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KpisAndAnomaliesTest
{
    private static final String A = "111111111111";
    private static final String B = "222222222222";
    private static final String C = "333333333333";
    private static final String PAYMENTS = "{\"user_team\": \"payments\"}";

    private Map<String, Row> kpis;
    private List<Row> anomalies;
    private List<Row> daily;

    @BeforeAll
    void runJob(SparkSession spark, @TempDir Path work)
    {
        CurFile cur = new CurFile()
                // account A, September
                .row(A, "2024-09-05", "Usage", "10", "product_instance_type", "m5.large", "pricing_public_on_demand_cost", "10", "resource_tags", PAYMENTS)
                .row(A, "2024-09-05", "Usage", "3", "product_instance_type", "c6g.large", "line_item_usage_type", "USE1-SpotUsage:c6g.large",
                        "pricing_public_on_demand_cost", "10")
                .row(A, "2024-09-05", "DiscountedUsage", "0", "product_instance_type", "m5a.large", "reservation_effective_cost", "6",
                        "pricing_public_on_demand_cost", "10", "resource_tags", PAYMENTS)
                .row(A, "2024-09-05", "SavingsPlanCoveredUsage", "10", "product_instance_type", "t4g.medium", "savings_plan_savings_plan_effective_cost", "7",
                        "pricing_public_on_demand_cost", "10", "resource_tags", PAYMENTS)
                .row(A, "2024-09-05", "Usage", "5", "line_item_product_code", "AmazonS3", "pricing_public_on_demand_cost", "5")
                .row(A, "2024-09-05", "Tax", "4")
                // account B, September
                .row(B, "2024-09-06", "Usage", "8", "product_instance_type", "m6g.large", "pricing_public_on_demand_cost", "8",
                        "resource_tags", "{\"user_team\": \"search\"}")
                // account A, August
                .row(A, "2024-08-20", "Usage", "20", "line_item_product_code", "AmazonS3", "pricing_public_on_demand_cost", "20", "resource_tags", PAYMENTS);
        // account C, S3 every day of September 1-14: 10 on odd days, 12 on even days; 30 on the 15th, 1 on the 16th.
        for (int day = 1; day <= 16; day++) {
            String cost = day == 15 ? "30" : day == 16 ? "1" : day % 2 == 1 ? "10" : "12";
            cur.row(C, "2024-09-%02d".formatted(day), "Usage", cost, "line_item_product_code", "AmazonS3", "pricing_public_on_demand_cost", cost);
        }
        JobPreview outputs = CostAnalysisPreview.forPeriod(spark, cur.write(work.resolve("cur/part-1.csv")).toString(), "2024-09-30");
        kpis = new HashMap<>();
        outputs.table("cost_kpis_monthly").collectAsList().forEach(row -> kpis.put(row.getAs("account_id"), row));
        anomalies = outputs.table("cost_anomalies").orderBy("charge_date").collectAsList();
        daily = outputs.table("cost_daily").filter("account_id = '" + A + "'").collectAsList();
    }

    @Test
    void kpisOfOneAccount()
    {
        Row a = kpis.get(A);
        // billed 10 + 3 + 0 + 10 + 5 + 4; effective 10 + 3 + 6 + 7 + 5 + 4; list 10 + 10 + 10 + 10 + 5
        assertKpi(a, "total_billed_cost", 32);
        assertKpi(a, "total_effective_cost", 35);
        assertKpi(a, "total_list_cost", 45);
        // Usage rows: effective 31, list 45
        assertKpi(a, "effective_savings_rate", 1 - 31.0 / 45);
        // compute usage (EC2 with a processor): list 40, of which Spot 10 and RI/SP 20
        assertKpi(a, "spot_share", 10.0 / 40);
        assertKpi(a, "commitment_coverage", 20.0 / 40);
        // compute effective 10 + 3 + 6 + 7 = 26, Graviton (c6g, t4g) 3 + 7
        assertKpi(a, "graviton_share", 10.0 / 26);
        // Intel m5 effective 10, AMD m5a effective 6
        assertKpi(a, "graviton_savings_opportunity", 0.20 * 10 + 0.10 * 6);
        // Usage without owner: Spot 3 + S3 5, of Usage effective 31
        assertKpi(a, "untagged_share", 8.0 / 31);
        // August effective 20
        assertKpi(a, "mom_effective_cost_change", (35 - 20) / 20.0);
        assertThat(a.getAs("billing_period").toString()).isEqualTo("2024-09-01");
    }

    @Test
    void kpisOfAnAccountWithoutPreviousPeriod()
    {
        Row b = kpis.get(B);
        assertKpi(b, "total_effective_cost", 8);
        assertKpi(b, "effective_savings_rate", 0);
        assertKpi(b, "spot_share", 0);
        assertKpi(b, "graviton_share", 1);
        assertKpi(b, "untagged_share", 0);
        assertThat(b.<Object>getAs("mom_effective_cost_change")).as("no August row for B").isNull();
    }

    @Test
    void kpisOfAllAccounts()
    {
        Row all = kpis.get("*");
        // A 35 + B 8 + C (10 x 7 + 12 x 7 + 30 + 1 = 185)
        assertKpi(all, "total_effective_cost", 35 + 8 + 185);
        assertKpi(all, "total_list_cost", 45 + 8 + 185);
        assertKpi(all, "effective_savings_rate", 1 - (31.0 + 8 + 185) / (45 + 8 + 185));
        assertKpi(all, "spot_share", 10.0 / 48);
        assertKpi(all, "commitment_coverage", 20.0 / 48);
        assertKpi(all, "graviton_share", 18.0 / 34);
        assertKpi(all, "untagged_share", (8.0 + 185) / (31 + 8 + 185));
        assertKpi(all, "mom_effective_cost_change", (228 - 20) / 20.0);
        assertThat(kpis.keySet()).as("one row per account of September and *").containsExactlyInAnyOrder(A, B, C, "*");
    }

    @Test
    void dailyCostGroupsByPricingCategoryAndOwner()
    {
        assertThat(daily).as("A on 09-05: payments on_demand, untagged spot, payments commitment (2 rows), untagged on_demand S3, tax").hasSize(5);
        Row commitment = daily.stream().filter(row -> "commitment".equals(row.getAs("pricing_category"))).findFirst().orElseThrow();
        assertThat(commitment.<Long>getAs("line_items")).isEqualTo(2);
        assertThat(commitment.<Double>getAs("effective_cost")).as("6 + 7").isCloseTo(13, within(1e-9));
        assertThat(commitment.<String>getAs("owner")).isEqualTo("payments");
    }

    @Test
    void anomaliesAreRobustZScoresAgainstTheTrailingWindow()
    {
        assertThat(anomalies).as("only C's 15th (spike) and 16th (drop); A and B have too few days").hasSize(2);
        Row spike = anomalies.get(0);
        assertThat(spike.getAs("charge_date").toString()).isEqualTo("2024-09-15");
        assertThat(spike.<String>getAs("account_id")).isEqualTo(C);
        assertThat(spike.<String>getAs("service_name")).isEqualTo("AmazonS3");
        // window 1st-14th: seven 10s and seven 12s: median 11, every deviation 1, MAD 1
        assertThat(spike.<Double>getAs("baseline")).isCloseTo(11, within(1e-9));
        assertThat(spike.<Double>getAs("score")).isCloseTo((30 - 11) / 1.4826, within(1e-9));
        assertThat(spike.<String>getAs("direction")).isEqualTo("up");
        Row drop = anomalies.get(1);
        // window 2nd-15th: six 10s, seven 12s, one 30: median 12; deviations 0 x 7, 2 x 6, 18: MAD (0 + 2) / 2 = 1
        assertThat(drop.getAs("charge_date").toString()).isEqualTo("2024-09-16");
        assertThat(drop.<Double>getAs("baseline")).isCloseTo(12, within(1e-9));
        assertThat(drop.<Double>getAs("score")).isCloseTo((1 - 12) / 1.4826, within(1e-9));
        assertThat(drop.<String>getAs("direction")).isEqualTo("down");
    }

    private static void assertKpi(Row row, String column, double expected)
    {
        assertThat(row.<Double>getAs(column)).as("%s of account %s", column, row.<String>getAs("account_id")).isCloseTo(expected, within(1e-9));
    }
}
