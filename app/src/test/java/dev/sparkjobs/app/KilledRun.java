package dev.sparkjobs.app;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A run killed (SIGKILL) in a driver JVM of its own: the phase it was aimed at and the delay after
 * that phase's first line, the phase its last progress line says it was in (empty when it ended
 * before the kill), how far into that phase the kill came, its exit code (137 when killed), and
 * when it was killed or found ended ({@link System#nanoTime()}), and the CPU time it had used by then.
 */
record KilledRun(String runId, RunPhase targeted, long delayMillis, Optional<RunPhase> hit, long millisAfterPhaseBegan, int exitCode,
                 List<PhaseStart> phaseStarts, long endedAtNanos, long cpuMillis, String output)
{
    static final int SIGKILLED = 137;

    /** When the watch first saw a line of a phase, in milliseconds since the driver started. */
    record PhaseStart(RunPhase phase, long seenAtMillis)
    {
        PhaseStart
        {
            requireNonNull(phase, "phase is null");
        }
    }

    KilledRun
    {
        requireNonNull(runId, "runId is null");
        requireNonNull(targeted, "targeted is null");
        requireNonNull(hit, "hit is null");
        phaseStarts = List.copyOf(requireNonNull(phaseStarts, "phaseStarts is null"));
        requireNonNull(output, "output is null");
    }

    boolean killed()
    {
        return exitCode == SIGKILLED && hit.isPresent();
    }

    /** What the kill hit, for the report: a phase, or why there was no kill. */
    String describeHit()
    {
        if (hit.isPresent()) {
            return hit.get().label();
        }
        return exitCode == 0 ? "none: finished first" : "none: exit " + exitCode;
    }

    /** The phases' starts, e.g. {@code ledger start 9120, reading 11873, ...}. */
    String describePhaseStarts()
    {
        return phaseStarts.stream().map(start -> start.phase().label() + " " + start.seenAtMillis()).collect(Collectors.joining(", "));
    }
}
