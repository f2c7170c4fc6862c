package dev.sparkjobs.costanalysis;

import java.util.List;

import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

import dev.sparkjobs.api.Check;
import dev.sparkjobs.api.Granularity;
import dev.sparkjobs.api.TableSpec;
import dev.sparkjobs.api.WriteMode;

/** The job's output tables, each partitioned by billing period and replaced period by period. */
final class CostTables
{
    private static final DataType TEXT = DataTypes.StringType;
    private static final DataType NUMBER = DataTypes.DoubleType;
    private static final DataType DATE = DataTypes.DateType;
    private static final String PERIOD_COMMENT = "Billing period: the first day of its month";
    /**
     * Delta collects per-file min/max/null statistics on the first 32 columns of every file it
     * writes, which costs a large share of writing a wide table. The tables keep statistics on their
     * first 6 columns only: for cost_line_items billing_period, charge_date, provider, account_id,
     * account_name and service_name (the columns analysts filter on, worth skipping files on);
     * every other table's first 6 columns are its keys too. (Measurements: BENCHMARKS.md.)
     */
    static final String STATS_COLUMNS = "6";

    static final TableSpec LINE_ITEMS = builder("cost_line_items")
            .comment("Normalised billing line items (AWS CUR 2.0 or FOCUS) without split cost allocation rows, one row per input row")
            .column("billing_period", DATE, PERIOD_COMMENT)
            .column("charge_date", DATE, "Day the charge applies to (UTC)")
            .column("provider", TEXT, "Cloud provider: AWS for CUR, FOCUS ProviderName otherwise")
            .column("account_id", TEXT, "Account that used the resource: CUR line_item_usage_account_id; FOCUS SubAccountId, else BillingAccountId")
            .column("account_name", TEXT, "Name of the account")
            .column("service_name", TEXT, "Service: CUR line_item_product_code; FOCUS ServiceName")
            .column("service_category", TEXT, "FOCUS ServiceCategory (for CUR, derived from the service code)")
            .column("region", TEXT, "Region code")
            .column("resource_id", TEXT, "Resource id or ARN")
            .column("usage_type", TEXT, "CUR line_item_usage_type; FOCUS x_UsageType when present")
            .column("instance_type", TEXT, "EC2 instance type, e.g. m6g.large")
            .column("processor", TEXT, "graviton, amd or intel for EC2 instance usage; null otherwise")
            .column("charge_category", TEXT, "Usage, Purchase, Tax, Credit or Adjustment (FOCUS ChargeCategory)")
            .column("pricing_category", TEXT, "spot, commitment, on_demand or other")
            .column("billed_cost", NUMBER, "Invoiced cost: CUR line_item_unblended_cost; FOCUS BilledCost")
            .column("effective_cost", NUMBER, "Amortised cost after commitment discounts (CUDOS rules for CUR; FOCUS EffectiveCost)")
            .column("list_cost", NUMBER, "Cost at public on-demand prices: CUR pricing_public_on_demand_cost; FOCUS ListCost")
            .column("usage_quantity", NUMBER, "Usage amount in usage_unit")
            .column("usage_unit", TEXT, "Unit of usage_quantity")
            .column("owner", TEXT, "Value of the owner tag (tags.owner-key); null when untagged")
            .column("environment", TEXT, "Value of the environment tag (tags.environment-key)")
            .column("tags", DataTypes.createMapType(TEXT, TEXT), "Resource tags as in the export (CUR: user_* and aws_* keys)")
            .column("source_file", TEXT, "Input file the row was read from")
            .check(Check.notNull("charge_date", "account_id", "charge_category", "pricing_category"),
                    Check.finite("billed_cost", "effective_cost", "list_cost", "usage_quantity"))
            .property(withoutDictionary("billed_cost"), "false")
            .property(withoutDictionary("effective_cost"), "false")
            .property(withoutDictionary("list_cost"), "false")
            .property(withoutDictionary("usage_quantity"), "false")
            .build();

    static final TableSpec DAILY = builder("cost_daily")
            .comment("Daily cost per account, service, region, owner, environment and pricing category")
            .column("billing_period", DATE, PERIOD_COMMENT)
            .column("charge_date", DATE, "Day of the charges")
            .column("account_id", TEXT, "Account id")
            .column("service_name", TEXT, "Service")
            .column("region", TEXT, "Region code")
            .column("owner", TEXT, "Owner tag value; null when untagged")
            .column("environment", TEXT, "Environment tag value")
            .column("pricing_category", TEXT, "spot, commitment, on_demand or other")
            .column("billed_cost", NUMBER, "Sum of billed cost")
            .column("effective_cost", NUMBER, "Sum of effective (amortised) cost")
            .column("list_cost", NUMBER, "Sum of list (public on-demand) cost")
            .column("usage_quantity", NUMBER, "Sum of usage quantities (mixed units when a group has several)")
            .column("line_items", DataTypes.LongType, "Number of line items summed")
            .check(Check.notNull("charge_date", "account_id", "pricing_category"),
                    Check.uniqueKey("billing_period", "charge_date", "account_id", "service_name", "region", "owner", "environment", "pricing_category"),
                    Check.finite("billed_cost", "effective_cost", "list_cost", "usage_quantity"))
            .build();

