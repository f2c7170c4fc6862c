package dev.sparkjobs.internal.delta;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import dev.sparkjobs.api.Check;
import dev.sparkjobs.api.TableSpec;

/**
 * A job's result for one table, aligned to the declared schema, in one of two forms so that checks
 * and the publish read the same rows without computing them twice: either already written as
 * uncommitted data files of the table ({@code pending}; {@code rows} reads those files), or
 * persisted in Spark's cache ({@code rows}) for a write mode that needs its source at commit time.
 *
 * @param checks the declared checks plus the ones the write mode implies
 */
public record StagedTable(TableSpec spec, String path, Dataset<Row> rows, List<Check> checks, Optional<DeltaPublisher.Pending> pending)
{
    public StagedTable
    {
        requireNonNull(spec, "spec is null");
        requireNonNull(path, "path is null");
        requireNonNull(rows, "rows is null");
        checks = List.copyOf(requireNonNull(checks, "checks is null"));
        requireNonNull(pending, "pending is null");
    }

    public StagedTable(TableSpec spec, String path, Dataset<Row> rows, List<Check> checks)
    {
        this(spec, path, rows, checks, Optional.empty());
    }

    public String name()
    {
        return spec.name();
    }
}
