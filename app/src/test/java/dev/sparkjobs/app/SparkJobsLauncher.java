package dev.sparkjobs.app;

import static java.util.Objects.requireNonNull;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs bin/spark-jobs the way users run it, on the packaged jar (SPARK_JOBS_NO_BUILD=1: the app
 * module's integration tests run after the jar is packaged), in a working folder of the test.
 */
final class SparkJobsLauncher
{
    static final Path PROJECT = Path.of(System.getProperty("spark-jobs.project.dir", "..")).toAbsolutePath().normalize();

    private final Path work;
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
        this.work = requireNonNull(work, "work is null");
    }

    Result launch(String... arguments)
            throws IOException, InterruptedException
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
        Process process = builder.start();
        try {
            assertThat(process.waitFor(15, TimeUnit.MINUTES)).as("bin/spark-jobs %s finished", List.of(arguments)).isTrue();
        }
        finally {
            process.destroyForcibly();
        }
        return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
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
