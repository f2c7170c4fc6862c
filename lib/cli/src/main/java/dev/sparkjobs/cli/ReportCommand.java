package dev.sparkjobs.cli;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;

import dev.sparkjobs.api.Job;
import dev.sparkjobs.api.report.JobReport;
import dev.sparkjobs.api.report.Report;
import dev.sparkjobs.errors.Errors;
import dev.sparkjobs.internal.report.HtmlReport;
import dev.sparkjobs.internal.report.LakeReportContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "report", description = "Write one self-contained HTML page of a job's published tables, with charts as inline SVG (no script, no network).")
final class ReportCommand
        implements Callable<Integer>
{
    private final Cli cli;

    @Parameters(index = "0", paramLabel = "JOB", description = "The job whose tables to show.")
    private String jobName;

    @Option(names = "--date", paramLabel = "YYYY-MM-DD", description = "The date (or its period) to show; default: the latest the tables hold.")
    private String date;

    @Option(names = "--out", required = true, paramLabel = "FILE.html", description = "Page to write; replaced atomically.")
    private Path out;

    @Mixin
    private ConfigOptions config = new ConfigOptions();

    ReportCommand(Cli cli)
    {
        this.cli = requireNonNull(cli, "cli is null");
    }

    @Override
    public Integer call()
    {
        var registry = cli.registry().get();
        Job job = registry.get(jobName);
        JobReport report = job.report().orElseThrow(() -> Errors.noReport(job.name(),
                registry.jobs().stream().filter(one -> one.report().isPresent()).map(Job::name).sorted().toList()));
        var logicalDate = Optional.ofNullable(date).map(Cli::parseDate);
        var lake = SparkSessionsForCommands.lake(cli, config.env, config.settings, "spark-jobs report " + job.name());
        Report built = report.build(new LakeReportContext(job.name(), lake.spark(), lake.root(), logicalDate));
        String html = HtmlReport.render(built, job.name(), cli.clock().instant());
        write(html);
        cli.out().println("Wrote the " + job.name() + " report (" + built.subtitle() + "; " + built.charts().size() + " charts, " + built.tables().size()
                + " tables, " + Sizes.bytes(html.getBytes(StandardCharsets.UTF_8).length) + ") to " + out.toAbsolutePath());
        return 0;
    }

    private void write(String html)
    {
        Path target = out.toAbsolutePath();
        Path staging = target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            Files.createDirectories(target.getParent());
            Files.writeString(staging, html, StandardCharsets.UTF_8);
            Files.move(staging, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        catch (IOException e) {
            throw new UncheckedIOException("Cannot write the report to " + target + ": " + e.getMessage(), e);
        }
        finally {
            try {
                Files.deleteIfExists(staging);
            }
            catch (IOException ignored) {
                // best effort: a leftover hidden temp file does not affect the report
            }
        }
    }
}
