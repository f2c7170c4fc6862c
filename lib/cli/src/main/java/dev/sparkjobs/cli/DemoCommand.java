package dev.sparkjobs.cli;

import static java.util.Objects.requireNonNull;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import dev.sparkjobs.api.Job;
import dev.sparkjobs.api.SampleDataGenerator;
import dev.sparkjobs.errors.ExitCode;
import dev.sparkjobs.errors.SparkJobsException;
import dev.sparkjobs.internal.ledger.TableOutcome;
import dev.sparkjobs.internal.runtime.Locations;
import dev.sparkjobs.internal.runtime.RunRequest;
import dev.sparkjobs.internal.runtime.RunResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "demo", description = "Make sample data for every job, run each job on it, and show what each wrote.")
final class DemoCommand
        implements Callable<Integer>
{
    private static final int EXAMPLE_ROWS = 3;

    private final Cli cli;

    @Option(names = "--samples", defaultValue = "demo-data", paramLabel = "DIR", description = "Where sample inputs are written (default: ${DEFAULT-VALUE}).")
    private String samples;

    @Option(names = "--scale", paramLabel = "N", description = "Sample size for every job (default: each job's demo scale).")
    private Integer scale;

    @Mixin
    private ConfigOptions config = new ConfigOptions();

    DemoCommand(Cli cli)
    {
        this.cli = requireNonNull(cli, "cli is null");
    }

    @Override
    public Integer call()
    {
        PrintStream out = cli.out();
        int exitCode = 0;
        List<String> outcomes = new ArrayList<>();
        for (Job job : cli.registry().get().jobs()) {
            Optional<SampleDataGenerator> generator = job.sampleDataGenerator();
            if (generator.isEmpty()) {
                continue;
            }
            out.println();
            out.println("=== " + job.name() + ": " + job.description());
            SparkSession spark = SparkSessionsForCommands.frameworkSession(cli, config.env, frameworkSettings(), "spark-jobs demo");
            String folder = Locations.child(samples, job.name());
            SampleDataGenerator.SampleData sample = generator.get().generate(new SampleDataGenerator.Request(spark, folder,
                    scale == null ? generator.get().defaultScale() : scale, 42));
            out.println(sample.summary());
            List<String> runSettings = new ArrayList<>();
            sample.settings().forEach((key, value) -> runSettings.add(key + "=" + value));
            runSettings.addAll(config.settings);
            try {
                RunResult result = cli.runner().run(new RunRequest(job.name(), sample.suggestedDate(), config.env, Optional.empty(), runSettings));
                RunSummary.print(result, out);
                showExamples(spark, result, out);
                outcomes.add(job.name() + ": succeeded, " + result.tables().size() + " tables");
            }
            catch (SparkJobsException failure) {
                cli.err().println("ERROR: " + failure.getMessage());
                outcomes.add(job.name() + ": FAILED (exit " + failure.exitCode().code() + ")");
                exitCode = exitCode == 0 ? failure.exitCode().code() : exitCode;
            }
        }
        if (outcomes.isEmpty()) {
            cli.err().println("ERROR: no registered job has a sample-data generator, so there is nothing to demonstrate.");
            return ExitCode.FAILURE.code();
        }
        out.println();
        out.println("Demo finished:");
        outcomes.forEach(outcome -> out.println("  " + outcome));
        out.println("Look at what they wrote: bin/spark-jobs tables; bin/spark-jobs runs; bin/spark-jobs sql \"SELECT * FROM cost_kpis_monthly\"");
        out.println("A job's report, one HTML page: bin/spark-jobs report cost-analysis --out cost-analysis.html");
        return exitCode;
    }

    /** The --set values that are framework keys (output.root, s3.*, spark.*): job keys apply to runs only. */
    private List<String> frameworkSettings()
    {
        return config.settings.stream()
                .filter(setting -> {
                    String key = setting.contains("=") ? setting.substring(0, setting.indexOf('=')) : setting;
                    return dev.sparkjobs.config.FrameworkKeys.isSparkProperty(key)
                            || dev.sparkjobs.config.FrameworkKeys.ALL.stream().anyMatch(framework -> framework.name().equals(key));
                })
                .toList();
    }

    private static void showExamples(SparkSession spark, RunResult result, PrintStream out)
    {
        for (TableOutcome table : result.tables()) {
            var rows = spark.read().format("delta").load(result.outputRoot() + "/" + table.table()).limit(EXAMPLE_ROWS);
            String[] columns = rows.columns();
            out.println("  " + table.table() + " (first " + EXAMPLE_ROWS + " of " + table.rowsWritten() + " rows):");
            for (Row row : rows.collectAsList()) {
                List<String> cells = new ArrayList<>();
                for (int i = 0; i < columns.length; i++) {
                    String value = String.valueOf(row.get(i));
                    cells.add(columns[i] + "=" + (value.length() > 40 ? value.substring(0, 37) + "..." : value));
                }
                out.println("    " + String.join(", ", cells));
            }
        }
    }
}
