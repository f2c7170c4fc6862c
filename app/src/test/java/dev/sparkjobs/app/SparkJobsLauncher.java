package dev.sparkjobs.app;

import static java.util.Objects.requireNonNull;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs bin/spark-jobs the way users run it, on the packaged jar (SPARK_JOBS_NO_BUILD=1: the app
 * module's integration tests run after the jar is packaged), in a working folder of the test.
 */
final class SparkJobsLauncher
{
    static final Path PROJECT = Path.of(System.getProperty("spark-jobs.project.dir", "..")).toAbsolutePath().normalize();

    private final Path work;
    private final Map<String, String> environment;
    private int launches;

    record Result(int exitCode, String out, String err)
    {
        Result
        {
            requireNonNull(out, "out is null");
            requireNonNull(err, "err is null");
        }

        String transcript()
        {
            return "exit " + exitCode + "\n--- out\n" + out + "--- err\n" + err;
        }
    }

    SparkJobsLauncher(Path work)
    {
        this(work, Map.of());
    }

    /** With environment variables (SPARK_JOBS_MASTER, say) that win over this launcher's own. */
    SparkJobsLauncher(Path work, Map<String, String> environment)
    {
        this.work = requireNonNull(work, "work is null");
        this.environment = Map.copyOf(requireNonNull(environment, "environment is null"));
    }

    Result launch(String... arguments)
            throws IOException, InterruptedException
    {
        return start(arguments).await();
    }

    /** Starts bin/spark-jobs and returns at once: what it prints can be read while it runs. */
    Launch start(String... arguments)
            throws IOException
    {
        List<String> command = new ArrayList<>();
        command.add(PROJECT.resolve("bin/spark-jobs").toString());
        command.addAll(List.of(arguments));
        launches++;
        Path out = work.resolve("launch-" + launches + ".out");
        Path err = work.resolve("launch-" + launches + ".err");
        ProcessBuilder builder = new ProcessBuilder(command).directory(work.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().put("SPARK_JOBS_NO_BUILD", "1");
        builder.environment().put("SPARK_JOBS_CDS", "0");
        builder.environment().put("SPARK_JOBS_DRIVER_MEMORY", "2g");
        builder.environment().putAll(environment);
        return new Launch(List.of(arguments), builder.start(), out, err);
    }

    /** A running bin/spark-jobs (the driver JVM: the script execs it), its output going to files. */
    record Launch(List<String> arguments, Process process, Path out, Path err)
    {
        Launch
        {
            arguments = List.copyOf(requireNonNull(arguments, "arguments is null"));
            requireNonNull(process, "process is null");
            requireNonNull(out, "out is null");
            requireNonNull(err, "err is null");
        }

        /** What it has printed to standard output so far. */
        String outSoFar()
                throws IOException
        {
            return Files.readString(out);
        }

        Result await()
                throws IOException, InterruptedException
        {
            try {
                assertThat(process.waitFor(15, TimeUnit.MINUTES)).as("bin/spark-jobs %s finished", arguments).isTrue();
            }
            finally {
                process.destroyForcibly();
            }
            return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
        }
    }

    /** The job names 'list' prints, in its order. */
    List<String> jobs()
            throws IOException, InterruptedException
    {
        Result list = launch("list");
        assertThat(list.exitCode()).as(list.transcript()).isZero();
        return list.out().lines().filter(line -> !line.isBlank()).map(line -> line.split("\\s+")[0]).toList();
    }
}
