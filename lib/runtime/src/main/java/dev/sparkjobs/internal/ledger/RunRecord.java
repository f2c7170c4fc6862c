package dev.sparkjobs.internal.ledger;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.sparkjobs.api.RecomputedPartition;
import dev.sparkjobs.internal.runtime.RunMetrics;

/** One row of the run ledger. Config values are already redacted. */
public record RunRecord(
        String runId,
        String job,
        LocalDate logicalDate,
        String env,
        String scope,
        RunStatus status,
        Instant startedAt,
        Optional<Instant> endedAt,
        RunMetrics metrics,
        List<TableOutcome> tables,
        Map<String, Long> counters,
        List<String> warnings,
        String sparkApplicationId,
        Optional<String> errorSummary,
        Map<String, String> config,
        List<RecomputedPartition> recomputed)
{
    public RunRecord
    {
        requireNonNull(runId, "runId is null");
        requireNonNull(job, "job is null");
        requireNonNull(logicalDate, "logicalDate is null");
        requireNonNull(env, "env is null");
        requireNonNull(scope, "scope is null");
        requireNonNull(status, "status is null");
        requireNonNull(startedAt, "startedAt is null");
        requireNonNull(endedAt, "endedAt is null");
        requireNonNull(metrics, "metrics is null");
        tables = List.copyOf(requireNonNull(tables, "tables is null"));
        counters = Map.copyOf(requireNonNull(counters, "counters is null"));
        warnings = List.copyOf(requireNonNull(warnings, "warnings is null"));
        requireNonNull(sparkApplicationId, "sparkApplicationId is null");
        requireNonNull(errorSummary, "errorSummary is null");
        config = Map.copyOf(requireNonNull(config, "config is null"));
        recomputed = List.copyOf(requireNonNull(recomputed, "recomputed is null"));
    }

    public static RunRecord started(String runId, String job, LocalDate logicalDate, String env, String scope, Instant startedAt,
            String sparkApplicationId, Map<String, String> config)
    {
        return new RunRecord(runId, job, logicalDate, env, scope, RunStatus.RUNNING, startedAt, Optional.empty(), RunMetrics.EMPTY,
                List.of(), Map.of(), List.of(), sparkApplicationId, Optional.empty(), config, List.of());
    }

    /** The row of a failed run: nothing published, nothing recomputed. */
    public RunRecord failed(Instant endedAt, RunMetrics metrics, String errorSummary)
    {
        return new RunRecord(runId, job, logicalDate, env, scope, RunStatus.FAILED, startedAt, Optional.of(endedAt), metrics, List.of(), Map.of(), List.of(),
                sparkApplicationId, Optional.of(errorSummary), config, List.of());
    }

    /** The row of a run that published its tables. */
    public RunRecord succeeded(Instant endedAt, RunMetrics metrics, List<TableOutcome> tables, Map<String, Long> counters, List<String> warnings,
            List<RecomputedPartition> recomputed)
    {
        return new RunRecord(runId, job, logicalDate, env, scope, RunStatus.SUCCEEDED, startedAt, Optional.of(endedAt), metrics, tables, counters, warnings,
                sparkApplicationId, Optional.empty(), config, recomputed);
    }

    public long rowsWritten()
    {
        return tables.stream().mapToLong(TableOutcome::rowsWritten).sum();
    }
}
