package dev.sparkjobs.app;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * How one output table reads after a killed run, against its rows before the run and after a
 * successful run: it must be one of the two, exactly as a multiset (so a mix of both, a missing
 * row or a duplicate is neither).
 */
record TableVerdict(String table, Outcome outcome, long duplicates, List<String> strayRows, String counts)
{
    private static final int SHOWN = 3;

    enum Outcome
    {
        BEFORE("before"),
        AFTER("after"),
        /** The table has the same rows before and after a successful run, and has them. */
        UNCHANGED("unchanged"),
        MIXED("MIXED");

        private final String label;

        Outcome(String label)
        {
            this.label = label;
        }

        String label()
        {
            return label;
        }
    }

    TableVerdict
    {
        requireNonNull(table, "table is null");
        requireNonNull(outcome, "outcome is null");
        strayRows = List.copyOf(requireNonNull(strayRows, "strayRows is null"));
        requireNonNull(counts, "counts is null");
    }

    static TableVerdict of(String table, List<String> rows, List<String> before, List<String> after)
    {
        Outcome outcome;
        if (rows.equals(before) && rows.equals(after)) {
            outcome = Outcome.UNCHANGED;
        }
        else if (rows.equals(before)) {
            outcome = Outcome.BEFORE;
        }
        else if (rows.equals(after)) {
            outcome = Outcome.AFTER;
        }
        else {
            outcome = Outcome.MIXED;
        }
        Map<String, Long> counts = multiset(rows);
        Map<String, Long> beforeCounts = multiset(before);
        Map<String, Long> afterCounts = multiset(after);
        // A row more often than in either state is a duplicate.
        long duplicates = counts.entrySet().stream()
                .mapToLong(row -> Math.max(0, row.getValue() - Math.max(beforeCounts.getOrDefault(row.getKey(), 0L), afterCounts.getOrDefault(row.getKey(), 0L))))
                .sum();
        List<String> stray = new ArrayList<>();
        if (outcome == Outcome.MIXED) {
            rows.stream().filter(row -> !beforeCounts.containsKey(row) && !afterCounts.containsKey(row)).distinct().limit(SHOWN)
                    .forEach(row -> stray.add("in neither state: " + row));
            missing(before, counts).stream().limit(SHOWN).forEach(row -> stray.add("of the state before, missing: " + row));
            missing(after, counts).stream().limit(SHOWN).forEach(row -> stray.add("of the state after, missing: " + row));
        }
        String described = rows.size() + " rows (before " + before.size() + ", after " + after.size() + ")";
        return new TableVerdict(table, outcome, duplicates, stray, described);
    }

    boolean consistent()
    {
        return outcome != Outcome.MIXED && duplicates == 0;
    }

    String describe()
    {
        return table + ": " + outcome.label() + ", " + counts + (duplicates == 0 ? "" : ", " + duplicates + " duplicate rows")
                + (strayRows.isEmpty() ? "" : "\n      " + String.join("\n      ", strayRows));
    }

    private static List<String> missing(List<String> state, Map<String, Long> counts)
    {
        return multiset(state).entrySet().stream().filter(row -> counts.getOrDefault(row.getKey(), 0L) < row.getValue()).map(Map.Entry::getKey).sorted().toList();
    }

    private static Map<String, Long> multiset(List<String> rows)
    {
        return rows.stream().collect(Collectors.groupingBy(Function.identity(), HashMap::new, Collectors.counting()));
    }
}
