package dev.sparkjobs.api.report;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A chart over categories (days, process steps, score bins): series drawn as bars, stacked bars,
 * lines or points, on a left value axis or, for a second scale (a cumulative percentage), a right
 * one; markers flag categories (a threshold bin). The category order is the order in which the
 * series name them.
 */
public record Chart(String id, String title, String categoryAxis, String valueAxis, Optional<String> rightAxis, List<Series> series, List<Marker> markers)
        implements ReportBlock
{
    public enum Style
    {
        BAR,
        STACKED_BAR,
        LINE,
        POINTS
    }

    public enum Axis
    {
        LEFT,
        RIGHT
    }

    public record Point(String category, double value)
    {
        public Point
        {
            requireNonNull(category, "category is null");
        }
    }

    public record Series(String name, Style style, Axis axis, List<Point> points)
    {
        public Series
        {
            requireNonNull(name, "name is null");
            requireNonNull(style, "style is null");
            requireNonNull(axis, "axis is null");
            points = List.copyOf(requireNonNull(points, "points is null"));
        }

        public static Series of(String name, Style style, List<Point> points)
        {
            return new Series(name, style, Axis.LEFT, points);
        }

        /** The value at {@code category}; empty when the series has no point there. */
        public Optional<Double> valueAt(String category)
        {
            return points.stream().filter(point -> point.category().equals(category)).map(Point::value).findFirst();
        }
    }

    /** A category to point at, with a label: the bin that holds the threshold, a day out of control. */
    public record Marker(String category, String label)
    {
        public Marker
        {
            requireNonNull(category, "category is null");
            requireNonNull(label, "label is null");
        }
    }

    public Chart
    {
        requireNonNull(id, "id is null");
        requireNonNull(title, "title is null");
        requireNonNull(categoryAxis, "categoryAxis is null");
        requireNonNull(valueAxis, "valueAxis is null");
        requireNonNull(rightAxis, "rightAxis is null");
        series = List.copyOf(requireNonNull(series, "series is null"));
        markers = List.copyOf(requireNonNull(markers, "markers is null"));
        ReportBlock.checkId(id);
        if (rightAxis.isEmpty() && series.stream().anyMatch(one -> one.axis() == Axis.RIGHT)) {
            throw new IllegalArgumentException("Chart '" + id + "' has a series on the right axis but no right axis label");
        }
        Set<String> names = new LinkedHashSet<>();
        for (Series one : series) {
            if (!names.add(one.name())) {
                throw new IllegalArgumentException("Chart '" + id + "' has two series named '" + one.name() + "'");
            }
        }
    }

    public static Chart of(String id, String title, String categoryAxis, String valueAxis, List<Series> series)
    {
        return new Chart(id, title, categoryAxis, valueAxis, Optional.empty(), series, List.of());
    }

    public Chart withRightAxis(String label)
    {
        return new Chart(id, title, categoryAxis, valueAxis, Optional.of(label), series, markers);
    }

    public Chart withMarkers(List<Marker> more)
    {
        List<Marker> all = new ArrayList<>(markers);
        all.addAll(more);
        return new Chart(id, title, categoryAxis, valueAxis, rightAxis, series, all);
    }

    /** Every category, in the order the series first name them. */
    public List<String> categories()
    {
        Set<String> categories = new LinkedHashSet<>();
        series.forEach(one -> one.points().forEach(point -> categories.add(point.category())));
        return List.copyOf(categories);
    }

    public Series series(String name)
    {
        return series.stream().filter(one -> one.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("Chart '" + id + "' has no series '" + name + "'; it has "
                        + series.stream().map(Series::name).toList()));
    }

    public boolean isEmpty()
    {
        return series.stream().allMatch(one -> one.points().isEmpty());
    }
}
