package dev.sparkjobs.costanalysis;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.add_months;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.grouping_id;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.Optional;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * cost_kpis_monthly: the CUDOS / CID KPI formulas per billing period and account, and for all
 * accounts together (account_id {@code *}), in one rollup over the daily grain of the cost rows;
 * the month-over-month change joins each period with the one before it: computed from the input
 * when the input has that period, else as published by an earlier run.
 */
final class MonthlyKpis
{
    static final String ALL_ACCOUNTS = "*";
    // Shares are rounded so that a numerator summed over a subset of the denominator's rows never exceeds it by rounding noise.
    private static final int SHARE_SCALE = 12;

    private MonthlyKpis() {}

    static Dataset<Row> of(Dataset<Row> costGrain, CostAnalysisSettings settings, Optional<Dataset<Row>> published)
    {
        Column usage = col(LineItems.CHARGE_CATEGORY).equalTo(lit(LineItems.USAGE));
        Column compute = usage.and(col(LineItems.PROCESSOR).isNotNull());
        Column effective = col(LineItems.EFFECTIVE_COST);
        Column list = col(LineItems.LIST_COST);
        Column pricing = col(LineItems.PRICING_CATEGORY);
        Column processor = col(LineItems.PROCESSOR);

        Dataset<Row> sums = costGrain.rollup("billing_period", "account_id").agg(
                sum(LineItems.BILLED_COST).as("total_billed_cost"),
                sum(effective).as("total_effective_cost"),
                sum(list).as("total_list_cost"),
                sumWhen(usage, effective).as("usage_effective"),
                sumWhen(usage, list).as("usage_list"),
                sumWhen(compute, list).as("compute_list"),
                sumWhen(compute.and(pricing.equalTo(lit(LineItems.SPOT))), list).as("spot_list"),
                sumWhen(compute.and(pricing.equalTo(lit(LineItems.COMMITMENT))), list).as("commitment_list"),
                sumWhen(compute, effective).as("compute_effective"),
                sumWhen(compute.and(processor.equalTo(lit(Processors.GRAVITON))), effective).as("graviton_effective"),
                sumWhen(compute.and(processor.equalTo(lit(Processors.INTEL))), effective).as("intel_effective"),
                sumWhen(compute.and(processor.equalTo(lit(Processors.AMD))), effective).as("amd_effective"),
                sumWhen(usage.and(col(LineItems.OWNER).isNull()), effective).as("untagged_effective"),
                grouping_id().as("grouping"));

        Dataset<Row> kpis = sums.filter(col("grouping").lt(lit(3))).select(
                col("billing_period"),
                when(col("grouping").equalTo(lit(1)), lit(ALL_ACCOUNTS)).otherwise(col("account_id")).as("account_id"),
                col("total_billed_cost"),
                col("total_effective_cost"),
                col("total_list_cost"),
                when(col("usage_list").notEqual(lit(0.0)), round(lit(1.0).minus(col("usage_effective").divide(col("usage_list"))), SHARE_SCALE))
                        .as("effective_savings_rate"),
                share(col("spot_list"), col("compute_list")).as("spot_share"),
                share(col("commitment_list"), col("compute_list")).as("commitment_coverage"),
                share(col("graviton_effective"), col("compute_effective")).as("graviton_share"),
                lit(settings.gravitonSavingsRateIntel()).multiply(col("intel_effective"))
                        .plus(lit(settings.gravitonSavingsRateAmd()).multiply(col("amd_effective"))).as("graviton_savings_opportunity"),
                share(col("untagged_effective"), col("usage_effective")).as("untagged_share"));

        Dataset<Row> previous = previousPeriods(kpis);
        if (published.isPresent()) {
            Dataset<Row> computedPeriods = kpis.select(col("billing_period").as("computed_period")).distinct();
            Dataset<Row> notInInput = published.get().join(computedPeriods, col("billing_period").equalTo(col("computed_period")), "left_anti");
            previous = previous.unionByName(previousPeriods(notInInput));
        }
        Column matches = col("billing_period").equalTo(col("next_period")).and(col("account_id").equalTo(col("previous_account")));
        Column previousCost = col("previous_effective_cost");
        return kpis.join(previous, matches, "left")
                .withColumn("mom_effective_cost_change", when(previousCost.notEqual(lit(0.0)),
                        col("total_effective_cost").minus(previousCost).divide(abs(previousCost))))
                .drop("next_period", "previous_account", "previous_effective_cost");
    }

    /** Each KPI row's period, account and effective cost, keyed by the period after it. */
    private static Dataset<Row> previousPeriods(Dataset<Row> kpis)
    {
        return kpis.select(add_months(col("billing_period"), 1).as("next_period"), col("account_id").as("previous_account"),
                col("total_effective_cost").as("previous_effective_cost"));
    }

    private static Column sumWhen(Column condition, Column value)
    {
        return sum(when(condition, value).otherwise(lit(0.0)));
    }

    private static Column share(Column part, Column whole)
    {
        return when(whole.notEqual(lit(0.0)), round(part.divide(whole), SHARE_SCALE));
    }
}
