package dev.sparkjobs.app;

import java.util.Optional;
import java.util.Set;

/**
 * The phases of a run as its progress lines tell them (JobRunner prints one line per step, in this
 * order; tables are staged and checked several at a time, so stage and check lines interleave).
 * Each phase has the spread of the seeded delays of a kill aimed at it: about the phase's length in
 * a driver JVM of its own (a cold JVM: its first ledger commit alone takes seconds) on the S3 lake
 * with the test's tiny inputs, so that kills land early, midway and late in it.
 */
enum RunPhase
{
    LEDGER_START("ledger start", 12_000),
    READING("reading", 4_000),
    STAGING("staging", 1_000),
    CHECKS("checks", 1_000),
    COMMITS("commits", 4_000),
    FINAL_LEDGER_ROW("final ledger row", 600);

    private final String label;
    private final int spreadMillis;

    RunPhase(String label, int spreadMillis)
    {
        this.label = label;
        this.spreadMillis = spreadMillis;
    }

    String label()
    {
        return label;
    }

    /** Kills aimed at this phase come 0 to this many milliseconds after its first line. */
    int spreadMillis()
    {
        return spreadMillis;
    }

    /**
     * The phase a step belongs to; empty for the first line ({@code starting run <id> for ...}),
     * which comes before the run does anything. {@code tables} are the job's output tables: only
     * {@code stage <table>} of one of them is staging, so a job step named otherwise stays reading.
     */
    static Optional<RunPhase> ofStep(String step, Set<String> tables)
    {
        if (step.startsWith("starting run ")) {
            return Optional.empty();
        }
        // A run marks lost runs ABANDONED right after recording its own start, before building outputs.
        if (step.startsWith("record run in ") || step.endsWith("marked ABANDONED")) {
            return Optional.of(LEDGER_START);
        }
        if (step.startsWith("record outcome in ")) {
            return Optional.of(FINAL_LEDGER_ROW);
        }
        if (namesTable(step, "stage ", tables)) {
            return Optional.of(STAGING);
        }
        if (namesTable(step, "check ", tables)) {
            return Optional.of(CHECKS);
        }
        if (namesTable(step, "publish ", tables) || namesTable(step, "optimize ", tables)) {
            return Optional.of(COMMITS);
        }
        return Optional.of(READING);
    }

    private static boolean namesTable(String step, String verb, Set<String> tables)
    {
        return step.startsWith(verb) && tables.contains(step.substring(verb.length()));
    }

    @Override
    public String toString()
    {
        return label;
    }
}
