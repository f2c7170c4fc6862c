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

/** Each CUDOS normalisation rule on one hand-made CUR 2.0 row; expected values worked out by hand from the row. */
@ExtendWith(SharedSpark.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CurRulesTest
{
    private static final String DAY = "2024-09-10";
    private static final String ACCOUNT = "111111111111";

    private Map<String, Row> items;
    private List<Row> eks;

    @BeforeAll
    void runJob(SparkSession spark, @TempDir Path work)
    {
        CurFile cur = new CurFile()
                .row(ACCOUNT, DAY, "Usage", "10", "line_item_resource_id", "on-demand", "product_instance_type", "m5.large",
                        "line_item_usage_type", "USE1-BoxUsage:m5.large", "pricing_public_on_demand_cost", "10")
                .row(ACCOUNT, DAY, "Usage", "3", "line_item_resource_id", "spot", "product_instance_type", "c6g.large",
                        "line_item_usage_type", "USE1-SpotUsage:c6g.large", "pricing_public_on_demand_cost", "10")
                .row(ACCOUNT, DAY, "DiscountedUsage", "0", "line_item_resource_id", "reserved", "product_instance_type", "m5a.large",
                        "reservation_effective_cost", "6", "pricing_public_on_demand_cost", "10", "reservation_reservation_a_r_n", "arn:aws:ec2:ri/1")
                .row(ACCOUNT, DAY, "SavingsPlanCoveredUsage", "10", "line_item_resource_id", "savings-plan", "product_instance_type", "t4g.medium",
                        "savings_plan_savings_plan_effective_cost", "7", "pricing_public_on_demand_cost", "10")
                .row(ACCOUNT, DAY, "SavingsPlanNegation", "-10", "line_item_resource_id", "negation", "pricing_public_on_demand_cost", "10")
                .row(ACCOUNT, DAY, "SavingsPlanRecurringFee", "20", "line_item_resource_id", "sp-recurring",
                        "savings_plan_total_commitment_to_date", "20", "savings_plan_used_commitment", "15")
                .row(ACCOUNT, DAY, "SavingsPlanUpfrontFee", "100", "line_item_resource_id", "sp-upfront")
                .row(ACCOUNT, DAY, "RIFee", "30", "line_item_resource_id", "ri-fee",
                        "reservation_unused_amortized_upfront_fee_for_billing_period", "2", "reservation_unused_recurring_fee", "1.5")
                .row(ACCOUNT, DAY, "Fee", "400", "line_item_resource_id", "ri-upfront-fee", "reservation_reservation_a_r_n", "arn:aws:ec2:ri/1")
                .row(ACCOUNT, DAY, "Fee", "25", "line_item_resource_id", "other-fee")
                .row(ACCOUNT, DAY, "Tax", "4", "line_item_resource_id", "tax")
                .row(ACCOUNT, DAY, "Credit", "-6", "line_item_resource_id", "credit")
                .row(ACCOUNT, DAY, "Refund", "-2", "line_item_resource_id", "refund")
                .row(ACCOUNT, DAY, "BundledDiscount", "-1", "line_item_resource_id", "discount")
                .row(ACCOUNT, DAY, "Usage", "5", "line_item_resource_id", "s3", "line_item_product_code", "AmazonS3", "pricing_public_on_demand_cost", "5")
                .row(ACCOUNT, DAY, "Usage", "2", "line_item_resource_id", "rds", "line_item_product_code", "AmazonRDS",
                        "product_instance_type", "db.m6g.large", "pricing_public_on_demand_cost", "2")
                .row(ACCOUNT, DAY, "Usage", "0", "line_item_resource_id", "arn:aws:eks:us-east-1:111111111111:pod/prod/checkout/web-1/uid-1",
                        "line_item_operation", "EKSPod-EC2", "product_instance_type", "m5.large", "split_line_item_split_cost", "1",
                        "split_line_item_unused_cost", "0.25", "split_line_item_net_split_cost", "1.25")
                .row(ACCOUNT, DAY, "Usage", "0", "line_item_resource_id", "arn:aws:eks:us-east-1:111111111111:pod/prod/checkout/web-2/uid-2",
                        "line_item_operation", "EKSPod-EC2", "split_line_item_split_cost", "2", "split_line_item_unused_cost", "0.5",
                        "split_line_item_net_split_cost", "2.5")
                .row(ACCOUNT, DAY, "Usage", "0", "line_item_resource_id", "arn:aws:ecs:us-east-1:111111111111:task/batch/abc",
                        "line_item_operation", "ECSTask-EC2", "resource_tags", "{\"aws_ecs_service_name\": \"nightly\"}",
                        "split_line_item_split_cost", "4", "split_line_item_unused_cost", "1", "split_line_item_net_split_cost", "5");
        JobPreview outputs = CostAnalysisPreview.forPeriod(spark, cur.write(work.resolve("cur/part-1.csv")).getParent().toString(), DAY);
        items = new HashMap<>();
        outputs.table("cost_line_items").collectAsList().forEach(row -> items.put(row.getAs("resource_id"), row));
        eks = outputs.table("cost_eks_allocation").orderBy("cluster").collectAsList();
    }

    @Test
    void effectiveCostFollowsTheLineItemType()
    {
        assertCosts("on-demand", 10, 10, 10);
        assertCosts("spot", 3, 3, 10);
        assertCosts("reserved", 0, 6, 10);
        assertCosts("savings-plan", 10, 7, 10);
        assertCosts("negation", -10, 0, 0);
        assertCosts("sp-recurring", 20, 5, 0);
        assertCosts("sp-upfront", 100, 0, 0);
        assertCosts("ri-fee", 30, 3.5, 0);
        assertCosts("ri-upfront-fee", 400, 0, 0);
        assertCosts("other-fee", 25, 25, 0);
        assertCosts("tax", 4, 4, 0);
        assertCosts("credit", -6, -6, 0);
    }

    @Test
    void chargeAndPricingCategories()
    {
        Map<String, String> charge = Map.ofEntries(Map.entry("on-demand", "Usage"), Map.entry("reserved", "Usage"), Map.entry("savings-plan", "Usage"),
                Map.entry("negation", "Adjustment"), Map.entry("sp-recurring", "Purchase"), Map.entry("sp-upfront", "Purchase"),
                Map.entry("ri-fee", "Purchase"), Map.entry("ri-upfront-fee", "Purchase"), Map.entry("other-fee", "Purchase"), Map.entry("tax", "Tax"),
                Map.entry("credit", "Credit"), Map.entry("refund", "Credit"), Map.entry("discount", "Adjustment"));
        charge.forEach((id, expected) -> assertThat(items.get(id).<String>getAs("charge_category")).as("charge_category of %s", id).isEqualTo(expected));
        Map<String, String> pricing = Map.of("on-demand", "on_demand", "spot", "spot", "reserved", "commitment", "savings-plan", "commitment",
                "s3", "on_demand", "tax", "other", "ri-fee", "other", "negation", "other");
        pricing.forEach((id, expected) -> assertThat(items.get(id).<String>getAs("pricing_category")).as("pricing_category of %s", id).isEqualTo(expected));
    }

    @Test
    void processorFromTheInstanceFamilyOfEc2RowsOnly()
    {
        assertThat(items.get("on-demand").<String>getAs("processor")).as("m5.large").isEqualTo("intel");
        assertThat(items.get("spot").<String>getAs("processor")).as("c6g.large").isEqualTo("graviton");
        assertThat(items.get("reserved").<String>getAs("processor")).as("m5a.large").isEqualTo("amd");
        assertThat(items.get("savings-plan").<String>getAs("processor")).as("t4g.medium").isEqualTo("graviton");
        assertThat(items.get("s3").<String>getAs("processor")).as("S3 has no instance").isNull();
        assertThat(items.get("rds").<String>getAs("processor")).as("RDS db.m6g.large is not EC2").isNull();
    }

    @Test
    void splitCostRowsAreLeftOutOfLineItemsAndFeedTheAllocation()
    {
        assertThat(items).as("16 cost rows; the 3 split rows are not line items").hasSize(16);
        assertThat(items.keySet()).noneMatch(id -> id.startsWith("arn:aws:eks") || id.startsWith("arn:aws:ecs"));
        assertThat(eks).as("EKS prod/checkout (two pods) and ECS batch/nightly").hasSize(2);
        Row ecs = eks.get(0);
        assertThat(List.of(ecs.getAs("cluster"), ecs.getAs("namespace"), ecs.getAs("account_id"))).containsExactly("batch", "nightly", ACCOUNT);
        assertThat(ecs.<Double>getAs("split_cost")).isEqualTo(4.0);
        Row pods = eks.get(1);
        assertThat(List.of(pods.getAs("cluster"), pods.getAs("namespace"))).as("from the pod ARN").containsExactly("prod", "checkout");
        assertThat(pods.<Double>getAs("split_cost")).as("1 + 2").isCloseTo(3.0, within(1e-9));
        assertThat(pods.<Double>getAs("unused_cost")).as("0.25 + 0.5").isCloseTo(0.75, within(1e-9));
        assertThat(pods.<Double>getAs("net_split_cost")).as("1.25 + 2.5").isCloseTo(3.75, within(1e-9));
    }

    @Test
    void accountPeriodAndDates()
    {
        Row row = items.get("on-demand");
        assertThat(row.<String>getAs("account_id")).isEqualTo(ACCOUNT);
        assertThat(row.getAs("billing_period").toString()).isEqualTo("2024-09-01");
        assertThat(row.getAs("charge_date").toString()).isEqualTo(DAY);
        assertThat(row.<String>getAs("provider")).isEqualTo("AWS");
        assertThat(row.<String>getAs("service_category")).isEqualTo("Compute");
        assertThat(row.<String>getAs("source_file")).endsWith("cur/part-1.csv");
    }

    private void assertCosts(String id, double billed, double effective, double list)
    {
        Row row = items.get(id);
        assertThat(row).as("row %s", id).isNotNull();
        assertThat(row.<Double>getAs("billed_cost")).as("billed_cost of %s", id).isCloseTo(billed, within(1e-9));
        assertThat(row.<Double>getAs("effective_cost")).as("effective_cost of %s", id).isCloseTo(effective, within(1e-9));
        assertThat(row.<Double>getAs("list_cost")).as("list_cost of %s", id).isCloseTo(list, within(1e-9));
    }
}
