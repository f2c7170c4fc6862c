package dev.sparkjobs.costanalysis;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.sum;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** cost_daily and cost_eks_allocation: plain sums of the normalised line items, from their daily grain ({@link CostGrain}). */
final class CostAggregations
{
    private CostAggregations() {}

    static Dataset<Row> daily(Dataset<Row> costGrain)
    {
        return costGrain.groupBy("billing_period", "charge_date", "account_id", "service_name", "region", "owner", "environment", "pricing_category")
                .agg(sum(LineItems.BILLED_COST).as("billed_cost"),
                        sum(LineItems.EFFECTIVE_COST).as("effective_cost"),
                        sum(LineItems.LIST_COST).as("list_cost"),
                        sum(LineItems.USAGE_QUANTITY).as("usage_quantity"),
                        sum(CostGrain.LINE_ITEMS).as("line_items"));
    }

    static Dataset<Row> eksAllocation(Dataset<Row> splitGrain)
    {
        return splitGrain.groupBy(col("billing_period"), col("charge_date"), col("account_id"), col(LineItems.CLUSTER).as("cluster"),
                        col(LineItems.NAMESPACE).as("namespace"))
                .agg(sum(LineItems.SPLIT_COST).as("split_cost"),
                        sum(LineItems.UNUSED_COST).as("unused_cost"),
                        sum(LineItems.NET_SPLIT_COST).as("net_split_cost"));
    }
}
