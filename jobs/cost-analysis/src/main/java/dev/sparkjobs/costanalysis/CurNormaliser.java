package dev.sparkjobs.costanalysis;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.regexp_extract;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.trunc;
import static org.apache.spark.sql.functions.when;

import java.util.List;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * AWS CUR 2.0 rows to normalised line items, with the amortised (effective) cost as the CUDOS
 * dashboards compute it, and split cost allocation rows (EKS pods, ECS tasks) marked apart.
 */
final class CurNormaliser
{
    private static final String USER_TAG_PREFIX = "user_";

    private static final String EKS_CLUSTER = "aws_eks_cluster_name";
    private static final String ECS_CLUSTER = "aws_ecs_cluster_name";
    private static final String EKS_NAMESPACE = "aws_eks_namespace";
    private static final String ECS_SERVICE = "aws_ecs_service_name";

    private CurNormaliser() {}

    /** The tag keys whose values the normalised rows use. */
    static List<String> tagKeys(CostAnalysisSettings settings)
    {
        return List.of(USER_TAG_PREFIX + settings.ownerKey(), USER_TAG_PREFIX + settings.environmentKey(), EKS_CLUSTER, ECS_CLUSTER,
                EKS_NAMESPACE, ECS_SERVICE);
    }

    static Dataset<Row> normalise(Dataset<Row> rows, CostAnalysisSettings settings)
    {
        Column type = col("line_item_line_item_type");
        Column tags = col(BillingReader.TAG_VALUES);
        Column service = coalesce(col("line_item_product_code"), col("product_servicecode"));
        Column instanceType = col("product_instance_type");
        Column usageType = col("line_item_usage_type");
        Column resourceId = col("line_item_resource_id");
        return rows.select(
                trunc(to_date(coalesce(col("bill_billing_period_start_date"), col("line_item_usage_start_date"))), "month").as(LineItems.BILLING_PERIOD),
                to_date(col("line_item_usage_start_date")).as(LineItems.CHARGE_DATE),
                lit("AWS").as("provider"),
                col("line_item_usage_account_id").as(LineItems.ACCOUNT_ID),
                col("line_item_usage_account_name").as("account_name"),
                service.as(LineItems.SERVICE_NAME),
                ServiceCategories.of(service).as("service_category"),
                col("product_region_code").as("region"),
                resourceId.as("resource_id"),
                usageType.as("usage_type"),
                instanceType.as("instance_type"),
                when(service.equalTo(lit("AmazonEC2")), Processors.of(instanceType)).as(LineItems.PROCESSOR),
                chargeCategory(type).as(LineItems.CHARGE_CATEGORY),
                pricingCategory(type, usageType).as(LineItems.PRICING_CATEGORY),
                coalesce(col("line_item_unblended_cost"), lit(0.0)).as(LineItems.BILLED_COST),
                effectiveCost(type).as(LineItems.EFFECTIVE_COST),
                when(type.equalTo(lit("SavingsPlanNegation")), lit(0.0)).otherwise(zeroIfNull("pricing_public_on_demand_cost")).as(LineItems.LIST_COST),
                col("line_item_usage_amount").as(LineItems.USAGE_QUANTITY),
                col("pricing_unit").as("usage_unit"),
                tags.getField(USER_TAG_PREFIX + settings.ownerKey()).as(LineItems.OWNER),
                tags.getField(USER_TAG_PREFIX + settings.environmentKey()).as("environment"),
                col("resource_tags").as("tags"),
                col(BillingReader.SOURCE_FILE).as("source_file"),
                coalesce(col("line_item_operation").isin("EKSPod-EC2", "ECSTask-EC2"), lit(false)).as(LineItems.IS_SPLIT),
                firstPresent(tags.getField(EKS_CLUSTER), tags.getField(ECS_CLUSTER),
                        regexp_extract(resourceId, ":pod/([^/]+)/", 1), regexp_extract(resourceId, ":task/([^/]+)/", 1)).as(LineItems.CLUSTER),
                firstPresent(tags.getField(EKS_NAMESPACE), regexp_extract(resourceId, ":pod/[^/]+/([^/]+)/", 1),
                        tags.getField(ECS_SERVICE)).as(LineItems.NAMESPACE),
                col("split_line_item_split_cost").as(LineItems.SPLIT_COST),
                col("split_line_item_unused_cost").as(LineItems.UNUSED_COST),
                col("split_line_item_net_split_cost").as(LineItems.NET_SPLIT_COST),
                col(BillingReader.REJECT));
    }

    /** Amortised cost per line item type, as CUDOS computes it. */
    static Column effectiveCost(Column type)
    {
        Column reservationArn = trim(coalesce(col("reservation_reservation_a_r_n"), lit("")));
        return when(type.equalTo(lit("SavingsPlanCoveredUsage")), zeroIfNull("savings_plan_savings_plan_effective_cost"))
                .when(type.equalTo(lit("SavingsPlanRecurringFee")),
                        zeroIfNull("savings_plan_total_commitment_to_date").minus(zeroIfNull("savings_plan_used_commitment")))
                .when(type.isin("SavingsPlanNegation", "SavingsPlanUpfrontFee"), lit(0.0))
                .when(type.equalTo(lit("DiscountedUsage")), zeroIfNull("reservation_effective_cost"))
                .when(type.equalTo(lit("RIFee")),
                        zeroIfNull("reservation_unused_amortized_upfront_fee_for_billing_period").plus(zeroIfNull("reservation_unused_recurring_fee")))
                .when(type.equalTo(lit("Fee")).and(length(reservationArn).gt(0)), lit(0.0))
                .otherwise(zeroIfNull("line_item_unblended_cost"));
    }

    static Column chargeCategory(Column type)
    {
        return when(type.isin("Usage", "DiscountedUsage", "SavingsPlanCoveredUsage"), lit(LineItems.USAGE))
                .when(type.equalTo(lit("Tax")), lit("Tax"))
                .when(type.isin("Credit", "Refund"), lit("Credit"))
                .when(type.isin("RIFee", "Fee").or(type.rlike("^SavingsPlan.*Fee$")), lit("Purchase"))
                .otherwise(lit("Adjustment"));
    }

    static Column pricingCategory(Column type, Column usageType)
    {
        return when(coalesce(usageType, lit("")).contains("SpotUsage"), lit(LineItems.SPOT))
                .when(type.isin("DiscountedUsage", "SavingsPlanCoveredUsage"), lit(LineItems.COMMITMENT))
                .when(type.equalTo(lit("Usage")), lit(LineItems.ON_DEMAND))
                .otherwise(lit(LineItems.OTHER));
    }

    private static Column zeroIfNull(String column)
    {
        return coalesce(col(column), lit(0.0));
    }

    /** The first of the values that is neither null nor empty. */
    static Column firstPresent(Column... values)
    {
        Column[] present = new Column[values.length];
        for (int i = 0; i < values.length; i++) {
            present[i] = when(values[i].equalTo(lit("")), lit(null).cast(DataTypes.StringType)).otherwise(values[i]);
        }
        return coalesce(present);
    }
}
