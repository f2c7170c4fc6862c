package dev.sparkjobs.cli;

import static java.util.Objects.requireNonNull;

import java.io.PrintStream;
import java.util.Map;

import org.apache.spark.sql.types.StructField;

import dev.sparkjobs.api.Check;
import dev.sparkjobs.api.ConfigKey;
import dev.sparkjobs.api.InputSpec;
import dev.sparkjobs.api.Job;
import dev.sparkjobs.api.TableSpec;
import dev.sparkjobs.config.ConfigLoader;
import dev.sparkjobs.config.FrameworkKeys;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "describe", description = "Describe a job: inputs, output tables with columns, checks, and config keys with defaults.")
final class DescribeCommand
        implements Runnable
{
    private final Cli cli;

    @Parameters(index = "0", paramLabel = "JOB", description = "Job name (see 'list').")
    private String jobName;

    DescribeCommand(Cli cli)
    {
        this.cli = requireNonNull(cli, "cli is null");
    }

    @Override
    public void run()
    {
        Job job = cli.registry().get().get(jobName);
        PrintStream out = cli.out();
        out.println(job.name() + ": " + job.description());
        out.println();
        out.println("Inputs (set with --set input.<name>=URI):");
        if (job.inputs().isEmpty()) {
            out.println("  (none)");
        }
        for (InputSpec input : job.inputs()) {
            out.printf("  %-32s %-8s %s%n", input.key(), input.isRequired() ? "required" : "optional", input.description());
        }
        out.println();
        out.println("Output tables (at <output.root>/<table>):");
        for (TableSpec table : job.outputs()) {
            out.println("  " + table.name() + ": " + table.comment());
            out.println("    partitioned by: " + (table.partitionColumns().isEmpty() ? "(none)" : String.join(", ", table.partitionColumns()))
                    + "; published by: " + table.writeMode().describe());
            for (StructField field : table.schema().fields()) {
                out.printf("    %-30s %-22s %s%n", field.name(), field.dataType().simpleString(), TableSpec.columnComment(field).orElse(""));
            }
            for (Check check : table.checks()) {
                out.println("    check " + check.name() + " [" + check.level().name().toLowerCase(java.util.Locale.ROOT) + "]");
            }
            table.properties().forEach((key, value) -> out.println("    property " + key + " = " + value + " (when the run creates the table)"));
        }
        out.println();
        out.println("Config keys (job keys, then framework keys; spark.* keys are passed to Spark):");
        Map<String, ConfigKey<?>> keys = ConfigLoader.declaredKeys(job);
        keys.values().stream()
                .filter(key -> FrameworkKeys.ALL.stream().noneMatch(framework -> framework.name().equals(key.name())))
                .forEach(key -> printKey(out, key));
        FrameworkKeys.ALL.forEach(key -> printKey(out, key));
    }

    private static void printKey(PrintStream out, ConfigKey<?> key)
    {
        String value = key.formatDefault();
        String shown = key.isSecret() && !value.isEmpty() ? "***" : value.isEmpty() ? "\"\"" : value;
        out.printf("  %-32s = %-24s %s (%s)%n", key.name(), shown, key.description(), key.typeDescription());
    }
}
