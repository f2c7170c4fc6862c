package dev.sparkjobs.internal.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Paint;
import java.awt.Stroke;
import java.awt.Rectangle;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryMarker;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.DatasetRenderingOrder;
import org.jfree.chart.plot.DefaultDrawingSupplier;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.CategoryItemRenderer;
import org.jfree.chart.renderer.category.LineAndShapeRenderer;
import org.jfree.chart.renderer.category.StackedBarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.text.TextUtils;
import org.jfree.chart.ui.Layer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.svg.SVGGraphics2D;

import dev.sparkjobs.api.report.Chart;

/**
 * Draws a report {@link Chart} with JFreeChart into an SVG element (JFreeSVG), in the JVM, with no
 * script and no network: the page that holds it shows it as it is. Series of one style and axis
 * share a dataset and a renderer; bars are drawn first, then lines, then points, so marks stay on top.
 */
final class SvgCharts
{
    static final int WIDTH = 960;
    static final int HEIGHT = 440;
    /** More markers than this are drawn as lines only; the page lists their labels under the chart. */
    static final int MAX_MARKER_LABELS = 3;
    private static final int MAX_HORIZONTAL_LABELS = 12;
    /** Tableau 10: distinct for the colour-blind, and no yellow that vanishes on white. */
    private static final Paint[] PALETTE = Stream.of(0x4E79A7, 0xF28E2B, 0xE15759, 0x76B7B2, 0x59A14F, 0xB07AA1, 0xFF9DA7, 0x9C755F, 0xBAB0AC, 0xEDC948)
            .map(Color::new).toArray(Paint[]::new);
    private static final Color MARKER = new Color(0x333333);

    static {
        // rotated labels as SVG text, not as glyph outlines (a quarter of the page's size)
        TextUtils.setUseDrawRotatedStringWorkaround(false);
    }

    private SvgCharts() {}

    static String svg(Chart chart)
    {
        JFreeChart drawn = new JFreeChart(null, JFreeChart.DEFAULT_TITLE_FONT, plot(chart), chart.series().size() > 1);
        drawn.setBackgroundPaint(Color.WHITE);
        drawn.getCategoryPlot().setBackgroundPaint(Color.WHITE);
        drawn.getCategoryPlot().setRangeGridlinePaint(new Color(0xDDDDDD));
        SVGGraphics2D graphics = new SVGGraphics2D(WIDTH, HEIGHT);
        drawn.draw(graphics, new Rectangle(0, 0, WIDTH, HEIGHT));
        return graphics.getSVGElement("chart-" + chart.id());
    }

    private static CategoryPlot plot(Chart chart)
    {
        CategoryAxis categoryAxis = new CategoryAxis(chart.categoryAxis());
        List<String> categories = chart.categories();
        if (categories.size() > MAX_HORIZONTAL_LABELS) {
            categoryAxis.setCategoryLabelPositions(CategoryLabelPositions.UP_90);
        }
        categoryAxis.setMaximumCategoryLabelWidthRatio(categories.size() > MAX_HORIZONTAL_LABELS ? 1.0f : 0.9f);
        CategoryPlot plot = new CategoryPlot();
        plot.setDomainAxis(categoryAxis);
        plot.setRangeAxis(0, new NumberAxis(chart.valueAxis()));
        chart.rightAxis().ifPresent(label -> plot.setRangeAxis(1, new NumberAxis(label)));
        plot.setDatasetRenderingOrder(DatasetRenderingOrder.FORWARD);
        plot.setDrawingSupplier(new DefaultDrawingSupplier(PALETTE, DefaultDrawingSupplier.DEFAULT_FILL_PAINT_SEQUENCE,
                DefaultDrawingSupplier.DEFAULT_OUTLINE_PAINT_SEQUENCE, new Stroke[] {new BasicStroke(2.0f)},
                DefaultDrawingSupplier.DEFAULT_OUTLINE_STROKE_SEQUENCE, DefaultDrawingSupplier.DEFAULT_SHAPE_SEQUENCE));

        int index = 0;
        for (Map.Entry<Group, List<Chart.Series>> group : groups(chart).entrySet()) {
            DefaultCategoryDataset dataset = new DefaultCategoryDataset();
            for (Chart.Series series : group.getValue()) {
                for (String category : categories) {
                    dataset.addValue(series.valueAt(category).orElse(null), series.name(), category);
                }
            }
            plot.setDataset(index, dataset);
            plot.setRenderer(index, renderer(group.getKey().style()));
            plot.mapDatasetToRangeAxis(index, group.getKey().axis() == Chart.Axis.RIGHT ? 1 : 0);
            index++;
        }
        boolean labelled = chart.markers().size() <= MAX_MARKER_LABELS;
        for (Chart.Marker marker : chart.markers()) {
            CategoryMarker drawn = new CategoryMarker(marker.category(), MARKER,
                    new BasicStroke(1.0f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10.0f, new float[] {4.0f, 3.0f}, 0.0f));
            drawn.setDrawAsLine(true);
            if (labelled) {
                drawn.setLabel(marker.label());
                drawn.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
                drawn.setLabelPaint(MARKER);
                drawn.setLabelAnchor(RectangleAnchor.TOP_RIGHT);
                drawn.setLabelTextAnchor(TextAnchor.TOP_LEFT);
            }
            plot.addDomainMarker(drawn, Layer.FOREGROUND);
        }
        return plot;
    }

    private record Group(Chart.Style style, Chart.Axis axis) {}

    /** Series grouped by style and axis, bars first, then lines, then points. */
    private static Map<Group, List<Chart.Series>> groups(Chart chart)
    {
        Map<Group, List<Chart.Series>> groups = new LinkedHashMap<>();
        for (Chart.Style style : List.of(Chart.Style.STACKED_BAR, Chart.Style.BAR, Chart.Style.LINE, Chart.Style.POINTS)) {
            for (Chart.Series series : chart.series()) {
                if (series.style() == style) {
                    groups.computeIfAbsent(new Group(style, series.axis()), ignored -> new ArrayList<>()).add(series);
                }
            }
        }
        return groups;
    }

    private static CategoryItemRenderer renderer(Chart.Style style)
    {
        return switch (style) {
            case BAR -> bars(new BarRenderer());
            case STACKED_BAR -> bars(new StackedBarRenderer());
            case LINE -> new LineAndShapeRenderer(true /* lines */, true /* shapes */);
            case POINTS -> new LineAndShapeRenderer(false /* lines */, true /* shapes */);
        };
    }

    private static BarRenderer bars(BarRenderer renderer)
    {
        renderer.setBarPainter(new StandardBarPainter());
        renderer.setShadowVisible(false);
        renderer.setItemMargin(0.02);
        return renderer;
    }
}
