package dev.sparkjobs.defectimages;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;

import java.sql.Date;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import dev.sparkjobs.api.AggregateCounts;
import dev.sparkjobs.api.TableSpec;
import dev.sparkjobs.api.report.Chart;
import dev.sparkjobs.api.report.Chart.Axis;
import dev.sparkjobs.api.report.Chart.Point;
import dev.sparkjobs.api.report.Chart.Series;
import dev.sparkjobs.api.report.Chart.Style;
import dev.sparkjobs.api.report.DataTable;
import dev.sparkjobs.api.report.JobReport;
import dev.sparkjobs.api.report.Note;
import dev.sparkjobs.api.report.Report;
import dev.sparkjobs.api.report.ReportBlock;
import dev.sparkjobs.api.report.ReportContext;

/**
 * The report of defect-image-stats for one month (of {@code --date}, else the latest the tables
 * hold): the defect Pareto of the month, a p-chart per process step, the yield of the lots captured
 * in the month and the strongest process correlations. Every section is aggregated in Spark; only
 * the aggregates (types, steps x days, the lowest lots, the top correlations) reach the driver. A
 * missing table or a month without rows becomes a note that says what to run.
 */
public final class DefectImageStatsReport
        implements JobReport
{
    static final String PARETO = "pareto";
    static final String LOT_YIELD = "lot-yield";
    static final String CORRELATIONS = "process-correlations";
    static final String P_CHARTS_NOT_SHOWN = "p-charts-not-shown";
    static final String NO_DATA = "-no-data";

    static final int PARETO_TYPES = 15;
    static final int P_CHARTS = 12;
    static final int LOWEST_LOTS = 30;
    static final int TOP_CORRELATIONS = 10;

    static final String DEFECT_IMAGES = "defect images";
    static final String CUMULATIVE = "cumulative %";
    static final String YIELD = "yield %";

    private static final String RUN_HINT = "run `spark-jobs run " + DefectImageStatsJob.NAME
            + " --date D` with input.images and input.inspections set (`spark-jobs sample-data " + DefectImageStatsJob.NAME
            + " --out DIR` writes sample inputs and prints the settings)";

    /** The month a report covers, and how it was chosen. */
    record Period(YearMonth month, String chosenBy)
    {
        Date firstDay()
        {
            return Date.valueOf(month.atDay(1));
        }

        Date lastDay()
        {
            return Date.valueOf(month.atEndOfMonth());
        }

        String name()
        {
            return month.getMonth().getDisplayName(TextStyle.FULL, Locale.ENGLISH) + " " + month.getYear();
        }
    }

    @Override
    public Report build(ReportContext context)
    {
        String title = DefectImageStatsJob.NAME;
        Optional<Period> period = context.date()
                .map(date -> new Period(YearMonth.from(date), "the month of --date " + date))
                .or(() -> labelled(context, "latest month", () -> latestMonth(context)));
        if (period.isEmpty()) {
            return new Report(title, "No published table holds a capture day yet", List.of(new Note("report" + NO_DATA, "No data",
                    "No table of " + DefectImageStatsJob.NAME + " with rows exists under output.root: " + RUN_HINT + ", then ask for the report again.")));
        }
        Period month = period.get();
        List<ReportBlock> blocks = new ArrayList<>();
        blocks.add(labelled(context, "defect Pareto", () -> pareto(context, month)));
        blocks.addAll(labelled(context, "p-charts", () -> pCharts(context, month)));
        blocks.add(labelled(context, "lot yield", () -> lotYield(context, month)));
        blocks.add(labelled(context, "process correlations", () -> correlations(context)));
        return new Report(title + ": " + month.name(),
                "Capture days " + month.firstDay() + " to " + month.lastDay() + " (" + month.chosenBy() + ")", blocks);
    }

    /** The month of the latest capture day of defect_stats_daily, else of the latest period of defect_pareto, else of the latest lot. */
    private static Optional<Period> latestMonth(ReportContext context)
    {
        Map<TableSpec, String> dayColumns = new LinkedHashMap<>();
        dayColumns.put(DefectTables.DEFECT_STATS_DAILY, "capture_date");
        dayColumns.put(DefectTables.DEFECT_PARETO, "period");
        dayColumns.put(DefectTables.LOT_YIELD, "last_capture");
        for (Map.Entry<TableSpec, String> entry : dayColumns.entrySet()) {
            Optional<LocalDate> latest = context.table(entry.getKey().name())
                    .flatMap(table -> day(table.agg(max(entry.getValue())).first().get(0)));
            if (latest.isPresent()) {
                return Optional.of(new Period(YearMonth.from(latest.get()), "the latest month in " + entry.getKey().name()));
            }
        }
        return Optional.empty();
    }

    private static ReportBlock pareto(ReportContext context, Period month)
    {
        String title = "Defect Pareto, " + month.name();
        Optional<Dataset<Row>> table = context.table(DefectTables.DEFECT_PARETO.name());
        if (table.isEmpty()) {
            return missing(PARETO, title, DefectTables.DEFECT_PARETO);
        }
        Dataset<Row> byType = table.get().filter(col("period").equalTo(lit(month.firstDay())))
                .groupBy("defect_type")
                .agg(sum("defect_images").as("defect_images"));
        Row totals = byType.agg(sum("defect_images"), count(lit(1))).first();
        long total = AggregateCounts.at(totals, 0);
        long types = totals.getLong(1);
        if (total == 0) {
            return noRows(PARETO, title, DefectTables.DEFECT_PARETO, table.get(), "period", month,
                    "no image captured in the month is labelled defect, or the month has not been run");
        }
        List<Row> top = byType.orderBy(col("defect_images").desc(), col("defect_type").asc()).limit(PARETO_TYPES).collectAsList();
        List<Point> counts = new ArrayList<>();
        top.forEach(row -> counts.add(new Point(row.getString(0), row.getLong(1))));
        long shown = top.stream().mapToLong(row -> row.getLong(1)).sum();
        if (types > top.size()) {
            counts.add(new Point("other (" + (types - top.size()) + " types)", total - shown));
        }
        List<Point> cumulative = new ArrayList<>();
        double running = 0;
        for (Point point : counts) {
            running += point.value();
            cumulative.add(new Point(point.category(), 100 * running / total));
        }
        // the constructor, not Chart.of(...).withRightAxis(...): Chart.of rejects a right-axis series before the label is set
        return new Chart(PARETO, title + ": " + total + " defect images, all steps", "defect type", DEFECT_IMAGES, Optional.of(CUMULATIVE), List.of(
                Series.of(DEFECT_IMAGES, Style.BAR, counts),
                new Series(CUMULATIVE, Style.LINE, Axis.RIGHT, cumulative)), List.of());
    }

    private static List<ReportBlock> pCharts(ReportContext context, Period month)
    {
        String title = "Daily defect rate per process step, " + month.name();
        Optional<Dataset<Row>> table = context.table(DefectTables.DEFECT_STATS_DAILY.name());
        if (table.isEmpty()) {
            return List.of(missing("p-charts", title, DefectTables.DEFECT_STATS_DAILY));
        }
        // rows with a step are labelled ok or defect (unlabeled images have no step), so images is the day's n
        Dataset<Row> days = table.get()
                .filter(col("process_step").isNotNull().and(col("capture_date").between(lit(month.firstDay()), lit(month.lastDay()))))
                .groupBy("process_step", "capture_date")
                .agg(sum("images").as("inspected"), sum("defect_images").as("defective"));
        // bounded by process.max-step: the steps most worth a chart first
        List<Integer> steps = days.groupBy("process_step")
                .agg(sum("defective").as("defective"), sum("inspected").as("inspected"))
                .orderBy(col("defective").desc(), col("inspected").desc(), col("process_step").asc())
                .collectAsList().stream().map(row -> row.getInt(0)).toList();
        if (steps.isEmpty()) {
            return List.of(noRows("p-charts", title, DefectTables.DEFECT_STATS_DAILY, table.get(), "capture_date", month,
                    "no image with a process step was captured in the month, or the month has not been run"));
        }
        List<Integer> charted = steps.subList(0, Math.min(P_CHARTS, steps.size())).stream().sorted().toList();
        Map<Integer, List<PChart.Day>> byStep = new LinkedHashMap<>();
        charted.forEach(step -> byStep.put(step, new ArrayList<>()));
        days.filter(col("process_step").isin(charted.toArray()))
                .orderBy("process_step", "capture_date")
                .collectAsList()
                .forEach(row -> byStep.get(row.getInt(0)).add(new PChart.Day(day(row.get(1)).orElseThrow(), row.getLong(2), row.getLong(3))));
        List<ReportBlock> blocks = new ArrayList<>();
        byStep.forEach((step, stepDays) -> blocks.add(PChart.of(step, stepDays)));
        if (steps.size() > charted.size()) {
            List<Integer> rest = steps.subList(charted.size(), steps.size()).stream().sorted().toList();
            blocks.add(new Note(P_CHARTS_NOT_SHOWN, "Steps without a p-chart",
                    "The month has images at " + steps.size() + " process steps; the " + charted.size()
                            + " with the most defect images are charted. Not charted: steps "
                            + rest.stream().map(String::valueOf).collect(Collectors.joining(", ")) + "."));
        }
        return blocks;
    }

    private static ReportBlock lotYield(ReportContext context, Period month)
    {
        String title = "Lot yield (over all the lot's images so far), lots captured in " + month.name();
        Optional<Dataset<Row>> table = context.table(DefectTables.LOT_YIELD.name());
        if (table.isEmpty()) {
            return missing(LOT_YIELD, title, DefectTables.LOT_YIELD);
        }
        Dataset<Row> lots = table.get().filter(col("first_capture").leq(lit(month.lastDay())).and(col("last_capture").geq(lit(month.firstDay()))));
        long count = lots.count();
        if (count == 0) {
            return noRows(LOT_YIELD, title, DefectTables.LOT_YIELD, table.get(), "last_capture", month,
                    "no lot has an image captured in the month, or the month has not been run");
        }
        List<Point> yields = lots.orderBy(col("yield").asc(), col("lot_id").asc()).limit(LOWEST_LOTS)
                .select("lot_id", "yield").collectAsList().stream()
                .map(row -> new Point(row.getString(0), 100 * row.getDouble(1)))
                .toList();
        String which = count > LOWEST_LOTS ? ": the " + LOWEST_LOTS + " lowest of " + count + " lots" : ": " + count + " lots, lowest first";
        return Chart.of(LOT_YIELD, title + which, "lot", YIELD, List.of(Series.of(YIELD, Style.BAR, yields)));
    }

    private static ReportBlock correlations(ReportContext context)
    {
        String title = "Strongest process correlations with the lot defect rate (all lots so far)";
        Optional<Dataset<Row>> table = context.table(DefectTables.PROCESS_CORRELATION.name());
        if (table.isEmpty()) {
            return new Note(CORRELATIONS + NO_DATA, title, "Table " + DefectTables.PROCESS_CORRELATION.name()
                    + " does not exist under output.root: it is written only when input.process is set; " + RUN_HINT
                    + " and --set input.process=LOCATION (lot_id, process_step, measured_at, parameter, value).");
        }
        List<Row> top = table.get().filter(col("pearson_r").isNotNull())
                .orderBy(abs(col("pearson_r")).desc(), abs(col("spearman_r")).desc_nulls_last(), col("process_step").asc(), col("parameter").asc())
                .limit(TOP_CORRELATIONS)
                .select("process_step", "parameter", "lots", "pearson_r", "spearman_r")
                .collectAsList();
        if (top.isEmpty()) {
            return new Note(CORRELATIONS + NO_DATA, title, "Table " + DefectTables.PROCESS_CORRELATION.name()
                    + " has no correlation yet: one needs at least " + DefectStatistics.MIN_LOTS_FOR_CORRELATION
                    + " lots with both a parameter value at the step and inspected images, and values that are not all equal.");
        }
        List<List<String>> rows = top.stream().map(row -> List.of(
                        parameterAtStep(row.getString(1), row.getInt(0)),
                        String.valueOf(row.getLong(2)),
                        String.format(Locale.ROOT, "%+.3f", row.getDouble(3)),
                        row.isNullAt(4) ? "n/a" : String.format(Locale.ROOT, "%+.3f", row.getDouble(4)),
                        row.getDouble(3) > 0 ? "more defects" : "fewer defects"))
                .toList();
        return new DataTable(CORRELATIONS, title + ", top " + TOP_CORRELATIONS + " by |Pearson r|",
                List.of("parameter", "lots", "pearson r", "spearman r", "a higher value goes with"), rows);
    }

    /** The key of a row of {@code process-correlations}. */
    static String parameterAtStep(String parameter, int step)
    {
        return parameter + " at step " + step;
    }

    private static Note missing(String id, String title, TableSpec table)
    {
        return new Note(id + NO_DATA, title, "Table " + table.name() + " does not exist under output.root yet: " + RUN_HINT + ".");
    }

    private static Note noRows(String id, String title, TableSpec spec, Dataset<Row> table, String dayColumn, Period month, String why)
    {
        Row span = table.agg(min(dayColumn), max(dayColumn)).first();
        String holds = day(span.get(0))
                .map(first -> "it holds " + YearMonth.from(first) + " to " + YearMonth.from(day(span.get(1)).orElseThrow()))
                .orElse("it has no rows");
        return new Note(id + NO_DATA, title, "Table " + spec.name() + " has no rows for " + month.name() + " (" + holds + "): " + why
                + ". Run `spark-jobs run " + DefectImageStatsJob.NAME + " --date D` for the days of " + month.month()
                + " (or --set scope=all), or ask for a --date in a month the table holds.");
    }

    /** A DATE value as Spark returns it: java.sql.Date, or LocalDate with spark.sql.datetime.java8API.enabled. */
    private static Optional<LocalDate> day(Object value)
    {
        if (value instanceof Date date) {
            return Optional.of(date.toLocalDate());
        }
        if (value instanceof LocalDate date) {
            return Optional.of(date);
        }
        return Optional.empty();
    }

    /** Names the report's Spark jobs in the Spark UI. */
    private static <T> T labelled(ReportContext context, String section, Supplier<T> work)
    {
        try (var step = context.step(section)) {
            return work.get();
        }
    }
}
