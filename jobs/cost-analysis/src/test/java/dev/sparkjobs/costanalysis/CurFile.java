package dev.sparkjobs.costanalysis;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.sparkjobs.testing.TestFiles;

/** Hand-made CUR 2.0 CSV files: rows of named values, every other column empty. */
final class CurFile
{
    static final List<String> COLUMNS = List.of("bill_billing_period_start_date", "line_item_usage_account_id", "line_item_line_item_type",
            "line_item_usage_start_date", "line_item_product_code", "line_item_usage_type", "line_item_operation", "line_item_resource_id",
            "product_instance_type", "line_item_unblended_cost", "pricing_public_on_demand_cost", "savings_plan_savings_plan_effective_cost",
            "savings_plan_total_commitment_to_date", "savings_plan_used_commitment", "reservation_effective_cost",
            "reservation_unused_amortized_upfront_fee_for_billing_period", "reservation_unused_recurring_fee", "reservation_reservation_a_r_n",
            "resource_tags", "split_line_item_split_cost", "split_line_item_unused_cost", "split_line_item_net_split_cost");

    private final List<Map<String, String>> rows = new ArrayList<>();

    /** A row of account {@code account} on {@code day} (YYYY-MM-DD) of type {@code type} costing {@code unblended}, plus name, value pairs. */
    CurFile row(String account, String day, String type, String unblended, String... keyValues)
    {
        Map<String, String> row = new LinkedHashMap<>();
        row.put("bill_billing_period_start_date", day.substring(0, 8) + "01T00:00:00Z");
        row.put("line_item_usage_account_id", account);
        row.put("line_item_line_item_type", type);
        row.put("line_item_usage_start_date", day + "T00:00:00Z");
        row.put("line_item_product_code", "AmazonEC2");
        row.put("line_item_unblended_cost", unblended);
        for (int i = 0; i < keyValues.length; i += 2) {
            if (!COLUMNS.contains(keyValues[i])) {
                throw new IllegalArgumentException("not a column of the test file: " + keyValues[i]);
            }
            row.put(keyValues[i], keyValues[i + 1]);
        }
        rows.add(row);
        return this;
    }

    Path write(Path file)
    {
        return write(file, COLUMNS);
    }

    /** Writes only {@code columns}, in that order. */
    Path write(Path file, List<String> columns)
    {
        List<String> lines = new ArrayList<>();
        lines.add(String.join(",", columns));
        for (Map<String, String> row : rows) {
            lines.add(String.join(",", columns.stream().map(column -> quoted(row.getOrDefault(column, ""))).toList()));
        }
        return TestFiles.write(file, lines);
    }

    private static String quoted(String value)
    {
        if (value.contains(",") || value.contains("\"")) {
            return "\"" + value.replace("\"", "\"\"") + "\"";
        }
        return value;
    }
}
