package dev.sparkjobs.app;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * One trial of the sweep: a run of {@code job} with input {@code input} on a lake in the state the
 * other input gives, killed; how each table read after the kill, whether the re-run of the date
 * gave a clean run's tables, and what the ledger says of the killed run after the re-run. Problems
 * fail the test; remarks are worth knowing and fail nothing.
 */
record FaultTrial(int number, String job, FaultJob.Input input, KilledRun kill, List<TableVerdict> tables, List<String> rerunDiffers, boolean rerunSucceeded,
                  String killedRow, List<String> problems, List<String> remarks)
{
    FaultTrial
    {
        requireNonNull(job, "job is null");
        requireNonNull(input, "input is null");
        requireNonNull(kill, "kill is null");
        tables = List.copyOf(requireNonNull(tables, "tables is null"));
        rerunDiffers = List.copyOf(requireNonNull(rerunDiffers, "rerunDiffers is null"));
        requireNonNull(killedRow, "killedRow is null");
        problems = List.copyOf(requireNonNull(problems, "problems is null"));
        remarks = List.copyOf(requireNonNull(remarks, "remarks is null"));
    }

    boolean consistent()
    {
        return tables.stream().allMatch(TableVerdict::consistent);
    }

    long duplicates()
    {
        return tables.stream().mapToLong(TableVerdict::duplicates).sum();
    }

    boolean rerunEqual()
    {
        return rerunSucceeded && rerunDiffers.isEmpty();
    }

    /** The row of the report's table. */
    List<String> cells()
    {
        List<String> cells = new ArrayList<>();
        cells.add(String.valueOf(number));
        cells.add(job);
        cells.add(input.other() + " -> " + input);
        cells.add(kill.targeted().label());
        cells.add(kill.describeHit());
        cells.add(kill.hit().isPresent() ? String.valueOf(kill.millisAfterPhaseBegan()) : "");
        cells.add(tables.stream().map(table -> table.table() + " " + table.outcome().label()).collect(Collectors.joining(", ")));
        cells.add(duplicates() == 0 ? "none" : String.valueOf(duplicates()));
        cells.add(!rerunSucceeded ? "FAILED" : rerunDiffers.isEmpty() ? "yes" : "NO: " + String.join(", ", rerunDiffers));
        cells.add(killedRow);
        cells.add(kill.delayMillis() + " ms; " + kill.describePhaseStarts());
        return cells;
    }
}
