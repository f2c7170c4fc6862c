package dev.sparkjobs.testjobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_date;

import java.util.List;
import java.util.Optional;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

import dev.sparkjobs.api.Check;
import dev.sparkjobs.api.ConfigKey;
import dev.sparkjobs.api.Granularity;
import dev.sparkjobs.api.InputFormat;
import dev.sparkjobs.api.InputSpec;
import dev.sparkjobs.api.Job;
import dev.sparkjobs.api.JobContext;
import dev.sparkjobs.api.JobOutputs;
import dev.sparkjobs.api.TableSpec;
import dev.sparkjobs.api.WriteMode;
import dev.sparkjobs.api.report.Chart;
import dev.sparkjobs.api.report.DataTable;
import dev.sparkjobs.api.report.JobReport;
import dev.sparkjobs.api.report.Note;
import dev.sparkjobs.api.report.Report;

/**
 * Test-only job: events (event_date, account, amount) to per-day totals (replace-partition),
 * per-account totals (merge) and the raw events of each date (idempotent append).
 */
public final class DailyTotalsJob
        implements Job
{
    public static final String NAME = "daily-totals";
    static final ConfigKey<Long> REPEAT = ConfigKey.ofLong("repeat", 1, "Copies of each event (account suffixed with -n), to make big outputs")
            .withMinimum(1L);
    static final ConfigKey<String> API_TOKEN = ConfigKey.ofString("source.api-token", "", "A secret, to test redaction");
    static final ConfigKey<Boolean> FAIL_WITH_ERROR = ConfigKey.ofBoolean("fail-with-error", false,
            "Throws an Error (not an Exception) from run, as a Scala assertion or a stack overflow would");

    static final TableSpec DAILY_TOTALS = TableSpec.builder("daily_totals")
            .comment("Amount per account and day")
            .column("event_date", DataTypes.DateType, "Day of the events")
            .column("account", DataTypes.StringType, "Account id")
            .column("total", DataTypes.DoubleType, "Sum of amounts")
            .column("events", DataTypes.LongType, "Number of events")
            .partitionedBy("event_date")
            .writeMode(WriteMode.replacePartition("event_date", Granularity.DAY))
            .check(Check.notNull("account"), Check.uniqueKey("event_date", "account"), Check.range("total", 0, 1e12))
            .build();

    static final TableSpec ACCOUNT_TOTALS = TableSpec.builder("account_totals")
            .comment("Latest day and total per account over the runs so far")
            .column("account", DataTypes.StringType, "Account id")
            .column("last_event_date", DataTypes.DateType, "Latest day with events")
            .column("total", DataTypes.DoubleType, "Sum of amounts of the run's scope")
            .writeMode(WriteMode.merge("account"))
            .build();

    static final TableSpec EVENTS_SEEN = TableSpec.builder("events_seen")
            .comment("Raw events, appended once per date")
            .column("event_date", DataTypes.DateType, "Day of the event")
            .column("account", DataTypes.StringType, "Account id")
            .column("amount", DataTypes.DoubleType, "Amount")
            .writeMode(WriteMode.idempotentAppend())
            .check(Check.minRows(1).asWarning())
            .build();

    @Override
    public String name()
    {
        return NAME;
    }

    @Override
    public String description()
    {
        return "Test job: daily totals per account";
    }

    @Override
    public List<InputSpec> inputs()
    {
        return List.of(InputSpec.required("events", "CSV files with event_date, account, amount"));
    }

    @Override
    public List<ConfigKey<?>> configKeys()
    {
        return List.of(REPEAT, API_TOKEN, FAIL_WITH_ERROR);
    }

    @Override
    public List<TableSpec> outputs()
    {
        return List.of(DAILY_TOTALS, ACCOUNT_TOTALS, EVENTS_SEEN);
    }

    @Override
    public JobOutputs run(JobContext context)
    {
        // persisted through the context: three tables are computed from it, and the framework releases it
        Dataset<Row> events = context.persist(context.readInput("events", InputFormat.AUTO)
                .select(to_date(col("event_date")).as("event_date"), col("account"), col("amount").cast(DataTypes.DoubleType).as("amount")));
        if (context.config().get(FAIL_WITH_ERROR)) {
            throw new AssertionError("assertion failed: fail-with-error is set");
        }
        long repeat = context.config().get(REPEAT);
        if (repeat > 1) {
            events = events.withColumn("copy", explode(sequence(lit(1L), lit(repeat))))
                    .withColumn("account", concat(col("account"), lit("-"), col("copy").cast(DataTypes.StringType)))
                    .drop("copy");
        }
        if (!context.scope().isAll()) {
            events = events.filter(col("event_date").equalTo(lit(java.sql.Date.valueOf(context.logicalDate()))));
        }
        Dataset<Row> daily = events.groupBy("event_date", "account")
                .agg(sum("amount").as("total"), count(lit(1)).as("events"));
        Dataset<Row> accounts = events.groupBy("account")
                .agg(max("event_date").as("last_event_date"), sum("amount").as("total"));
        return JobOutputs.builder()
                .table(DAILY_TOTALS.name(), daily)
                .table(ACCOUNT_TOTALS.name(), accounts)
                .table(EVENTS_SEEN.name(), events)
                .counter("repeat", repeat)
                .build();
    }

    /** Total per day (bars) and per account (a table), from daily_totals; a note when nothing is published. */
    @Override
    public Optional<JobReport> report()
    {
        return Optional.of(context -> {
            Optional<Dataset<Row>> daily = context.table(DAILY_TOTALS.name());
            if (daily.isEmpty()) {
                return new Report("Daily totals", "nothing published yet", List.of(new Note("empty", "No data", "Run daily-totals first.")));
            }
            List<Chart.Point> perDay = daily.get().groupBy("event_date").agg(sum("total").as("total")).orderBy("event_date").collectAsList().stream()
                    .map(row -> new Chart.Point(row.getDate(0).toString(), row.getDouble(1)))
                    .toList();
            List<List<String>> perAccount = daily.get().groupBy("account").agg(sum("total").as("total")).orderBy("account").collectAsList().stream()
                    .map(row -> List.of(row.getString(0), String.format(java.util.Locale.ROOT, "%.2f", row.getDouble(1))))
                    .toList();
            return new Report("Daily totals", perDay.size() + " days", List.of(
                    Chart.of("total-per-day", "Total per day", "day", "total", List.of(Chart.Series.of("total", Chart.Style.BAR, perDay)))
                            .withMarkers(List.of(new Chart.Marker(perDay.get(0).category(), "first <day>"))),
                    new DataTable("per-account", "Total per account", List.of("account", "total"), perAccount),
                    new Note("about", "About", "Amounts & totals <as published>.")));
        });
    }
}
