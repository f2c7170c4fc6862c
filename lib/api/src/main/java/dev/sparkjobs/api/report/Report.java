package dev.sparkjobs.api.report;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;

/** A report: a title, a subtitle (what it covers) and blocks in the order they are shown. */
public record Report(String title, String subtitle, List<ReportBlock> blocks)
{
    public Report
    {
        requireNonNull(title, "title is null");
        requireNonNull(subtitle, "subtitle is null");
        blocks = List.copyOf(requireNonNull(blocks, "blocks is null"));
    }

    public List<Chart> charts()
    {
        List<Chart> charts = new ArrayList<>();
        blocks.forEach(block -> {
            if (block instanceof Chart chart) {
                charts.add(chart);
            }
        });
        return List.copyOf(charts);
    }

    public List<DataTable> tables()
    {
        List<DataTable> tables = new ArrayList<>();
        blocks.forEach(block -> {
            if (block instanceof DataTable table) {
                tables.add(table);
            }
        });
        return List.copyOf(tables);
    }

    /** The block with this id; tests look charts and tables up by id. */
    public ReportBlock block(String id)
    {
        return blocks.stream().filter(block -> block.id().equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("Report '" + title + "' has no block '" + id + "'; it has "
                        + blocks.stream().map(ReportBlock::id).toList()));
    }
}
