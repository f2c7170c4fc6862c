package dev.sparkjobs.internal.publish;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.plans.logical.Filter;
import org.apache.spark.sql.delta.DeltaLog;
import org.apache.spark.sql.delta.DeltaOperations;
import org.apache.spark.sql.delta.actions.Action;
import org.apache.spark.sql.delta.actions.AddFile;
import org.apache.spark.sql.delta.actions.CommitInfo;
import org.apache.spark.sql.delta.actions.FileAction;
import org.apache.spark.sql.delta.actions.Format;
import org.apache.spark.sql.delta.actions.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import scala.Option;
import scala.Predef;
import scala.Tuple2;
import scala.collection.JavaConverters;
import scala.collection.Seq;

import dev.sparkjobs.api.TableSpec;
import dev.sparkjobs.errors.Errors;

/** What the table writers share about Delta: versions, schemas, a new table's metadata, commits read back from the log. */
public final class DeltaTables
{
    private DeltaTables() {}

    public static DeltaLog log(SparkSession spark, String path)
    {
        return DeltaLog.forTable(spark, path);
    }

    /** The table's current version, read from storage (DeltaLog instances are cached per path); empty when there is no table. */
    public static Optional<Long> currentVersion(SparkSession spark, String path)
    {
        long version = log(spark, path).update(false, Option.empty(), Option.empty()).version();
        return version < 0 ? Optional.empty() : Optional.of(version);
    }

    /**
     * The metadata of a table created by its first commit: the declared schema (with the column
     * comments), partitioning, comment and properties.
     */
    public static Metadata newTableMetadata(TableSpec spec)
    {
        Map<String, String> properties = new LinkedHashMap<>(spec.properties());
        return new Metadata(
                java.util.UUID.randomUUID().toString(),
                null,
                spec.comment(),
                new Format("parquet", scalaMap(Map.of())),
                spec.schema().json(),
                seq(spec.partitionColumns()),
                scalaMap(properties),
                Option.apply(System.currentTimeMillis()));
    }

    /**
     * The table must still have the declared columns and types: a table changed by someone else is
     * an error, not something to cast into or drop columns from.
     */
    static void requireDeclaredSchema(TableSpec spec, String path, StructType actual)
    {
        List<String> problems = new ArrayList<>();
        Map<String, StructField> existing = new LinkedHashMap<>();
        for (StructField field : actual.fields()) {
            existing.put(field.name(), field);
        }
        for (StructField declared : spec.schema().fields()) {
            StructField field = existing.remove(declared.name());
            if (field == null) {
                problems.add("column " + declared.name() + " is missing from the table");
            }
            else if (!field.dataType().sameType(declared.dataType())) {
                problems.add("column " + declared.name() + " is " + field.dataType().simpleString() + " in the table, declared " + declared.dataType().simpleString());
            }
        }
        existing.keySet().forEach(extra -> problems.add("column " + extra + " is in the table but not declared"));
        if (!problems.isEmpty()) {
            throw Errors.tableSchemaChanged(spec.name(), path, problems);
        }
    }

    /** A predicate on the table's columns as the resolved expression Delta's transactions take. */
    static Expression condition(SparkSession spark, StructType schema, Column predicate)
    {
        Filter filter = (Filter) spark.createDataFrame(List.of(), schema).filter(predicate).queryExecution().analyzed();
        return filter.condition();
    }

    public static DeltaOperations.Write write(SaveMode mode, List<String> partitionColumns, Optional<String> predicate, String runId)
    {
        return new DeltaOperations.Write(mode, Option.apply(seq(partitionColumns)), Option.apply(predicate.orElse(null)), Option.apply(runId));
    }

    public static List<AddFile> added(Seq<FileAction> written)
    {
        return list(written).stream().filter(AddFile.class::isInstance).map(AddFile.class::cast).toList();
    }

    /** The commits after {@code afterVersion} up to the current version, with their actions. */
    static List<LoggedCommit> commitsAfter(SparkSession spark, String path, long afterVersion)
    {
        DeltaLog log = log(spark, path);
        long current = log.update(false, Option.empty(), Option.empty()).version();
        List<LoggedCommit> commits = new ArrayList<>();
        if (current <= afterVersion) {
            return commits;
        }
        var changes = log.getChanges(afterVersion + 1, current, false);
        while (changes.hasNext()) {
            Tuple2<Object, Seq<Action>> change = changes.next();
            commits.add(new LoggedCommit((Long) change._1(), list(change._2())));
        }
        return commits;
    }

    /** One commit of a table's log: its version and actions. */
    record LoggedCommit(long version, List<Action> actions)
    {
        LoggedCommit
        {
            actions = List.copyOf(actions);
        }

        Optional<String> userMetadata()
        {
            return actions.stream().filter(CommitInfo.class::isInstance).map(CommitInfo.class::cast).findFirst()
                    .flatMap(info -> Optional.ofNullable(info.userMetadata().getOrElse(() -> null)));
        }
    }

    public static <T> Seq<T> seq(List<T> list)
    {
        return JavaConverters.asScalaBuffer(new ArrayList<>(list)).toSeq();
    }

    public static <T> List<T> list(Seq<T> seq)
    {
        return JavaConverters.seqAsJavaList(seq);
    }

    static scala.collection.immutable.Map<String, String> scalaMap(Map<String, String> map)
    {
        return JavaConverters.mapAsScalaMapConverter(map).asScala().toMap(Predef.$conforms());
    }
}
