package dev.sparkjobs.cli;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import dev.sparkjobs.internal.export.TableExporter;
import dev.sparkjobs.internal.runtime.Locations;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "export", description = "Export a Delta table to one CSV or JSON Lines file, rows ordered by all columns.")
final class ExportCommand
        implements Callable<Integer>
{
    private final Cli cli;

    @Parameters(index = "0", paramLabel = "TABLE_PATH", description = "The table's folder or URI, e.g. lake/cost_daily.")
    private String tablePath;

    @Option(names = "--format", required = true, paramLabel = "csv|json", description = "csv (with a header; nested values as JSON) or json (JSON Lines).")
    private String format;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Local file to write; replaced atomically.")
    private Path out;

    @Mixin
    private ConfigOptions config = new ConfigOptions();

    ExportCommand(Cli cli)
    {
        this.cli = requireNonNull(cli, "cli is null");
    }

    @Override
    public Integer call()
    {
        TableExporter.Format parsed = format(format);
        var spark = SparkSessionsForCommands.frameworkSession(cli, config.env, config.settings, "spark-jobs export");
        long rows = new TableExporter(spark).export(Locations.normalise(tablePath), parsed, out);
        cli.out().println("Exported " + rows + " rows of " + Locations.normalise(tablePath) + " to " + out.toAbsolutePath());
        return 0;
    }

    static TableExporter.Format format(String format)
    {
        return switch (format.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "csv" -> TableExporter.Format.CSV;
            case "json" -> TableExporter.Format.JSON;
            default -> throw dev.sparkjobs.errors.Errors.unsupportedExportFormat(format);
        };
    }
}
