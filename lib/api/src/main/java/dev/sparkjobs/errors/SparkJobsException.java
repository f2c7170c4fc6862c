package dev.sparkjobs.errors;

import static java.util.Objects.requireNonNull;

/**
 * A user-facing failure. Built only by {@link Errors}, so that every message states what went
 * wrong, why, and how to fix it, and carries the exit code the CLI must return.
 */
public final class SparkJobsException
        extends RuntimeException
{
    private final ExitCode exitCode;

    SparkJobsException(ExitCode exitCode, String message, Throwable cause)
    {
        super(requireNonNull(message, "message is null"), cause);
        this.exitCode = requireNonNull(exitCode, "exitCode is null");
    }

    public ExitCode exitCode()
    {
        return exitCode;
    }
}
