package dev.sparkjobs.app;

import static java.util.Objects.requireNonNull;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.sparkjobs.api.TableSpec;
import dev.sparkjobs.internal.registry.JobRegistry;
import dev.sparkjobs.testing.CliRun;
import dev.sparkjobs.testing.S3Proxy;

/**
 * A job under fault injection: two small sample inputs of it, A and B (the same size, other seeds,
 * so they give other tables for the same date), uploaded to the S3 bucket; the date to run, the
 * --set keys that point a run at each input, and the job's output tables.
 */
record FaultJob(String name, LocalDate date, Map<FaultJob.Input, List<String>> inputs, List<String> tables)
{
    enum Input
    {
        A(1),
        B(2);

        private final long seed;

        Input(long seed)
        {
            this.seed = seed;
        }

        Input other()
        {
            return this == A ? B : A;
        }
    }

    /** Per job, the sample-data arguments of a tiny sample: a run takes seconds. */
    private static final Map<String, List<String>> SAMPLES = Map.of(
            "cost-analysis", List.of("--scale", "1000"),
            "defect-image-stats", List.of("--scale", "40"),
            "similarity-scoring", List.of("--scale", "300", "--dim", "16"));
    private static final Pattern RUN_LINE = Pattern.compile("bin/spark-jobs run (\\S+) --date (\\S+)((?: --set \\S+)*)");

    FaultJob
    {
        requireNonNull(name, "name is null");
        requireNonNull(date, "date is null");
        inputs = Map.copyOf(requireNonNull(inputs, "inputs is null"));
        tables = List.copyOf(requireNonNull(tables, "tables is null"));
    }

    static List<String> names()
    {
        return SAMPLES.keySet().stream().sorted().toList();
    }

    /** Makes inputs A and B with the CLI's sample-data in {@code work} and uploads them to {@code s3://bucket/inputs/<job>-<A|B>/}. */
    static FaultJob prepare(String job, Path work, S3Proxy s3, String bucket)
    {
        List<String> sample = SAMPLES.get(job);
        if (sample == null) {
            throw new IllegalArgumentException("No sample size for job " + job + ": known are " + names());
        }
        Map<Input, List<String>> inputs = new EnumMap<>(Input.class);
        LocalDate date = null;
        for (Input input : Input.values()) {
            Path folder = work.resolve(job + "-" + input).toAbsolutePath();
            List<String> arguments = new ArrayList<>(List.of("sample-data", job, "--out", folder.toString(), "--seed", String.valueOf(input.seed)));
            arguments.addAll(sample);
            CliRun made = CliRun.of(arguments);
            assertThat(made.exitCode()).as("sample-data for %s, input %s: %s", job, input, made.transcript()).isZero();
            Matcher run = RUN_LINE.matcher(made.out());
            assertThat(run.find()).as("a 'Run the job on it with' line: %s", made.transcript()).isTrue();
            date = LocalDate.parse(run.group(2));
            String prefix = "inputs/" + job + "-" + input;
            s3.upload(folder, bucket, prefix);
            List<String> settings = new ArrayList<>();
            for (String setting : run.group(3).trim().split(" ")) {
                if (!setting.equals("--set") && !setting.isEmpty()) {
                    settings.add(onS3(setting, folder, "s3a://" + bucket + "/" + prefix));
                }
            }
            inputs.put(input, settings);
        }
        List<String> tables = JobRegistry.load().get(job).outputs().stream().map(TableSpec::name).toList();
        return new FaultJob(job, date, inputs, tables);
    }

    /** {@code key=file:/local/folder/x} as {@code key=s3a://bucket/prefix/x}; other settings (scope=all) as they are. */
    private static String onS3(String setting, Path folder, String uri)
    {
        int equals = setting.indexOf('=');
        String value = setting.substring(equals + 1).replaceFirst("^file:(//)?", "");
        return value.startsWith(folder.toString()) ? setting.substring(0, equals + 1) + uri + value.substring(folder.toString().length()) : setting;
    }

    /** The command line of a run of this job on {@code lake} with {@code input}, then {@code extra} settings. */
    List<String> runArguments(Input input, String lake, List<String> extra)
    {
        List<String> arguments = new ArrayList<>(List.of("run", name, "--date", date.toString(), "--set", "output.root=" + lake));
        inputs.get(input).forEach(setting -> arguments.addAll(List.of("--set", setting)));
        extra.forEach(setting -> arguments.addAll(List.of("--set", setting)));
        return arguments;
    }
}
