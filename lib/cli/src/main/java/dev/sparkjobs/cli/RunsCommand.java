package dev.sparkjobs.cli;

import static java.util.Objects.requireNonNull;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.sql.Date;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import io.delta.tables.DeltaTable;

import dev.sparkjobs.errors.Errors;
import dev.sparkjobs.internal.ledger.RunLedger;
import dev.sparkjobs.internal.ledger.RunStatus;
import dev.sparkjobs.internal.runtime.Locations;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "runs", description = "The run ledger (_runs), latest first: when, job, date, status, duration, rows, tables written, error summary.")
final class RunsCommand
        implements Callable<Integer>
{
    private static final DateTimeFormatter STARTED = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final int ERROR_WIDTH = 80;

    private final Cli cli;

    @Option(names = "--job", paramLabel = "JOB", description = "Only runs of this job.")
    private String job;

    @Option(names = "--date", paramLabel = "YYYY-MM-DD", description = "Only runs for this logical date.")
    private String date;

    @Option(names = "--status", paramLabel = "STATUS", description = "Only runs with this status: RUNNING, SUCCEEDED, FAILED or ABANDONED.")
    private String status;

    @Option(names = "--limit", defaultValue = "20", paramLabel = "N", description = "Runs to show (default: ${DEFAULT-VALUE}).")
    private int limit;

    @Mixin
    private ConfigOptions config = new ConfigOptions();

    RunsCommand(Cli cli)
    {
        this.cli = requireNonNull(cli, "cli is null");
    }

    @Override
    public Integer call()
    {
        if (limit < 1) {
            throw Errors.invalidRowLimit(limit);
        }
        Optional<RunStatus> wanted = Optional.ofNullable(status).map(RunsCommand::status);
        Optional<java.time.LocalDate> logicalDate = Optional.ofNullable(date).map(Cli::parseDate);
        var lake = SparkSessionsForCommands.lake(cli, config.env, config.settings, "spark-jobs runs");
        String path = Locations.child(lake.root(), RunLedger.TABLE);
        if (!DeltaTable.isDeltaTable(lake.spark(), path)) {
            throw Errors.noLedger(path);
        }
        Dataset<Row> runs = lake.spark().read().format("delta").load(path);
        Column filter = lit(true);
        if (job != null) {
            filter = filter.and(col("job").equalTo(job));
        }
        if (logicalDate.isPresent()) {
            filter = filter.and(col("logical_date").equalTo(Date.valueOf(logicalDate.get())));
        }
        if (wanted.isPresent()) {
            filter = filter.and(col("status").equalTo(wanted.get().name()));
        }
        Dataset<Row> selected = runs.where(filter);
        List<Row> latest = selected.orderBy(col("started_at").desc(), col("run_id").desc())
                .select("started_at", "job", "logical_date", "status", "ended_at", "duration_ms", "rows_read", "rows_written", "tables", "run_id", "error_summary")
                .limit(limit + 1)
                .collectAsList();
        List<List<String>> rows = new ArrayList<>();
        for (Row run : latest.subList(0, Math.min(limit, latest.size()))) {
            rows.add(row(run));
        }
        TextTable.print(cli.out(), List.of("started (UTC)", "job", "date", "status", "duration", "rows in", "rows out", "tables (version)", "run id", "error"), rows);
        if (latest.size() > limit) {
            cli.out().println("(latest " + limit + " of " + selected.count() + " runs; --limit N shows more)");
        }
        else if (rows.isEmpty()) {
            cli.out().println("(no runs match; jobs in the ledger: " + String.join(", ", runs.select("job").distinct().orderBy("job").as(org.apache.spark.sql.Encoders.STRING()).collectAsList()) + ")");
        }
        else {
            cli.out().println("(" + rows.size() + (rows.size() == 1 ? " run)" : " runs)"));
        }
        return 0;
    }

    private List<String> row(Row run)
    {
        Timestamp started = run.getTimestamp(0);
        String duration = run.isNullAt(5)
                ? "running " + Sizes.duration(Duration.between(started.toInstant(), cli.clock().instant()))
                : Sizes.duration(Duration.ofMillis(run.getLong(5)));
        List<String> tables = new ArrayList<>();
        if (!run.isNullAt(8)) {
            for (Row table : run.<Row>getList(8)) {
                tables.add(table.getString(0) + (table.isNullAt(2) ? "" : "@" + table.getLong(2)));
            }
        }
        String error = run.isNullAt(10) ? "" : run.getString(10).lines().findFirst().orElse("");
        if (error.length() > ERROR_WIDTH) {
            error = error.substring(0, ERROR_WIDTH - 3) + "...";
        }
        return List.of(STARTED.format(started.toInstant()), run.getString(1), run.get(2).toString(), run.getString(3), duration,
                run.isNullAt(6) ? "-" : Long.toString(run.getLong(6)), run.isNullAt(7) ? "-" : Long.toString(run.getLong(7)),
                tables.isEmpty() ? "-" : String.join(", ", tables), run.getString(9), error);
    }

    private static RunStatus status(String raw)
    {
        try {
            return RunStatus.valueOf(raw.trim().toUpperCase(Locale.ROOT));
        }
        catch (IllegalArgumentException e) {
            throw Errors.invalidRunStatus(raw, Arrays.stream(RunStatus.values()).map(Enum::name).toList());
        }
    }
}
