package dev.sparkjobs.internal.ledger;

import static java.util.Objects.requireNonNull;

/** What a run published to one table. */
public record TableOutcome(String table, long rowsWritten, long version)
{
    public TableOutcome
    {
        requireNonNull(table, "table is null");
    }
}
