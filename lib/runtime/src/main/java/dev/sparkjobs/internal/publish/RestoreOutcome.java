package dev.sparkjobs.internal.publish;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * What restoring one table did: nothing to restore (the run never committed to it), restored (the
 * run's commit undone by a new commit), or left as it is, with the reason.
 */
public record RestoreOutcome(String table, Kind kind, Optional<String> detail)
{
    public enum Kind
    {
        NOTHING_COMMITTED,
        RESTORED,
        LEFT_AS_IS,
    }

    public RestoreOutcome
    {
        requireNonNull(table, "table is null");
        requireNonNull(kind, "kind is null");
        requireNonNull(detail, "detail is null");
    }

    static RestoreOutcome nothingCommitted(String table)
    {
        return new RestoreOutcome(table, Kind.NOTHING_COMMITTED, Optional.empty());
    }

    static RestoreOutcome restored(String table, long version)
    {
        return new RestoreOutcome(table, Kind.RESTORED, Optional.of("undone at version " + version));
    }

    static RestoreOutcome leftAsIs(String table, String reason)
    {
        return new RestoreOutcome(table, Kind.LEFT_AS_IS, Optional.of(reason));
    }
}
