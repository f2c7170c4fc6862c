package dev.sparkjobs.api;

import static java.util.Objects.requireNonNull;

import java.time.LocalDate;

/**
 * A partition of the job's replace-partition tables that a run recomputes: its value (e.g. the
 * first day of a billing period), why the run recomputes it, and the fingerprint of the input
 * files it is computed from. The run ledger keeps these with the run's outcome, and later runs
 * read them back ({@link JobContext#lastRecomputed()}) to tell which partitions' inputs changed.
 */
public record RecomputedPartition(LocalDate value, String reason, InputFingerprint inputs)
{
    /** The reason of the run's own partition (the one of its logical date). */
    public static final String OWN = "own period";
    /** The reason of a partition whose input files changed since a run last recomputed it. */
    public static final String INPUT_CHANGED = "files changed";
    /** The reason of every partition of a {@code scope=all} run. */
    public static final String SCOPE_ALL = "scope=all";

    public RecomputedPartition
    {
        requireNonNull(value, "value is null");
        requireNonNull(reason, "reason is null");
        requireNonNull(inputs, "inputs is null");
    }
}
