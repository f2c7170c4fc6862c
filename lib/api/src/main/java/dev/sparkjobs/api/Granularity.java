package dev.sparkjobs.api;

import java.time.LocalDate;

/** How a logical date maps to the value of a date partition column. */
public enum Granularity
{
    /** The partition value is the logical date itself. */
    DAY,
    /** The partition value is the first day of the logical date's month. */
    MONTH;

    public LocalDate partitionValue(LocalDate logicalDate)
    {
        return switch (this) {
            case DAY -> logicalDate;
            case MONTH -> logicalDate.withDayOfMonth(1);
        };
    }
}
