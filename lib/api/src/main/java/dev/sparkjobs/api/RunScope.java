package dev.sparkjobs.api;

import static java.util.Objects.requireNonNull;

import java.time.LocalDate;

/** The logical date of a run and what it recomputes. */
public record RunScope(LocalDate logicalDate, ScopeMode mode)
{
    public RunScope
    {
        requireNonNull(logicalDate, "logicalDate is null");
        requireNonNull(mode, "mode is null");
    }

    public boolean isAll()
    {
        return mode == ScopeMode.ALL;
    }

    /** True when a row whose partition value (at this granularity) is {@code value} is in scope. */
    public boolean includes(Granularity granularity, LocalDate value)
    {
        return isAll() || granularity.partitionValue(logicalDate).equals(granularity.partitionValue(value));
    }
}
