package dev.sparkjobs.costanalysis;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.sql.Date;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import dev.sparkjobs.api.AggregateCounts;
import dev.sparkjobs.api.ConfigKey;
import dev.sparkjobs.api.InputSpec;
import dev.sparkjobs.api.Job;
import dev.sparkjobs.api.JobContext;
import dev.sparkjobs.api.JobOutputs;
import dev.sparkjobs.api.SampleDataGenerator;
import dev.sparkjobs.api.TableSpec;
import dev.sparkjobs.api.report.JobReport;
import dev.sparkjobs.errors.SparkJobsException;

/**
 * Cloud billing exports (AWS CUR 2.0 or FinOps FOCUS) to cost facts and FinOps KPIs: per run, the
 * billing period of the logical date and the earlier periods whose export files were rewritten
 * since they were last published ({@link BillingPeriods}), or every period found ({@code scope=all}).
 */
public final class CostAnalysisJob
        implements Job
{
    public static final String NAME = "cost-analysis";

    @Override
    public String name()
    {
        return NAME;
    }

    @Override
    public String description()
    {
        return "Cloud billing exports (AWS CUR 2.0, FinOps FOCUS) to cost facts, FinOps KPIs, anomalies and EKS cost allocation";
    }

    @Override
    public List<InputSpec> inputs()
    {
        return List.of(InputSpec.required(BillingReader.INPUT,
                "Folder or prefix of billing export files, read recursively: AWS CUR 2.0 (Parquet, CSV, CSV.gz) or FOCUS 1.0-1.2 (CSV, Parquet)"));
    }

    @Override
    public List<ConfigKey<?>> configKeys()
    {
        return CostAnalysisSettings.ALL;
    }

    @Override
    public List<TableSpec> outputs()
    {
        return CostTables.ALL;
    }

    @Override
    public Optional<SampleDataGenerator> sampleDataGenerator()
    {
        return Optional.of(new SampleCurGenerator());
    }

    @Override
    public Optional<JobReport> report()
    {
        return Optional.of(new CostAnalysisReport());
    }

    @Override
    public JobOutputs run(JobContext context)
    {
        CostAnalysisSettings settings = CostAnalysisSettings.from(context.config());
        LocalDate period = context.logicalDate().withDayOfMonth(1);
        BillingPeriods.Plan plan;
        BillingReader.SourceRows source;
        try (var step = context.step("inspect billing files")) {
            plan = BillingPeriods.plan(context.scope(), settings.anomalyWindowDays(), context.listInput(BillingReader.INPUT), context.lastRecomputed());
            source = BillingReader.read(context, settings, plan.filesRead());
        }
        Dataset<Row> items = source.format() == BillingFormat.CUR2
                ? CurNormaliser.normalise(source.rows(), settings)
                : FocusNormaliser.normalise(source.rows(), settings);
        // A row whose own period cannot be read is reported with the run's period.
        items = items.withColumn(LineItems.BILLING_PERIOD, coalesce(col(LineItems.BILLING_PERIOD), lit(Date.valueOf(period))));
        Column inScope = lit(true);
        if (!context.scope().isAll()) {
            // The periods recomputed (the run's own, those whose files changed, the ones after those), and the periods their
            // month-over-month change and anomaly windows need.
            items = items.filter(col(LineItems.BILLING_PERIOD).isin(dates(plan.periodsRead())));
            inScope = col(LineItems.BILLING_PERIOD).isin(dates(plan.recomputedPeriods()));
        }
        // The line items are never cached: cost_line_items and cost_rejects read the files again
        // (only the columns they use), and every other table and the counts below come from the
        // daily grain, read once and cached for the run (the framework releases it when the run ends).
        int partitions = Math.max(1, context.spark().sparkContext().defaultParallelism());
        Dataset<Row> grain = context.persist(CostGrain.of(items, partitions));

        Row counts;
        try (var step = context.step("read billing rows, count rejects and sum them to a daily grain")) {
            counts = grain.agg(CostGrain.lineItemsWhere(inScope), CostGrain.lineItemsWhere(inScope.and(col(CostGrain.REJECTED))),
                    CostGrain.lineItemsWhere(inScope.and(col(LineItems.IS_SPLIT)))).first();
        }
        catch (Exception failure) { // Spark throws its checked SparkException undeclared
            // This pass reads every byte of every CSV file, so a damaged file stops the run here, named.
            Optional<SparkJobsException> damaged = BillingReader.damagedFile(failure, source, context.spark().sparkContext().hadoopConfiguration());
            if (damaged.isPresent()) {
                throw damaged.get();
            }
            throw failure;
        }
        long rows = AggregateCounts.at(counts, 0);
        long rejected = AggregateCounts.at(counts, 1);
        long splitRowCount = AggregateCounts.at(counts, 2);
        settings.rejects().check(NAME, BillingReader.INPUT_KEY, rejected, rows);

        Dataset<Row> costRowsInScope = items.filter(col(BillingReader.REJECT).isNull().and(col(LineItems.IS_SPLIT).unary_$bang()).and(inScope));
        Dataset<Row> costGrain = grain.filter(CostGrain.isCost());
        boolean hasSplitColumns = source.presentColumns().contains("split_line_item_split_cost");
        Dataset<Row> splitGrain = grain.filter(CostGrain.isSplit().and(inScope).and(lit(hasSplitColumns && splitRowCount > 0)));
        // Known empty when nothing was rejected: the optimiser then drops the scan.
        Dataset<Row> rejectedRows = items.filter(lit(rejected > 0).and(inScope).and(col(BillingReader.REJECT).isNotNull()));

        JobOutputs.Builder outputs = JobOutputs.builder()
                .table(CostTables.LINE_ITEMS.name(), costRowsInScope.select(LineItems.outputColumns()))
                .table(CostTables.DAILY.name(), CostAggregations.daily(costGrain.filter(inScope)).coalesce(partitions))
                .table(CostTables.KPIS.name(), MonthlyKpis.of(costGrain, settings, context.readPublishedTable(CostTables.KPIS.name()))
                        .filter(inScope).coalesce(1))
                .table(CostTables.ANOMALIES.name(), CostAnomalies.of(costGrain, settings).filter(inScope).coalesce(1))
                .table(CostTables.EKS_ALLOCATION.name(), CostAggregations.eksAllocation(splitGrain).coalesce(partitions))
                .table(CostTables.REJECTS.name(), rejectedRows.select(
                        col(LineItems.BILLING_PERIOD), col("source_file"), col(BillingReader.REJECT + ".reason").as("reason"),
                        col(BillingReader.REJECT + ".column_name").as("column_name"), col(BillingReader.REJECT + ".raw_value").as("raw_value")))
                .counter("rows_read", rows)
                .counter("billing_files_read", plan.filesRead().size())
                .counter("billing_files_skipped", plan.filesSkipped())
                .counter("rows_rejected", rejected)
                .counter("split_cost_rows", splitRowCount);
        plan.recomputed().forEach(outputs::recomputed);
        if (rows == 0) {
            outputs.warning("No billing rows for " + (context.scope().isAll() ? "any period" : "billing period " + period) + " in "
                    + context.inputLocation(BillingReader.INPUT) + ": the tables' rows for it are now empty.");
        }
        if (rejected > 0) {
            outputs.warning(rejected + " of " + rows + " billing rows were rejected (unreadable or out-of-range values, dates outside their billing period); see table cost_rejects.");
        }
        return outputs.build();
    }

    private static Object[] dates(java.util.Collection<LocalDate> periods)
    {
        return periods.stream().map(Date::valueOf).toArray();
    }

    /** The first period a run needs besides its own: the previous one (month-over-month) and the anomaly window's days. */
    static LocalDate earliestPeriodNeeded(LocalDate period, int anomalyWindowDays)
    {
        LocalDate previous = period.minusMonths(1);
        LocalDate windowStart = period.minusDays(anomalyWindowDays).withDayOfMonth(1);
        return windowStart.isBefore(previous) ? windowStart : previous;
    }
}
