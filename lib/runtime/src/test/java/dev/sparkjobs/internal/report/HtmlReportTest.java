package dev.sparkjobs.internal.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import dev.sparkjobs.api.report.Chart;
import dev.sparkjobs.api.report.Chart.Point;
import dev.sparkjobs.api.report.Chart.Series;
import dev.sparkjobs.api.report.Chart.Style;
import dev.sparkjobs.api.report.DataTable;
import dev.sparkjobs.api.report.Note;
import dev.sparkjobs.api.report.Report;

/** The page a Report becomes, without Spark: one SVG per chart, marker lists, escaping, empty charts. */
class HtmlReportTest
{
    private static final Instant GENERATED = Instant.parse("2024-10-01T08:00:00Z");

    private static List<Point> days(double... values)
    {
        return IntStream.range(0, values.length).mapToObj(day -> new Point("2024-09-0" + (day + 1), values[day])).toList();
    }

    @Test
    void everyChartIsOneInlineSvgAndManyMarkersAreListedUnderIt()
    {
        Chart stacked = Chart.of("cost", "Cost by service", "day", "cost", List.of(
                Series.of("EC2", Style.STACKED_BAR, days(1, 2, 3, 4, 5)),
                Series.of("S3", Style.STACKED_BAR, days(1, 1, 1, 1, 1))));
        Chart pareto = new Chart("pareto", "Pareto", "defect", "count", Optional.of("cumulative %"), List.of(
                Series.of("count", Style.BAR, List.of(new Point("scratch", 6), new Point("spot", 4))),
                new Series("cumulative %", Style.LINE, Chart.Axis.RIGHT, List.of(new Point("scratch", 60), new Point("spot", 100)))), List.of());
        Chart trend = Chart.of("trend", "Trend", "day", "cost", List.of(Series.of("total", Style.LINE, days(2, 3, 4, 5, 6))))
                .withMarkers(days(0, 0, 0, 0, 0).stream().map(point -> new Chart.Marker(point.category(), "up <" + point.category() + ">")).toList());
        Report report = new Report("Costs & more", "September", List.of(stacked, pareto, trend));

        String html = HtmlReport.render(report, "cost-analysis", GENERATED);

        assertThat(html.split("<svg", -1)).as("one SVG element per chart").hasSize(4);
        assertThat(html).contains("id='chart-cost'").contains("id='chart-pareto'").contains("id='chart-trend'")
                .contains("<title>Costs &amp; more</title>")
                .contains("generated 2024-10-01T08:00:00Z");
        assertThat(html.split("<li>", -1)).as("five markers, more than the chart labels itself: listed under it").hasSize(6);
        assertThat(html).contains("<li><b>2024-09-05</b> up &lt;2024-09-05&gt;</li>");
        assertThat(html).as("rotated and plain labels are SVG text, not glyph outlines").contains(">cumulative %</text>");
    }

    @Test
    void tablesEscapeTextAndAlignNumbersAndEmptyChartsSaySo()
    {
        Report report = new Report("T", "S", List.of(
                new DataTable("kpis", "KPIs", List.of("KPI", "2024-09"), List.of(List.of("<b>rate</b>", "12.5%"), List.of("total", "1,234.50"))),
                Chart.of("empty", "Nothing", "day", "cost", List.of(Series.of("total", Style.LINE, List.of()))),
                new Note("about", "About", "a & b")));

        String html = HtmlReport.render(report, "job", GENERATED);

        assertThat(html).contains("<td>&lt;b&gt;rate&lt;/b&gt;</td><td class=\"number\">12.5%</td>")
                .contains("<td class=\"number\">1,234.50</td>")
                .contains("<p class=\"note\">No data to chart.</p>")
                .contains("<p class=\"note\">a &amp; b</p>")
                .doesNotContain("<svg");
    }

    @Test
    void aChartRefusesARightAxisSeriesWithoutTheAxis()
    {
        assertThatThrownBy(() -> Chart.of("x", "X", "c", "v", List.of(new Series("p", Style.LINE, Chart.Axis.RIGHT, days(1)))))
                .hasMessageContaining("Chart 'x' has a series on the right axis but no right axis label");
    }
}
