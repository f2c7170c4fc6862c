package dev.sparkjobs.internal.lake;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** One table of a lake as {@code spark-jobs tables} shows it: who writes it, its current version and size. */
public record LakeTable(
        String name,
        String job,
        String path,
        long version,
        Instant lastCommit,
        Optional<String> lastRunId,
        long rows,
        List<String> partitionColumns,
        long partitions,
        long files,
        long bytes)
{
    public LakeTable
    {
        requireNonNull(name, "name is null");
        requireNonNull(job, "job is null");
        requireNonNull(path, "path is null");
        requireNonNull(lastCommit, "lastCommit is null");
        requireNonNull(lastRunId, "lastRunId is null");
        partitionColumns = List.copyOf(requireNonNull(partitionColumns, "partitionColumns is null"));
    }
}
