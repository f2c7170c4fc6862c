package dev.sparkjobs.costanalysis;

import static dev.sparkjobs.costanalysis.SourceColumn.optional;
import static dev.sparkjobs.costanalysis.SourceColumn.required;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

import dev.sparkjobs.costanalysis.SourceColumn.Kind;

/** The billing export formats the job reads, with the columns it uses from each. */
enum BillingFormat
{
    CUR2("cur2", "AWS CUR 2.0", "is this an AWS CUR 2.0 export?", List.of(
            required("line_item_usage_account_id", Kind.TEXT),
            required("line_item_line_item_type", Kind.TEXT),
            required("line_item_usage_start_date", Kind.TIMESTAMP),
            required("line_item_unblended_cost", Kind.NUMBER),
            optional("bill_billing_period_start_date", Kind.TIMESTAMP),
            optional("line_item_usage_account_name", Kind.TEXT),
            optional("line_item_product_code", Kind.TEXT),
            optional("product_servicecode", Kind.TEXT),
            optional("product_region_code", Kind.TEXT),
            optional("line_item_resource_id", Kind.TEXT),
            optional("line_item_usage_type", Kind.TEXT),
            optional("line_item_operation", Kind.TEXT),
            optional("product_instance_type", Kind.TEXT),
            optional("line_item_usage_amount", Kind.NUMBER),
            optional("pricing_unit", Kind.TEXT),
            optional("pricing_public_on_demand_cost", Kind.NUMBER),
            optional("savings_plan_savings_plan_effective_cost", Kind.NUMBER),
            optional("savings_plan_total_commitment_to_date", Kind.NUMBER),
            optional("savings_plan_used_commitment", Kind.NUMBER),
            optional("reservation_effective_cost", Kind.NUMBER),
            optional("reservation_unused_amortized_upfront_fee_for_billing_period", Kind.NUMBER),
            optional("reservation_unused_recurring_fee", Kind.NUMBER),
            optional("reservation_reservation_a_r_n", Kind.TEXT),
            optional("resource_tags", Kind.MAP),
            optional("split_line_item_parent_resource_id", Kind.TEXT),
            optional("split_line_item_split_cost", Kind.NUMBER),
            optional("split_line_item_unused_cost", Kind.NUMBER),
            optional("split_line_item_net_split_cost", Kind.NUMBER))),

    FOCUS("focus", "FOCUS", "is this a FinOps FOCUS 1.0-1.2 export?", List.of(
            required("BillingPeriodStart", Kind.TIMESTAMP),
            required("ChargePeriodStart", Kind.TIMESTAMP),
            required("ChargeCategory", Kind.TEXT),
            required("BillingAccountId", Kind.TEXT),
            required("BilledCost", Kind.NUMBER),
            required("EffectiveCost", Kind.NUMBER),
            required("ListCost", Kind.NUMBER),
            optional("ProviderName", Kind.TEXT),
            optional("ServiceProviderName", Kind.TEXT),
            optional("BillingAccountName", Kind.TEXT),
            optional("SubAccountId", Kind.TEXT),
            optional("SubAccountName", Kind.TEXT),
            optional("ServiceName", Kind.TEXT),
            optional("ServiceCategory", Kind.TEXT),
            optional("RegionId", Kind.TEXT),
            optional("ResourceId", Kind.TEXT),
            optional("ResourceType", Kind.TEXT),
            optional("SkuId", Kind.TEXT),
            optional("ChargeDescription", Kind.TEXT),
            optional("x_UsageType", Kind.TEXT),
            optional("PricingCategory", Kind.TEXT),
            optional("ConsumedQuantity", Kind.NUMBER),
            optional("ConsumedUnit", Kind.TEXT),
            optional("Tags", Kind.MAP)));

    private final String configValue;
    private final String displayName;
    private final String expectation;
    private final List<SourceColumn> columns;

    BillingFormat(String configValue, String displayName, String expectation, List<SourceColumn> columns)
    {
        this.configValue = configValue;
        this.displayName = displayName;
        this.expectation = expectation;
        this.columns = List.copyOf(columns);
    }

    String configValue()
    {
        return configValue;
    }

    /** The format's name in messages: "AWS CUR 2.0", "FOCUS". */
    String displayName()
    {
        return displayName;
    }

    /** The question a missing-column message ends with. */
    String expectation()
    {
        return expectation;
    }

    List<SourceColumn> columns()
    {
        return columns;
    }

    /** The column holding the resource tags: a map in Parquet, a JSON object text in CSV. */
    String tagColumn()
    {
        return columns.stream().filter(column -> column.kind() == SourceColumn.Kind.MAP).map(SourceColumn::name).findFirst().orElseThrow();
    }

    List<String> requiredColumns()
    {
        return columns.stream().filter(SourceColumn::isRequired).map(SourceColumn::name).toList();
    }

    List<String> missingRequiredColumns(Collection<String> present)
    {
        return requiredColumns().stream().filter(column -> !present.contains(column)).toList();
    }

    /** The format a file's columns look like: CUR 2.0 has line_item_* columns, FOCUS has BilledCost and ChargePeriodStart. */
    static Optional<BillingFormat> recognise(Collection<String> columns)
    {
        boolean cur = columns.stream().anyMatch(column -> column.startsWith("line_item_"));
        boolean focus = columns.contains("BilledCost") || columns.contains("ChargePeriodStart");
        if (cur == focus) {
            return Optional.empty();
        }
        return Optional.of(cur ? CUR2 : FOCUS);
    }

    static Optional<BillingFormat> fromConfig(String value)
    {
        for (BillingFormat format : values()) {
            if (format.configValue.equals(value)) {
                return Optional.of(format);
            }
        }
        return Optional.empty();
    }
}