    static final TableSpec KPIS = builder("cost_kpis_monthly")
            .comment("FinOps KPIs per billing period and account (CUDOS / CID KPI formulas); account_id * is all accounts together")
            .column("billing_period", DATE, PERIOD_COMMENT)
            .column("account_id", TEXT, "Account id, or * for all accounts")
            .column("total_billed_cost", NUMBER, "Sum of billed cost")
            .column("total_effective_cost", NUMBER, "Sum of effective (amortised) cost")
            .column("total_list_cost", NUMBER, "Sum of list (public on-demand) cost")
            .column("effective_savings_rate", NUMBER, "1 - effective / list cost over Usage rows; null without list cost")
            .column("spot_share", NUMBER, "List cost of Spot compute usage / list cost of compute usage")
            .column("commitment_coverage", NUMBER, "List cost of compute usage under RIs or Savings Plans / list cost of compute usage")
            .column("graviton_share", NUMBER, "Effective cost of Graviton compute usage / effective cost of compute usage")
            .column("graviton_savings_opportunity", NUMBER,
                    "graviton.savings-rate.intel x effective cost of Intel compute usage + graviton.savings-rate.amd x that of AMD")
            .column("untagged_share", NUMBER, "Effective cost of Usage rows without owner tag / effective cost of Usage rows")
            .column("mom_effective_cost_change", NUMBER,
                    "(total effective cost - that of the previous period) / |that of the previous period|; null without a previous period")
            .check(Check.notNull("account_id"), Check.uniqueKey("billing_period", "account_id"),
                    Check.finite("total_billed_cost", "total_effective_cost", "total_list_cost", "effective_savings_rate",
                            "graviton_savings_opportunity", "mom_effective_cost_change"),
                    Check.range("spot_share", 0, 1), Check.range("commitment_coverage", 0, 1), Check.range("graviton_share", 0, 1),
                    Check.range("untagged_share", 0, 1))
            .build();

    static final TableSpec ANOMALIES = builder("cost_anomalies")
            .comment("Days whose Usage effective cost of an account and service is far from its trailing window (robust z-score on median and MAD)")
            .column("billing_period", DATE, "Month of charge_date (first day)")
            .column("charge_date", DATE, "Day of the anomaly")
            .column("account_id", TEXT, "Account id")
            .column("service_name", TEXT, "Service")
            .column("effective_cost", NUMBER, "Effective cost of the day")
            .column("baseline", NUMBER, "Median daily effective cost of the trailing window (anomaly.window-days)")
            .column("score", NUMBER, "Robust z-score: (cost - median) / (1.4826 x MAD), or / (1.2533 x mean absolute deviation) when MAD is 0")
            .column("direction", TEXT, "up (spike) or down (drop)")
            .check(Check.notNull("charge_date", "account_id"), Check.finite("effective_cost", "baseline", "score"),
                    Check.acceptedValues("direction", "up", "down"))
            .build();

    static final TableSpec EKS_ALLOCATION = builder("cost_eks_allocation")
            .comment("Split cost allocation (CUR split_line_item_* columns of EKSPod-EC2 and ECSTask-EC2 rows) per day, cluster and namespace")
            .column("billing_period", DATE, PERIOD_COMMENT)
            .column("charge_date", DATE, "Day of the charges")
            .column("account_id", TEXT, "Account id")
            .column("cluster", TEXT, "EKS or ECS cluster (tag aws_eks_cluster_name / aws_ecs_cluster_name, else from the pod or task ARN)")
            .column("namespace", TEXT, "Kubernetes namespace (tag aws_eks_namespace, else from the pod ARN); ECS service for ECS tasks")
            .column("split_cost", NUMBER, "Sum of split_line_item_split_cost")
            .column("unused_cost", NUMBER, "Sum of split_line_item_unused_cost")
            .column("net_split_cost", NUMBER, "Sum of split_line_item_net_split_cost")
            .check(Check.notNull("charge_date", "account_id"), Check.finite("split_cost", "unused_cost", "net_split_cost"))
            .build();

    static final TableSpec REJECTS = builder("cost_rejects")
            .comment("Input rows that were rejected (bad number, number out of range, bad date, date outside the billing period, missing required value), left out of every other table")
            .column("billing_period", DATE, PERIOD_COMMENT + "; the run's period when the row's own cannot be read")
            .column("source_file", TEXT, "Input file of the row")
            .column("reason", TEXT, "bad number, number out of range, bad date, date outside the billing period or missing value")
            .column("column_name", TEXT, "Input column that failed")
            .column("raw_value", TEXT, "The text that failed to parse")
            .check(Check.notNull("source_file", "reason", "column_name"))
            .build();

    static final List<TableSpec> ALL = List.of(LINE_ITEMS, DAILY, KPIS, ANOMALIES, EKS_ALLOCATION, REJECTS);

    private CostTables() {}

    private static TableSpec.Builder builder(String name)
    {
        return TableSpec.builder(name).partitionedBy("billing_period").writeMode(WriteMode.replacePartition("billing_period", Granularity.MONTH))
                .property("delta.dataSkippingNumIndexedCols", STATS_COLUMNS);
    }

    /**
     * The Parquet writer setting (Delta hands a table's properties to the writer) that turns off
     * the dictionary of one column. Costs and quantities of line items have too many distinct
     * values for a dictionary to make the files smaller, and building the dictionaries costs time
     * on every write. (Measurements: BENCHMARKS.md, cost-analysis.)
     */
    static String withoutDictionary(String column)
    {
        return "parquet.enable.dictionary#" + column;
    }
}
