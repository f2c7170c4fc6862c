package dev.sparkjobs.internal.delta;

import static java.util.Objects.requireNonNull;
import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.storage.StorageLevel;

import dev.sparkjobs.api.Check;
import dev.sparkjobs.api.RunScope;
import dev.sparkjobs.api.TableSpec;
import dev.sparkjobs.api.WriteMode;
import dev.sparkjobs.errors.Errors;

/**
 * Aligns a job's DataFrame to its table's declared schema and stages it for checks and publish:
 * with a publisher, a table replaced by partition or overwritten is computed once, straight into
 * uncommitted data files of the Delta table (checks then read those files, the publish commits
 * them); other tables, and every table without a publisher, are persisted in Spark's cache.
 */
public final class TableStager
{
    private final String job;
    private final RunScope scope;
    private final Optional<DeltaPublisher> publisher;

    public TableStager(String job, RunScope scope)
    {
        this(job, scope, Optional.empty());
    }

    public TableStager(String job, RunScope scope, Optional<DeltaPublisher> publisher)
    {
        this.job = requireNonNull(job, "job is null");
        this.scope = requireNonNull(scope, "scope is null");
        this.publisher = requireNonNull(publisher, "publisher is null");
    }

    public StagedTable stage(TableSpec spec, String path, Dataset<Row> result)
    {
        Map<String, StructField> actual = Arrays.stream(result.schema().fields())
                .collect(Collectors.toMap(StructField::name, Function.identity(), (left, right) -> left));
        List<String> problems = new ArrayList<>();
        List<Column> columns = new ArrayList<>();
        for (StructField declared : spec.schema().fields()) {
            StructField field = actual.remove(declared.name());
            if (field == null) {
                problems.add("column " + declared.name() + " (" + declared.dataType().simpleString() + ") is missing");
                continue;
            }
            if (!field.dataType().sameType(declared.dataType())) {
                problems.add("column " + declared.name() + " is " + field.dataType().simpleString() + ", declared "
                        + declared.dataType().simpleString());
                continue;
            }
            columns.add(col(declared.name()));
        }
        actual.keySet().forEach(extra -> problems.add("column " + extra + " is not declared"));
        if (!problems.isEmpty()) {
            throw Errors.outputSchemaMismatch(job, spec.name(), problems);
        }
        Dataset<Row> aligned = result.select(columns.toArray(Column[]::new));
        boolean writesFiles = spec.writeMode() instanceof WriteMode.ReplacePartition || spec.writeMode() instanceof WriteMode.Overwrite;
        if (publisher.isPresent() && writesFiles) {
            DeltaPublisher.Pending pending = publisher.get().writeUncommitted(spec, path, aligned);
            return new StagedTable(spec, path, publisher.get().written(pending), checksOf(spec), Optional.of(pending));
        }
        return new StagedTable(spec, path, aligned.persist(StorageLevel.MEMORY_AND_DISK()), checksOf(spec));
    }

    /** The declared checks, plus what the write mode needs to be safe. */
    private List<Check> checksOf(TableSpec spec)
    {
        List<Check> checks = new ArrayList<>();
        if (spec.writeMode() instanceof WriteMode.ReplacePartition replace) {
            checks.add(Check.notNull(replace.column()));
            if (!scope.isAll()) {
                Column inScope = PartitionPredicates.runPartition(replace, scope);
                checks.add(Check.predicate("in_run_partition(" + PartitionPredicates.toSql(inScope) + ")", inScope, replace.column()));
            }
        }
        if (spec.writeMode() instanceof WriteMode.Merge merge) {
            String[] keys = merge.keys().toArray(String[]::new);
            checks.add(Check.notNull(keys));
            checks.add(Check.uniqueKey(keys));
        }
        for (Check declared : spec.checks()) {
            if (checks.stream().noneMatch(implied -> implied.name().equals(declared.name()))) {
                checks.add(declared);
            }
        }
        return checks;
    }
}
