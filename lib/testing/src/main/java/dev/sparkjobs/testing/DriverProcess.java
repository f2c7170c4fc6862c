package dev.sparkjobs.testing;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.sparkjobs.cli.Main;

/**
 * A run of the CLI in a driver JVM of its own (local Spark, the test class path), as a scheduler
 * starts one: for tests of runs at the same time and of drivers killed mid-run.
 */
public final class DriverProcess
{
    private final List<String> arguments;
    private final Process process;
    private final Path output;

    private DriverProcess(List<String> arguments, Process process, Path output)
    {
        this.arguments = List.copyOf(arguments);
        this.process = requireNonNull(process, "process is null");
        this.output = requireNonNull(output, "output is null");
    }

    /** Starts {@code spark-jobs ARGUMENTS} in a new JVM; what it prints goes to {@code output}. */
    public static DriverProcess start(List<String> arguments, Path output)
    {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(argument -> argument.startsWith("--add-opens") || argument.startsWith("--add-modules") || argument.startsWith("-Djdk.reflect")
                        || argument.startsWith("-Dio.netty"))
                .forEach(command::add);
        command.add("-Xmx1g");
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-Dspark-jobs.conf.dir=" + System.getProperty("spark-jobs.conf.dir"));
        command.add("-Dlog4j2.configurationFile=" + System.getProperty("log4j2.configurationFile"));
        command.add("-Dspark.master=local[1]");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Main.class.getName());
        command.addAll(arguments);
        try {
            Files.createDirectories(output.getParent());
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
            builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
            return new DriverProcess(arguments, builder.start(), output);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits for the run to end and returns its exit code. */
    public int await(long minutes)
    {
        try {
            if (!process.waitFor(minutes, TimeUnit.MINUTES)) {
                process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                throw new AssertionError("spark-jobs " + arguments + " did not end within " + minutes + " minutes:\n" + output());
            }
            return process.exitValue();
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    public void kill()
    {
        process.destroyForcibly();
    }

    public boolean isAlive()
    {
        return process.isAlive();
    }

    public List<String> arguments()
    {
        return arguments;
    }

    /** Everything the run printed so far. */
    public String output()
    {
        try {
            return Files.exists(output) ? Files.readString(output) : "";
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
