package dev.sparkjobs.internal.runtime;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.sparkjobs.api.RecomputedPartition;
import dev.sparkjobs.internal.checks.CheckOutcome;
import dev.sparkjobs.internal.ledger.TableOutcome;

/** The immutable outcome of a successful run, for the summary and for tests. */
public record RunResult(
        String runId,
        String job,
        String outputRoot,
        List<TableOutcome> tables,
        List<CheckOutcome> warnings,
        List<String> jobWarnings,
        Map<String, Long> counters,
        List<RecomputedPartition> recomputed,
        RunMetrics metrics,
        List<StepLabels.StepTiming> steps,
        Duration duration)
{
    public RunResult
    {
        requireNonNull(runId, "runId is null");
        requireNonNull(job, "job is null");
        requireNonNull(outputRoot, "outputRoot is null");
        tables = List.copyOf(requireNonNull(tables, "tables is null"));
        warnings = List.copyOf(requireNonNull(warnings, "warnings is null"));
        jobWarnings = List.copyOf(requireNonNull(jobWarnings, "jobWarnings is null"));
        counters = Map.copyOf(requireNonNull(counters, "counters is null"));
        recomputed = List.copyOf(requireNonNull(recomputed, "recomputed is null"));
        requireNonNull(metrics, "metrics is null");
        steps = List.copyOf(requireNonNull(steps, "steps is null"));
        requireNonNull(duration, "duration is null");
    }
}
