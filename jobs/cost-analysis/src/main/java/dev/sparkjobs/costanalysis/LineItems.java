package dev.sparkjobs.costanalysis;

import static org.apache.spark.sql.functions.col;

import java.util.List;

import org.apache.spark.sql.Column;

/**
 * Column names of the normalised line items that both billing formats are turned into: the
 * columns of {@code cost_line_items} plus what the other tables and the reject handling need.
 */
final class LineItems
{
    static final String BILLING_PERIOD = "billing_period";
    static final String CHARGE_DATE = "charge_date";
    static final String ACCOUNT_ID = "account_id";
    static final String SERVICE_NAME = "service_name";
    static final String CHARGE_CATEGORY = "charge_category";
    static final String PRICING_CATEGORY = "pricing_category";
    static final String PROCESSOR = "processor";
    static final String BILLED_COST = "billed_cost";
    static final String EFFECTIVE_COST = "effective_cost";
    static final String LIST_COST = "list_cost";
    static final String USAGE_QUANTITY = "usage_quantity";
    static final String OWNER = "owner";

    /** True for split cost allocation rows (EKS pods, ECS tasks on EC2): never part of a cost total. */
    static final String IS_SPLIT = "_is_split";
    static final String CLUSTER = "_cluster";
    static final String NAMESPACE = "_namespace";
    static final String SPLIT_COST = "_split_cost";
    static final String UNUSED_COST = "_unused_cost";
    static final String NET_SPLIT_COST = "_net_split_cost";

    static final String USAGE = "Usage";
    static final String SPOT = "spot";
    static final String COMMITMENT = "commitment";
    static final String ON_DEMAND = "on_demand";
    static final String OTHER = "other";

    static final List<String> OUTPUT_COLUMNS = List.of(BILLING_PERIOD, CHARGE_DATE, "provider", ACCOUNT_ID, "account_name", SERVICE_NAME,
            "service_category", "region", "resource_id", "usage_type", "instance_type", PROCESSOR, CHARGE_CATEGORY, PRICING_CATEGORY,
            BILLED_COST, EFFECTIVE_COST, LIST_COST, USAGE_QUANTITY, "usage_unit", OWNER, "environment", "tags", "source_file");

    private LineItems() {}

    static Column[] outputColumns()
    {
        return OUTPUT_COLUMNS.stream().map(name -> col(name)).toArray(Column[]::new);
    }
}
