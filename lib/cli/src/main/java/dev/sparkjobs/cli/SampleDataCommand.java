package dev.sparkjobs.cli;

import static java.util.Objects.requireNonNull;

import java.util.concurrent.Callable;

import dev.sparkjobs.api.Job;
import dev.sparkjobs.api.SampleDataGenerator;
import dev.sparkjobs.errors.Errors;
import dev.sparkjobs.internal.runtime.Locations;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "sample-data", description = "Write realistic sample inputs for a job, and print the --set options that point the job at them.")
final class SampleDataCommand
        implements Callable<Integer>
{
    private final Cli cli;

    @Parameters(index = "0", paramLabel = "JOB", description = "Job name (see 'list').")
    private String jobName;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder or URI to write to.")
    private String out;

    @Option(names = "--scale", paramLabel = "N", description = "Size of the sample (job-specific unit; default: the job's demo scale).")
    private Integer scale;

    @Option(names = "--seed", defaultValue = "42", paramLabel = "N", description = "Random seed (default: ${DEFAULT-VALUE}); the same seed gives the same data.")
    private long seed;

    @Option(names = "--dim", paramLabel = "N", description = "Embedding dimension, for jobs whose samples have embeddings (same as --param dim=N).")
    private Integer dimension;

    @Option(names = "--param", paramLabel = "KEY=VALUE", description = "A job-specific sample parameter (repeatable).")
    private java.util.Map<String, String> parameters = new java.util.LinkedHashMap<>();

    @Mixin
    private ConfigOptions config = new ConfigOptions();

    SampleDataCommand(Cli cli)
    {
        this.cli = requireNonNull(cli, "cli is null");
    }

    @Override
    public Integer call()
    {
        Job job = cli.registry().get().get(jobName);
        SampleDataGenerator generator = job.sampleDataGenerator()
                .orElseThrow(() -> Errors.noSampleData(jobName));
        if (scale != null && scale < 1) {
            throw Errors.invalidSampleScale(scale);
        }
        var spark = SparkSessionsForCommands.frameworkSession(cli, config.env, config.settings, "spark-jobs sample-data " + jobName);
        if (dimension != null) {
            parameters.put("dim", String.valueOf(dimension));
        }
        SampleDataGenerator.SampleData sample = generator.generate(new SampleDataGenerator.Request(spark, Locations.normalise(out),
                scale == null ? generator.defaultScale() : scale, seed, parameters));
        cli.out().println(sample.summary());
        cli.out().println("Run the job on it with:");
        StringBuilder command = new StringBuilder("  bin/spark-jobs run " + jobName + " --date " + sample.suggestedDate());
        sample.settings().entrySet().stream().sorted(java.util.Map.Entry.comparingByKey())
                .forEach(setting -> command.append(" --set ").append(setting.getKey()).append('=').append(setting.getValue()));
        cli.out().println(command);
        return 0;
    }
}
