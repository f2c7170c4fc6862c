package dev.sparkjobs.costanalysis;

import static java.util.Objects.requireNonNull;
import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.sql.Date;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.DoubleFunction;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import dev.sparkjobs.api.report.Chart;
import dev.sparkjobs.api.report.DataTable;
import dev.sparkjobs.api.report.JobReport;
import dev.sparkjobs.api.report.Note;
import dev.sparkjobs.api.report.Report;
import dev.sparkjobs.api.report.ReportBlock;
import dev.sparkjobs.api.report.ReportContext;

/**
 * {@code spark-jobs report cost-analysis}: one billing period (the month of {@code --date}, else the
 * latest period in cost_daily), all accounts together: effective cost per day by service, the
 * daily total with its anomalies, the KPIs next to the previous period's, and the top owners.
 *
 * <p>Every number is aggregated in Spark; the driver receives at most days x (top services + 1)
 * cells, one row per anomalous day, two KPI rows and the top owners.
 */
final class CostAnalysisReport
        implements JobReport
{
    static final String DAILY_COST_BY_SERVICE = "daily-cost-by-service";
    static final String DAILY_COST_TREND = "daily-cost-trend";
    static final String KPIS = "kpis";
    static final String TOP_OWNERS = "top-owners";
    static final String ANOMALIES = "anomalies";
    static final String NO_DATA = "no-data";

    static final int TOP_SERVICE_COUNT = 8;
    static final int TOP_OWNER_COUNT = 10;
    static final String OTHER_SERVICES = "other";
    static final String NO_SERVICE = "(no service)";
    static final String UNTAGGED = "(untagged)";
    static final String TOTAL = "total";
    static final String ANOMALY = "anomaly";
    static final String EFFECTIVE_COST = "effective cost";
    static final String NOT_AVAILABLE = "n/a";
    static final String KPI_COLUMN = "KPI";

    /** The rows of the KPI table: cost_kpis_monthly's KPI columns, in the order analysts read them. */
    static final List<Kpi> KPI_ROWS = List.of(
            new Kpi("Effective savings rate", "effective_savings_rate", CostAnalysisReport::percent),
            new Kpi("Spot share", "spot_share", CostAnalysisReport::percent),
            new Kpi("Commitment coverage", "commitment_coverage", CostAnalysisReport::percent),
            new Kpi("Graviton share", "graviton_share", CostAnalysisReport::percent),
            new Kpi("Graviton savings opportunity", "graviton_savings_opportunity", CostAnalysisReport::amount),
            new Kpi("Untagged share", "untagged_share", CostAnalysisReport::percent),
            new Kpi("MoM effective cost change", "mom_effective_cost_change", CostAnalysisReport::signedPercent),
            new Kpi("Total effective cost", "total_effective_cost", CostAnalysisReport::amount));

    /** One row of the KPI table: its label, its column in cost_kpis_monthly and how its values are shown. */
    record Kpi(String label, String column, DoubleFunction<String> format)
    {
        Kpi
        {
            requireNonNull(label, "label is null");
            requireNonNull(column, "column is null");
            requireNonNull(format, "format is null");
        }

        String formatted(Optional<Row> row)
        {
            return row.filter(kpis -> !kpis.isNullAt(kpis.fieldIndex(column)))
                    .map(kpis -> format.apply(kpis.getDouble(kpis.fieldIndex(column))))
                    .orElse(NOT_AVAILABLE);
        }
    }

    @Override
    public Report build(ReportContext context)
    {
        String title = "Cost analysis";
        Optional<Dataset<Row>> daily = context.table(CostTables.DAILY.name());
        if (daily.isEmpty()) {
            return new Report(title, "No billing period published yet", List.of(new Note(NO_DATA, "No data",
                    "Table " + CostTables.DAILY.name() + " does not exist yet: " + howToPublish(context.date()))));
        }
        Optional<LocalDate> requested = context.date().map(date -> date.withDayOfMonth(1));
        Optional<LocalDate> found = requested.or(() -> latestPeriod(daily.get()));
        if (found.isEmpty()) {
            return new Report(title, "No billing period published yet", List.of(new Note(NO_DATA, "No data",
                    "Table " + CostTables.DAILY.name() + " has no rows: " + howToPublish(Optional.empty()))));
        }
        LocalDate period = found.get();
        String periodLabel = YearMonth.from(period).toString();
        Dataset<Row> periodRows = inPeriod(daily.get(), period);
        ServiceDays serviceDays = ServiceDays.of(periodRows);
        if (serviceDays.days().isEmpty()) {
            return new Report(title, "Billing period " + periodLabel, List.of(new Note(NO_DATA, "No data for " + periodLabel,
                    "Table " + CostTables.DAILY.name() + " has no rows for billing period " + periodLabel + ": " + howToPublish(Optional.of(period)))));
        }

        Map<String, Double> totals = serviceDays.totalPerDay();
        double periodTotal = totals.values().stream().mapToDouble(Double::doubleValue).sum();
        List<ReportBlock> blocks = new ArrayList<>();
        blocks.add(serviceDays.chart(periodLabel));
        blocks.addAll(trend(context.table(CostTables.ANOMALIES.name()), period, totals));
        blocks.add(kpis(context.table(CostTables.KPIS.name()), period));
        blocks.add(topOwners(periodRows, periodLabel));
        String subtitle = String.format(Locale.ROOT, "Billing period %s, all accounts: %s effective cost on %d days with charges", periodLabel,
                amount(periodTotal), totals.size());
        return new Report(title, subtitle, blocks);
    }

    /**
     * Effective cost per day of the period's top services and of the rest together, as brought to
     * the driver: at most 31 days x 9 series.
     */
    private record ServiceDays(List<String> days, List<String> services, Map<String, Map<String, Double>> costByServiceAndDay)
    {
        ServiceDays
        {
            days = List.copyOf(requireNonNull(days, "days is null"));
            services = List.copyOf(requireNonNull(services, "services is null"));
            requireNonNull(costByServiceAndDay, "costByServiceAndDay is null");
        }

        static ServiceDays of(Dataset<Row> periodRows)
        {
            Column service = coalesce(col(LineItems.SERVICE_NAME), lit(NO_SERVICE));
            // One service more than shown: it tells whether an "other" series is needed.
            List<String> ranked = periodRows.groupBy(service.as("service"))
                    .agg(sumOfEffectiveCost().as("cost"))
                    .orderBy(col("cost").desc(), col("service"))
                    .limit(TOP_SERVICE_COUNT + 1)
                    .collectAsList().stream().map(row -> row.getString(0)).toList();
            if (ranked.isEmpty()) {
                return new ServiceDays(List.of(), List.of(), Map.of());
            }
            List<String> top = ranked.subList(0, Math.min(TOP_SERVICE_COUNT, ranked.size()));
            List<String> services = new ArrayList<>(top);
            if (ranked.size() > TOP_SERVICE_COUNT) {
                services.add(OTHER_SERVICES);
            }
            Column series = when(service.isin(top.toArray()), service).otherwise(lit(OTHER_SERVICES));
            List<Row> cells = periodRows.groupBy(day(LineItems.CHARGE_DATE).as("day"), series.as("series"))
                    .agg(sumOfEffectiveCost().as("cost"))
                    .orderBy("day", "series")
                    .collectAsList();
            List<String> days = new ArrayList<>();
            Map<String, Map<String, Double>> costs = new HashMap<>();
            for (Row cell : cells) {
                String day = cell.getString(0);
                if (days.isEmpty() || !days.get(days.size() - 1).equals(day)) {
                    days.add(day);
                }
                costs.computeIfAbsent(cell.getString(1), name -> new HashMap<>()).put(day, cell.getDouble(2));
            }
            return new ServiceDays(days, services, costs);
        }

        double cost(String service, String day)
        {
            return costByServiceAndDay.getOrDefault(service, Map.of()).getOrDefault(day, 0.0);
        }

        /** The height of each day's stack, so that the trend line meets the top of the bars. */
        Map<String, Double> totalPerDay()
        {
            Map<String, Double> totals = new LinkedHashMap<>();
            for (String day : days) {
                totals.put(day, services.stream().mapToDouble(service -> cost(service, day)).sum());
            }
            return totals;
        }

        Chart chart(String periodLabel)
        {
            // Every series has a point on every day (0 where a service had no cost), so the categories are the days in order.
            List<Chart.Series> series = services.stream()
                    .map(service -> Chart.Series.of(service, Chart.Style.STACKED_BAR,
                            days.stream().map(day -> new Chart.Point(day, cost(service, day))).toList()))
                    .toList();
            String others = services.contains(OTHER_SERVICES) ? ", the rest as other" : "";
            return Chart.of(DAILY_COST_BY_SERVICE, "Effective cost per day by service, " + periodLabel + " (top " + TOP_SERVICE_COUNT + " services"
                    + others + ")", "day", EFFECTIVE_COST, series);
        }
    }

    /**
     * The daily total as a line with the anomalous days as points on it. A chart of its own rather
     * than a line over the stacked bars: an anomaly is one account and service far from its own
     * baseline, often invisible in the stack, and its marker labels would crowd nine stacked series;
     * alone, the line and the labelled points read as "when did something unusual happen".
     */
    private static List<ReportBlock> trend(Optional<Dataset<Row>> anomalies, LocalDate period, Map<String, Double> totals)
    {
        List<Chart.Point> line = totals.entrySet().stream().map(entry -> new Chart.Point(entry.getKey(), entry.getValue())).toList();
        List<Chart.Point> points = new ArrayList<>();
        List<Chart.Marker> markers = new ArrayList<>();
        for (Row anomalyDay : anomalies.map(table -> anomalyDays(table, period)).orElse(List.of())) {
            String day = anomalyDay.getString(0);
            // A day missing from cost_daily (the tables published by different runs) has no total to put the point on.
            if (!totals.containsKey(day)) {
                continue;
            }
            Row strongest = anomalyDay.getStruct(2);
            long more = anomalyDay.getLong(1) - 1;
            String label = String.format(Locale.ROOT, "%s: %s score %.1f", strongest.getString(0), strongest.getString(1), strongest.getDouble(2))
                    + (more > 0 ? " (+" + more + " more)" : "");
            points.add(new Chart.Point(day, totals.get(day)));
            markers.add(new Chart.Marker(day, label));
        }
        Chart chart = Chart.of(DAILY_COST_TREND, "Total effective cost per day, " + points.size() + " anomalous days marked", "day", EFFECTIVE_COST,
                        List.of(Chart.Series.of(TOTAL, Chart.Style.LINE, line), Chart.Series.of(ANOMALY, Chart.Style.POINTS, points)))
                .withMarkers(markers);
        if (anomalies.isEmpty()) {
            return List.of(chart, missingTable(ANOMALIES, "Anomalies", CostTables.ANOMALIES.name(), period));
        }
        return List.of(chart);
    }

    /** One row per anomalous day of the period: the day, its number of anomalies and the strongest (direction, service, score). */
    private static List<Row> anomalyDays(Dataset<Row> anomalies, LocalDate period)
    {
        Column strongest = max_by(struct(col("direction"), coalesce(col(LineItems.SERVICE_NAME), lit(NO_SERVICE)), col("score")), abs(col("score")));
        return inPeriod(anomalies, period)
                .groupBy(day(LineItems.CHARGE_DATE).as("day"))
                .agg(count(lit(1)).as("anomalies"), strongest.as("strongest"))
                .orderBy("day")
                .collectAsList();
    }

    private static ReportBlock kpis(Optional<Dataset<Row>> table, LocalDate period)
    {
        String title = "KPIs, all accounts";
        if (table.isEmpty()) {
            return missingTable(KPIS, title, CostTables.KPIS.name(), period);
        }
        LocalDate previous = period.minusMonths(1);
        Map<String, Row> byPeriod = new HashMap<>();
        table.get()
                .filter(col(LineItems.ACCOUNT_ID).equalTo(lit(MonthlyKpis.ALL_ACCOUNTS))
                        .and(col(LineItems.BILLING_PERIOD).isin(Date.valueOf(period), Date.valueOf(previous))))
                .select(kpiColumns())
                .collectAsList()
                .forEach(row -> byPeriod.put(row.getString(0), row));
        Optional<Row> current = Optional.ofNullable(byPeriod.get(period.toString()));
        if (current.isEmpty()) {
            return new Note(KPIS, title, "Table " + CostTables.KPIS.name() + " has no all-accounts row for billing period " + YearMonth.from(period)
                    + ": " + howToPublish(Optional.of(period)));
        }
        Optional<Row> before = Optional.ofNullable(byPeriod.get(previous.toString()));
        List<List<String>> rows = KPI_ROWS.stream().map(kpi -> List.of(kpi.label(), kpi.formatted(current), kpi.formatted(before))).toList();
        return new DataTable(KPIS, title, List.of(KPI_COLUMN, YearMonth.from(period).toString(), YearMonth.from(previous).toString()), rows);
    }

    /** The period (yyyy-MM-dd) and the columns of {@link #KPI_ROWS}, in that order. */
    private static Column[] kpiColumns()
    {
        List<Column> columns = new ArrayList<>();
        columns.add(day(LineItems.BILLING_PERIOD).as("period"));
        KPI_ROWS.forEach(kpi -> columns.add(col(kpi.column())));
        return columns.toArray(Column[]::new);
    }

    private static Chart topOwners(Dataset<Row> periodRows, String periodLabel)
    {
        List<Chart.Point> owners = periodRows.groupBy(coalesce(col(LineItems.OWNER), lit(UNTAGGED)).as("owner"))
                .agg(sumOfEffectiveCost().as("cost"))
                .orderBy(col("cost").desc(), col("owner"))
                .limit(TOP_OWNER_COUNT)
                .collectAsList().stream()
                .map(row -> new Chart.Point(row.getString(0), row.getDouble(1)))
                .toList();
        return Chart.of(TOP_OWNERS, "Top " + TOP_OWNER_COUNT + " owners by effective cost, " + periodLabel, "owner", EFFECTIVE_COST,
                List.of(Chart.Series.of(EFFECTIVE_COST, Chart.Style.BAR, owners)));
    }

    private static Optional<LocalDate> latestPeriod(Dataset<Row> daily)
    {
        Row latest = daily.agg(day(max(col(LineItems.BILLING_PERIOD)))).first();
        return latest.isNullAt(0) ? Optional.empty() : Optional.of(LocalDate.parse(latest.getString(0)));
    }

    private static Dataset<Row> inPeriod(Dataset<Row> table, LocalDate period)
    {
        return table.filter(col(LineItems.BILLING_PERIOD).equalTo(lit(Date.valueOf(period))));
    }

    private static Column day(String dateColumn)
    {
        return day(col(dateColumn));
    }

    private static Column day(Column date)
    {
        return date_format(date, "yyyy-MM-dd");
    }

    private static Column sumOfEffectiveCost()
    {
        return coalesce(sum(LineItems.EFFECTIVE_COST), lit(0.0));
    }

    private static Note missingTable(String id, String title, String table, LocalDate period)
    {
        return new Note(id, title, "Table " + table + " does not exist yet: " + howToPublish(Optional.of(period)));
    }

    /** What to run to publish a period (or any, when none is known). */
    private static String howToPublish(Optional<LocalDate> period)
    {
        String date = period.map(day -> YearMonth.from(day).atEndOfMonth().toString()).orElse("YYYY-MM-DD");
        String which = period.map(day -> "billing period " + YearMonth.from(day)).orElse("a billing period");
        return "run `spark-jobs run " + CostAnalysisJob.NAME + " --date " + date + " --set input.billing=<billing export folder>` to publish "
                + which + " (add `--set scope=all` for every period in the export).";
    }

    static String percent(double share)
    {
        return String.format(Locale.ROOT, "%.1f%%", share * 100);
    }

    static String signedPercent(double change)
    {
        return String.format(Locale.ROOT, "%+.1f%%", change * 100);
    }

    static String amount(double cost)
    {
        return String.format(Locale.ROOT, "%,.2f", cost);
    }
}
