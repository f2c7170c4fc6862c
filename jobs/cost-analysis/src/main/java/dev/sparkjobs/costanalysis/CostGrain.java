package dev.sparkjobs.costanalysis;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The normalised line items summed once to a compact daily grain: one row per billing period,
 * day, account and every dimension a summary table groups or filters by, with the sums and the
 * number of line items. Every table but cost_line_items and cost_rejects is a sum over line
 * items, so each is computed from this grain (thousands of rows) instead of the input (millions).
 * Cost rows keep the cost dimensions, split cost rows the cluster and namespace, rejected rows
 * only their period; the other columns of a row are null, which keeps the grain small.
 */
final class CostGrain
{
    static final String REJECTED = "_rejected";
    static final String LINE_ITEMS = "line_items";

    private CostGrain() {}

    static Dataset<Row> of(Dataset<Row> items, int partitions)
    {
        Column rejected = col(BillingReader.REJECT).isNotNull();
        Column split = col(LineItems.IS_SPLIT);
        Column valid = not(rejected);
        Column costRow = valid.and(not(split));
        Column splitRow = valid.and(split);
        return items.groupBy(
                        col(LineItems.BILLING_PERIOD), rejected.as(REJECTED), split.as(LineItems.IS_SPLIT),
                        onlyFor(valid, LineItems.CHARGE_DATE), onlyFor(valid, LineItems.ACCOUNT_ID),
                        onlyFor(costRow, LineItems.SERVICE_NAME), onlyFor(costRow, "region"), onlyFor(costRow, LineItems.OWNER),
                        onlyFor(costRow, "environment"), onlyFor(costRow, LineItems.PRICING_CATEGORY), onlyFor(costRow, LineItems.CHARGE_CATEGORY),
                        onlyFor(costRow, LineItems.PROCESSOR), onlyFor(splitRow, LineItems.CLUSTER), onlyFor(splitRow, LineItems.NAMESPACE))
                .agg(sum(LineItems.BILLED_COST).as(LineItems.BILLED_COST),
                        sum(LineItems.EFFECTIVE_COST).as(LineItems.EFFECTIVE_COST),
                        sum(LineItems.LIST_COST).as(LineItems.LIST_COST),
                        sum(LineItems.USAGE_QUANTITY).as(LineItems.USAGE_QUANTITY),
                        count(lit(1)).as(LINE_ITEMS),
                        sum(LineItems.SPLIT_COST).as(LineItems.SPLIT_COST),
                        sum(LineItems.UNUSED_COST).as(LineItems.UNUSED_COST),
                        sum(LineItems.NET_SPLIT_COST).as(LineItems.NET_SPLIT_COST))
                // Cached plans keep their shuffle's partition count (200 by default): a few are enough for a grain.
                .coalesce(partitions);
    }

    /** Grain rows of valid cost line items (not rejected, not split cost allocation). */
    static Column isCost()
    {
        return not(col(REJECTED)).and(not(col(LineItems.IS_SPLIT)));
    }

    static Column isSplit()
    {
        return not(col(REJECTED)).and(col(LineItems.IS_SPLIT));
    }

    /** Number of line items of the grain rows matching {@code condition}. */
    static Column lineItemsWhere(Column condition)
    {
        return sum(when(condition, col(LINE_ITEMS)).otherwise(lit(0L)));
    }

    private static Column onlyFor(Column condition, String column)
    {
        return when(condition, col(column)).as(column);
    }
}
