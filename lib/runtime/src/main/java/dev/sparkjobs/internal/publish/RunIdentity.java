package dev.sparkjobs.internal.publish;

import static java.util.Objects.requireNonNull;

import dev.sparkjobs.api.RunScope;

/** Which run a table writer writes for: the job, the run id (every commit's userMetadata) and the run's scope. */
public record RunIdentity(String job, String runId, RunScope scope)
{
    public RunIdentity
    {
        requireNonNull(job, "job is null");
        requireNonNull(runId, "runId is null");
        requireNonNull(scope, "scope is null");
    }
}
