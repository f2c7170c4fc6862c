package dev.sparkjobs.internal.report;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

import dev.sparkjobs.api.report.Chart;
import dev.sparkjobs.api.report.DataTable;
import dev.sparkjobs.api.report.Note;
import dev.sparkjobs.api.report.Report;
import dev.sparkjobs.api.report.ReportBlock;

/**
 * One self-contained HTML page of a {@link Report}: inline CSS, charts as inline SVG, no script,
 * no font, image or style sheet fetched from anywhere, so it opens offline and can be mailed.
 */
public final class HtmlReport
{
    private static final String STYLE = """
            body { font-family: -apple-system, "Segoe UI", "DejaVu Sans", Arial, sans-serif; margin: 2em auto; max-width: 1000px; color: #222; }
            h1 { font-size: 1.6em; margin-bottom: 0.1em; } h2 { font-size: 1.15em; margin-top: 2em; }
            .subtitle, .generated { color: #666; } .generated { font-size: 0.85em; }
            figure { margin: 0; } figure svg { max-width: 100%; height: auto; border: 1px solid #eee; }
            table { border-collapse: collapse; font-size: 0.9em; } th, td { padding: 4px 10px; border-bottom: 1px solid #ddd; text-align: left; }
            th { background: #f4f4f4; } td.number { text-align: right; font-variant-numeric: tabular-nums; }
            ul.markers { font-size: 0.85em; columns: 2; color: #333; } figcaption { font-size: 0.85em; color: #666; margin-top: 0.4em; }
            .note { background: #fffbe6; border-left: 4px solid #f0c000; padding: 0.6em 1em; }
            """;

    private HtmlReport() {}

    public static String render(Report report, String job, Instant generatedAt)
    {
        StringBuilder html = new StringBuilder(64 * 1024);
        html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"generator\" content=\"spark-jobs report\">\n")
                .append("<title>").append(escape(report.title())).append("</title>\n<style>\n").append(STYLE).append("</style>\n</head>\n<body>\n")
                .append("<h1>").append(escape(report.title())).append("</h1>\n")
                .append("<p class=\"subtitle\">").append(escape(report.subtitle())).append("</p>\n")
                .append("<p class=\"generated\">spark-jobs report ").append(escape(job)).append(", generated ")
                .append(generatedAt.truncatedTo(ChronoUnit.SECONDS)).append(" from the published tables</p>\n");
        for (ReportBlock block : report.blocks()) {
            html.append("<section id=\"").append(escape(block.id())).append("\">\n<h2>").append(escape(block.title())).append("</h2>\n");
            if (block instanceof Chart chart) {
                chart(html, chart);
            }
            else if (block instanceof DataTable table) {
                table(html, table);
            }
            else if (block instanceof Note note) {
                html.append("<p class=\"note\">").append(escape(note.text())).append("</p>\n");
            }
            html.append("</section>\n");
        }
        return html.append("</body>\n</html>\n").toString();
    }

    private static void chart(StringBuilder html, Chart chart)
    {
        if (chart.isEmpty()) {
            html.append("<p class=\"note\">No data to chart.</p>\n");
            return;
        }
        html.append("<figure class=\"chart\" data-chart=\"").append(escape(chart.id())).append("\">\n")
                .append(SvgCharts.svg(chart)).append("\n");
        if (chart.markers().size() > SvgCharts.MAX_MARKER_LABELS) {
            html.append("<figcaption>Marked (dashed lines):</figcaption>\n<ul class=\"markers\">\n");
            chart.markers().forEach(marker -> html.append("<li><b>").append(escape(marker.category())).append("</b> ").append(escape(marker.label())).append("</li>\n"));
            html.append("</ul>\n");
        }
        html.append("</figure>\n");
    }

    private static void table(StringBuilder html, DataTable table)
    {
        html.append("<table>\n<thead><tr>");
        table.columns().forEach(column -> html.append("<th>").append(escape(column)).append("</th>"));
        html.append("</tr></thead>\n<tbody>\n");
        for (var row : table.rows()) {
            html.append("<tr>");
            row.forEach(value -> html.append(isNumeric(value) ? "<td class=\"number\">" : "<td>").append(escape(value)).append("</td>"));
            html.append("</tr>\n");
        }
        html.append("</tbody>\n</table>\n");
    }

    private static boolean isNumeric(String value)
    {
        return value.matches("[-+]?[0-9][0-9,]*(\\.[0-9]+)?\\s*%?");
    }

    static String escape(String text)
    {
        StringBuilder escaped = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<' -> escaped.append("&lt;");
                case '>' -> escaped.append("&gt;");
                case '&' -> escaped.append("&amp;");
                case '"' -> escaped.append("&quot;");
                case '\'' -> escaped.append("&#39;");
                default -> escaped.append(c);
            }
        }
        return escaped.toString();
    }
}
