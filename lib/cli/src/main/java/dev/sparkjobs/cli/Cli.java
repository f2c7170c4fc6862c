package dev.sparkjobs.cli;

import static java.util.Objects.requireNonNull;

import java.io.PrintStream;
import java.time.Clock;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.function.Supplier;

import dev.sparkjobs.config.ConfigSource;
import dev.sparkjobs.errors.Errors;
import dev.sparkjobs.internal.registry.JobRegistry;
import dev.sparkjobs.internal.runtime.JobRunner;
import dev.sparkjobs.internal.runtime.Progress;

/** What every command needs; tests build one with their own streams. */
public record Cli(Supplier<JobRegistry> registry, Supplier<ConfigSource> configSource, PrintStream out, PrintStream err, Clock clock)
{
    public Cli
    {
        requireNonNull(registry, "registry is null");
        requireNonNull(configSource, "configSource is null");
        requireNonNull(out, "out is null");
        requireNonNull(err, "err is null");
        requireNonNull(clock, "clock is null");
    }

    public static Cli standard(PrintStream out, PrintStream err)
    {
        return new Cli(JobRegistry::load, ConfigSource::locate, out, err, Clock.systemUTC());
    }

    JobRunner runner()
    {
        return new JobRunner(registry.get(), configSource.get(), new Progress(out, clock), clock);
    }

    static LocalDate parseDate(String raw)
    {
        try {
            return LocalDate.parse(raw.trim());
        }
        catch (DateTimeParseException e) {
            throw Errors.invalidDate(raw);
        }
    }
}
