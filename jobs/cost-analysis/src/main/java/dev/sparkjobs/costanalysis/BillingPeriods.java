package dev.sparkjobs.costanalysis;

import static java.util.Objects.requireNonNull;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.sparkjobs.api.InputFile;
import dev.sparkjobs.api.InputFingerprint;
import dev.sparkjobs.api.RecomputedPartition;
import dev.sparkjobs.api.RunScope;

/**
 * Which billing periods a run recomputes, and which files it reads for them.
 *
 * <p>AWS Data Exports (CUR 2.0 and FOCUS) write each billing period's files under a folder
 * {@code BILLING_PERIOD=YYYY-MM}, and rewrite them until the invoice is final, corrections included,
 * days after the month closed. A run of one date recomputes its own period and every earlier period
 * whose files changed (by {@link InputFingerprint}) since a successful run last recomputed it, plus
 * the period after each changed one (its month-over-month change and the first days of its anomaly
 * window depend on the changed period), and reads only the periods those need (each one's previous
 * period and anomaly window). A period that no run recomputed yet is left alone; {@code scope=all}
 * recomputes every period. Files outside period folders (a hand-made input, legacy CUR folders
 * named otherwise) cannot be placed without reading them: every run reads them, as before this
 * existed, and their changes are seen only by the periods a run recomputes anyway.
 */
final class BillingPeriods
{
    /** The reason of the period after a changed one. */
    static final String PREVIOUS_CHANGED = "previous period changed";
    private static final Pattern PERIOD_FOLDER = Pattern.compile("(?i)/billing_period=(\\d{4})-(\\d{2})(?:-\\d{2})?/");
    /** Legacy CUR: {@code <prefix>/<report>/20240901-20241001/...}. */
    private static final Pattern LEGACY_CUR_FOLDER = Pattern.compile("/(\\d{4})(\\d{2})01-\\d{8}/");

    /**
     * The periods a run recomputes (with reasons and fingerprints), the periods whose rows it reads,
     * and the files it reads: those of the read periods and every file outside a period folder.
     */
    record Plan(List<RecomputedPartition> recomputed, SortedSet<LocalDate> periodsRead, List<InputFile> filesRead, int filesSkipped)
    {
        Plan
        {
            recomputed = List.copyOf(requireNonNull(recomputed, "recomputed is null"));
            periodsRead = java.util.Collections.unmodifiableSortedSet(new TreeSet<>(requireNonNull(periodsRead, "periodsRead is null")));
            filesRead = List.copyOf(requireNonNull(filesRead, "filesRead is null"));
        }

        List<LocalDate> recomputedPeriods()
        {
            return recomputed.stream().map(RecomputedPartition::value).toList();
        }
    }

    private BillingPeriods() {}

    /** The billing period (first day of its month) of a file from its folder, if it lies in one. */
    static Optional<LocalDate> periodOf(String path)
    {
        for (Pattern pattern : List.of(PERIOD_FOLDER, LEGACY_CUR_FOLDER)) {
            Matcher matcher = pattern.matcher(path);
            if (matcher.find()) {
                int month = Integer.parseInt(matcher.group(2));
                if (month >= 1 && month <= 12) {
                    return Optional.of(LocalDate.of(Integer.parseInt(matcher.group(1)), month, 1));
                }
            }
        }
        return Optional.empty();
    }

    static Plan plan(RunScope scope, int anomalyWindowDays, List<InputFile> files, Map<LocalDate, RecomputedPartition> lastRecomputed)
    {
        TreeMap<LocalDate, List<InputFile>> byPeriod = new TreeMap<>();
        List<InputFile> unplaced = new ArrayList<>();
        for (InputFile file : files) {
            periodOf(file.path()).ifPresentOrElse(period -> byPeriod.computeIfAbsent(period, ignored -> new ArrayList<>()).add(file), () -> unplaced.add(file));
        }
        if (scope.isAll()) {
            List<RecomputedPartition> recomputed = new ArrayList<>();
            byPeriod.forEach((period, periodFiles) -> recomputed.add(new RecomputedPartition(period, RecomputedPartition.SCOPE_ALL, InputFingerprint.of(periodFiles))));
            return new Plan(recomputed, new TreeSet<>(byPeriod.keySet()), files, 0);
        }
        LocalDate own = scope.logicalDate().withDayOfMonth(1);
        TreeMap<LocalDate, RecomputedPartition> recomputed = new TreeMap<>();
        recomputed.put(own, new RecomputedPartition(own, RecomputedPartition.OWN, fingerprint(byPeriod, own)));
        for (Map.Entry<LocalDate, List<InputFile>> period : byPeriod.headMap(own).entrySet()) {
            RecomputedPartition last = lastRecomputed.get(period.getKey());
            InputFingerprint now = InputFingerprint.of(period.getValue());
            if (last != null && !last.inputs().equals(now)) {
                recomputed.put(period.getKey(), new RecomputedPartition(period.getKey(), RecomputedPartition.INPUT_CHANGED, now));
            }
        }
        for (RecomputedPartition changed : List.copyOf(recomputed.values())) {
            LocalDate next = changed.value().plusMonths(1);
            if (changed.reason().equals(RecomputedPartition.INPUT_CHANGED) && !recomputed.containsKey(next) && lastRecomputed.containsKey(next)
                    && byPeriod.containsKey(next)) {
                recomputed.put(next, new RecomputedPartition(next, PREVIOUS_CHANGED, fingerprint(byPeriod, next)));
            }
        }
        TreeSet<LocalDate> periodsRead = new TreeSet<>();
        for (LocalDate period : recomputed.keySet()) {
            for (LocalDate month = CostAnalysisJob.earliestPeriodNeeded(period, anomalyWindowDays); !month.isAfter(period); month = month.plusMonths(1)) {
                periodsRead.add(month);
            }
        }
        List<InputFile> filesRead = new ArrayList<>(unplaced);
        int skipped = 0;
        for (Map.Entry<LocalDate, List<InputFile>> period : byPeriod.entrySet()) {
            if (periodsRead.contains(period.getKey())) {
                filesRead.addAll(period.getValue());
            }
            else {
                skipped += period.getValue().size();
            }
        }
        if (filesRead.isEmpty()) {
            // No file of the periods read (an input holding other periods only): read them all, as the run of a period
            // without rows always has; its tables' rows for the period become empty, with a warning.
            return new Plan(List.copyOf(recomputed.values()), periodsRead, files, 0);
        }
        filesRead.sort(Comparator.comparing(InputFile::path));
        return new Plan(List.copyOf(recomputed.values()), periodsRead, filesRead, skipped);
    }

    private static InputFingerprint fingerprint(Map<LocalDate, List<InputFile>> byPeriod, LocalDate period)
    {
        return InputFingerprint.of(byPeriod.getOrDefault(period, List.of()));
    }
}
