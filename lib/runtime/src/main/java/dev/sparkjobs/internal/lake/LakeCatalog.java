package dev.sparkjobs.internal.lake;

import static java.util.Objects.requireNonNull;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.get_json_object;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.DeltaLog;
import org.apache.spark.sql.delta.Snapshot;
import org.apache.spark.sql.delta.actions.Action;
import org.apache.spark.sql.delta.actions.CommitInfo;

import scala.Option;

import dev.sparkjobs.errors.Errors;
import dev.sparkjobs.internal.publish.DeltaTables;
import dev.sparkjobs.internal.runtime.Locations;

/**
 * The Delta tables directly under a lake root ({@code output.root}), by folder name: what
 * {@code sql} registers as views and {@code tables} describes. Listing reads one folder level and
 * each table's log; no table's data is read, except row counts, which Delta answers from the
 * statistics in its log.
 */
public final class LakeCatalog
{
    private final SparkSession spark;
    private final String root;

    public LakeCatalog(SparkSession spark, String root)
    {
        this.spark = requireNonNull(spark, "spark is null");
        this.root = requireNonNull(root, "root is null");
    }

    public String root()
    {
        return root;
    }

    /** The names of the tables under the root, sorted; an error naming the root when it holds none. */
    public List<String> tableNames()
    {
        List<String> names = new ArrayList<>();
        try {
            Path rootPath = new Path(root);
            FileSystem fs = rootPath.getFileSystem(spark.sparkContext().hadoopConfiguration());
            for (FileStatus child : fs.listStatus(rootPath)) {
                if (child.isDirectory() && fs.exists(new Path(child.getPath(), "_delta_log"))) {
                    names.add(child.getPath().getName());
                }
            }
        }
        catch (FileNotFoundException e) {
            throw Errors.emptyLake(root);
        }
        catch (IOException e) {
            throw new UncheckedIOException("Cannot list the lake " + root + ": " + e.getMessage(), e);
        }
        if (names.isEmpty()) {
            throw Errors.emptyLake(root);
        }
        names.sort(null);
        return List.copyOf(names);
    }

    /** Registers every table as a temporary view named after its folder, and returns the names. */
    public List<String> registerViews()
    {
        List<String> names = tableNames();
        for (String name : names) {
            spark.read().format("delta").load(path(name)).createOrReplaceTempView(quoted(name));
        }
        return names;
    }

    public String path(String name)
    {
        return Locations.child(root, name);
    }

    /**
     * Each table with its current version, last commit and size; {@code jobByTable} names the job
     * that writes each. Rows and partitions come from the file statistics in the log, in one small
     * aggregation per table; the last commit from its commit info. No data file is read, except the
     * rows of files written without statistics, which are counted.
     */
    public List<LakeTable> describe(Map<String, String> jobByTable)
    {
        List<LakeTable> tables = new ArrayList<>();
        for (String name : tableNames()) {
            String path = path(name);
            DeltaLog log = DeltaTables.log(spark, path);
            Snapshot snapshot = log.update(false, Option.empty(), Option.empty());
            List<String> partitionColumns = DeltaTables.list(snapshot.metadata().partitionColumns());
            Column partitions = partitionColumns.isEmpty() ? lit(1L)
                    : countDistinct(struct(partitionColumns.stream().map(column -> col("partitionValues").getItem(column)).toArray(Column[]::new)));
            Row files = snapshot.allFiles().toDF().agg(
                    sum(get_json_object(col("stats"), "$.numRecords").cast("long")),
                    count(when(get_json_object(col("stats"), "$.numRecords").isNull(), lit(1))),
                    partitions).first();
            long rows = files.getLong(1) == 0 ? (files.isNullAt(0) ? 0 : files.getLong(0)) : spark.read().format("delta").load(path).count();
            CommitInfo last = lastCommit(log, snapshot.version());
            tables.add(new LakeTable(name, jobByTable.getOrDefault(name, "?"), path, snapshot.version(), last.timestamp().toInstant(),
                    Optional.ofNullable(last.userMetadata().getOrElse(() -> null)), rows, partitionColumns, files.getLong(2),
                    snapshot.numOfFiles(), snapshot.sizeInBytes()));
        }
        return List.copyOf(tables);
    }

    private static CommitInfo lastCommit(DeltaLog log, long version)
    {
        var changes = log.getChanges(version, false);
        while (changes.hasNext()) {
            for (Action action : DeltaTables.list(changes.next()._2())) {
                if (action instanceof CommitInfo info) {
                    return info;
                }
            }
        }
        throw new IllegalStateException("Version " + version + " of " + log.dataPath() + " has no commit info");
    }

    /** Folder names are valid view names unless they hold characters other than letters, digits and _ . */
    private static String quoted(String name)
    {
        return name.matches("[A-Za-z0-9_]+") ? name : "`" + name.replace("`", "``") + "`";
    }
}
