package dev.sparkjobs.defectimages;

import static java.util.Objects.requireNonNull;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import dev.sparkjobs.api.report.Chart;
import dev.sparkjobs.api.report.Chart.Marker;
import dev.sparkjobs.api.report.Chart.Point;
import dev.sparkjobs.api.report.Chart.Series;
import dev.sparkjobs.api.report.Chart.Style;

/**
 * A p-chart of one process step: the daily defect rate p = defective / inspected, the centre line
 * p-bar = all defective / all inspected over the shown days, and 3-sigma limits for each day's n,
 * p-bar +- 3 sqrt(p-bar (1 - p-bar) / n), clipped to 0..1 (a rate cannot leave it, so clipping
 * marks no other day).
 */
final class PChart
{
    static final String RATE = "p";
    static final String CENTRE_LINE = "centre line";
    static final String UPPER_LIMIT = "UCL";
    static final String LOWER_LIMIT = "LCL";
    static final String OUT_OF_CONTROL = "out of control";

    private static final double SIGMAS = 3;

    /** One day of one step: images inspected (every image with a step is labelled ok or defect) and those labelled defect. */
    record Day(LocalDate day, long inspected, long defective)
    {
        Day
        {
            requireNonNull(day, "day is null");
            if (inspected <= 0 || defective < 0 || defective > inspected) {
                throw new IllegalArgumentException("Cannot chart " + day + ": " + defective + " defective of " + inspected + " inspected");
            }
        }

        double rate()
        {
            return (double) defective / inspected;
        }
    }

    private PChart() {}

    /** The chart {@code p-chart-<step>} over {@code days} in day order; the series "out of control" is there only when a day is. */
    static Chart of(int step, List<Day> days)
    {
        if (days.isEmpty()) {
            throw new IllegalArgumentException("Cannot chart step " + step + ": no day has images");
        }
        long inspected = days.stream().mapToLong(Day::inspected).sum();
        long defective = days.stream().mapToLong(Day::defective).sum();
        double centre = (double) defective / inspected;
        List<Point> rates = new ArrayList<>();
        List<Point> centres = new ArrayList<>();
        List<Point> upper = new ArrayList<>();
        List<Point> lower = new ArrayList<>();
        List<Point> outside = new ArrayList<>();
        List<Marker> markers = new ArrayList<>();
        for (Day day : days) {
            String category = day.day().toString();
            double sigma = Math.sqrt(centre * (1 - centre) / day.inspected());
            double upperLimit = Math.min(1, centre + SIGMAS * sigma);
            double lowerLimit = Math.max(0, centre - SIGMAS * sigma);
            double rate = day.rate();
            rates.add(new Point(category, rate));
            centres.add(new Point(category, centre));
            upper.add(new Point(category, upperLimit));
            lower.add(new Point(category, lowerLimit));
            boolean above = rate > upperLimit;
            if (above || rate < lowerLimit) {
                outside.add(new Point(category, rate));
                markers.add(new Marker(category, String.format(Locale.ROOT, "p = %.3f (%d of %d) %s %.3f", rate, day.defective(), day.inspected(),
                        above ? "above UCL" : "below LCL", above ? upperLimit : lowerLimit)));
            }
        }
        List<Series> series = new ArrayList<>(List.of(
                Series.of(RATE, Style.LINE, rates),
                Series.of(CENTRE_LINE, Style.LINE, centres),
                Series.of(UPPER_LIMIT, Style.LINE, upper),
                Series.of(LOWER_LIMIT, Style.LINE, lower)));
        if (!outside.isEmpty()) {
            series.add(Series.of(OUT_OF_CONTROL, Style.POINTS, outside));
        }
        String title = String.format(Locale.ROOT, "Step %d: daily defect rate (p-chart, p-bar %.3f = %d of %d images, 3-sigma limits)", step, centre, defective, inspected);
        return Chart.of(id(step), title, "capture day", "defect rate p", series).withMarkers(markers);
    }

    /** Steps are 1..process.max-step (the job rejects others), so the id is kebab-case. */
    static String id(int step)
    {
        return "p-chart-" + step;
    }
}
