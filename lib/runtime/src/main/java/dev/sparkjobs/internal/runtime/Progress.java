package dev.sparkjobs.internal.runtime;

import static java.util.Objects.requireNonNull;

import java.io.PrintStream;
import java.time.Clock;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/** One line per step on the console, so a person watching a run sees where it is. */
public final class Progress
{
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    private final PrintStream out;
    private final Clock clock;

    public Progress(PrintStream out, Clock clock)
    {
        this.out = requireNonNull(out, "out is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    public void step(String job, String description)
    {
        out.println("[" + LocalTime.now(clock.withZone(ZoneOffset.UTC)).truncatedTo(ChronoUnit.SECONDS).format(TIME) + "] " + job + " | " + description);
        out.flush();
    }

    public PrintStream out()
    {
        return out;
    }
}
