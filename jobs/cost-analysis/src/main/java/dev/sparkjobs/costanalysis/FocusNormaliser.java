package dev.sparkjobs.costanalysis;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.regexp_extract;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.trunc;
import static org.apache.spark.sql.functions.when;

import java.util.List;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * FinOps FOCUS 1.0-1.2 rows to normalised line items. FOCUS already carries billed, effective
 * and list cost and the charge category; the instance type (for the processor) is only known for
 * AWS rows whose ChargeDescription names it ("... Linux c5.2xlarge Instance Hour").
 */
final class FocusNormaliser
{
    private static final String INSTANCE_IN_DESCRIPTION = "\\b([a-z][a-z0-9-]*[0-9][a-z0-9-]*\\.[0-9]*[a-z0-9]+) (Instance|Dedicated)";

    private FocusNormaliser() {}

    /** The tag keys whose values the normalised rows use. */
    static List<String> tagKeys(CostAnalysisSettings settings)
    {
        return List.of(settings.ownerKey(), settings.environmentKey());
    }

    static Dataset<Row> normalise(Dataset<Row> rows, CostAnalysisSettings settings)
    {
        Column provider = CurNormaliser.firstPresent(col("ProviderName"), col("ServiceProviderName"));
        Column subAccount = col("SubAccountId");
        Column instanceType = when(provider.equalTo(lit("AWS")),
                CurNormaliser.firstPresent(regexp_extract(col("ChargeDescription"), INSTANCE_IN_DESCRIPTION, 1)));
        Column pricing = col("PricingCategory");
        Column tags = col(BillingReader.TAG_VALUES);
        Column noCost = lit(null).cast(DataTypes.DoubleType);
        return rows.select(
                trunc(to_date(col("BillingPeriodStart")), "month").as(LineItems.BILLING_PERIOD),
                to_date(col("ChargePeriodStart")).as(LineItems.CHARGE_DATE),
                provider.as("provider"),
                when(subAccount.isNotNull(), subAccount).otherwise(col("BillingAccountId")).as(LineItems.ACCOUNT_ID),
                when(subAccount.isNotNull(), col("SubAccountName")).otherwise(col("BillingAccountName")).as("account_name"),
                col("ServiceName").as(LineItems.SERVICE_NAME),
                col("ServiceCategory").as("service_category"),
                col("RegionId").as("region"),
                col("ResourceId").as("resource_id"),
                col("x_UsageType").as("usage_type"),
                instanceType.as("instance_type"),
                Processors.of(instanceType).as(LineItems.PROCESSOR),
                col("ChargeCategory").as(LineItems.CHARGE_CATEGORY),
                when(pricing.equalTo(lit("Dynamic")), lit(LineItems.SPOT))
                        .when(pricing.equalTo(lit("Committed")), lit(LineItems.COMMITMENT))
                        .when(pricing.equalTo(lit("Standard")), lit(LineItems.ON_DEMAND))
                        .otherwise(lit(LineItems.OTHER)).as(LineItems.PRICING_CATEGORY),
                col("BilledCost").as(LineItems.BILLED_COST),
                col("EffectiveCost").as(LineItems.EFFECTIVE_COST),
                col("ListCost").as(LineItems.LIST_COST),
                col("ConsumedQuantity").as(LineItems.USAGE_QUANTITY),
                col("ConsumedUnit").as("usage_unit"),
                tags.getField(settings.ownerKey()).as(LineItems.OWNER),
                tags.getField(settings.environmentKey()).as("environment"),
                col("Tags").as("tags"),
                col(BillingReader.SOURCE_FILE).as("source_file"),
                lit(false).as(LineItems.IS_SPLIT),
                lit(null).cast(DataTypes.StringType).as(LineItems.CLUSTER),
                lit(null).cast(DataTypes.StringType).as(LineItems.NAMESPACE),
                noCost.as(LineItems.SPLIT_COST),
                noCost.as(LineItems.UNUSED_COST),
                noCost.as(LineItems.NET_SPLIT_COST),
                col(BillingReader.REJECT));
    }
}
