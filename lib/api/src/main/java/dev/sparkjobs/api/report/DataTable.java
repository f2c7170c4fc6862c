package dev.sparkjobs.api.report;

import static java.util.Objects.requireNonNull;

import java.util.List;

/** A small table of already formatted values, e.g. the KPIs of two periods or the top flagged listings. */
public record DataTable(String id, String title, List<String> columns, List<List<String>> rows)
        implements ReportBlock
{
    public DataTable
    {
        requireNonNull(id, "id is null");
        requireNonNull(title, "title is null");
        columns = List.copyOf(requireNonNull(columns, "columns is null"));
        rows = requireNonNull(rows, "rows is null").stream().map(List::copyOf).toList();
        ReportBlock.checkId(id);
        for (List<String> row : rows) {
            if (row.size() != columns.size()) {
                throw new IllegalArgumentException("Table '" + id + "' has " + columns.size() + " columns but a row of " + row.size() + " values: " + row);
            }
        }
    }

    /** The value in the row whose first cell is {@code key}, in column {@code column}. */
    public String cell(String key, String column)
    {
        int index = columns.indexOf(column);
        if (index < 0) {
            throw new IllegalArgumentException("Table '" + id + "' has no column '" + column + "'; it has " + columns);
        }
        return rows.stream().filter(row -> row.get(0).equals(key)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("Table '" + id + "' has no row '" + key + "'"))
                .get(index);
    }
}
