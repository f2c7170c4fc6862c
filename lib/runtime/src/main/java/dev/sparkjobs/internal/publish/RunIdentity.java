package dev.sparkjobs.internal.publish;

import static java.util.Objects.requireNonNull;

import java.time.LocalDate;
import java.util.List;

import dev.sparkjobs.api.RunScope;

/**
 * Which run a table writer writes for: the job, the run id (every commit's userMetadata), the run's
 * scope and the partitions the job declared recomputed besides the scope's own (dates at any
 * granularity: each replace-partition table takes them to its own).
 */
public record RunIdentity(String job, String runId, RunScope scope, List<LocalDate> alsoRecomputed)
{
    public RunIdentity
    {
        requireNonNull(job, "job is null");
        requireNonNull(runId, "runId is null");
        requireNonNull(scope, "scope is null");
        alsoRecomputed = List.copyOf(requireNonNull(alsoRecomputed, "alsoRecomputed is null"));
    }

    public RunIdentity(String job, String runId, RunScope scope)
    {
        this(job, runId, scope, List.of());
    }
}
