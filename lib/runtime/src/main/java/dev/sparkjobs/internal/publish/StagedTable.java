package dev.sparkjobs.internal.publish;

import static java.util.Objects.requireNonNull;

import java.util.List;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import dev.sparkjobs.api.Check;
import dev.sparkjobs.api.TableSpec;

/**
 * A job's result for one table as staged by its writer, computed once: the rows the checks read
 * (the table's uncommitted data files, or the rows in Spark's cache) and the checks to evaluate.
 *
 * @param checks the declared checks plus the ones the write mode implies
 */
public record StagedTable(TableSpec spec, String path, Dataset<Row> rows, List<Check> checks)
{
    public StagedTable
    {
        requireNonNull(spec, "spec is null");
        requireNonNull(path, "path is null");
        requireNonNull(rows, "rows is null");
        checks = List.copyOf(requireNonNull(checks, "checks is null"));
    }

    public String name()
    {
        return spec.name();
    }
}
