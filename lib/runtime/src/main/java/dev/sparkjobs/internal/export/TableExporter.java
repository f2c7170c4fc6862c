package dev.sparkjobs.internal.export;

import static java.util.Objects.requireNonNull;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.to_json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import io.delta.tables.DeltaTable;

import dev.sparkjobs.errors.Errors;

/**
 * Exports a Delta table to one CSV or JSON Lines file with rows ordered by all columns, so outputs
 * can be compared across runs and tools. Nested values (maps, arrays, structs) are written as JSON
 * in CSV and sorted by their JSON text. CSV follows RFC 4180 (quotes doubled, not backslash-escaped). The file appears complete or not at all.
 */
public final class TableExporter
{
    public enum Format
    {
        CSV,
        JSON
    }

    private final SparkSession spark;

    public TableExporter(SparkSession spark)
    {
        this.spark = requireNonNull(spark, "spark is null");
    }

    /** Writes the table to {@code target} and returns the number of rows written. */
    public long export(String tablePath, Format format, Path target)
    {
        if (!DeltaTable.isDeltaTable(spark, tablePath)) {
            throw Errors.tableNotFound(tablePath);
        }
        Dataset<Row> table = spark.read().format("delta").load(tablePath);
        List<Column> order = new ArrayList<>();
        for (StructField field : table.schema().fields()) {
            Column column = quoted(field);
            order.add((isNested(field) ? to_json(column) : column).asc_nulls_first());
        }
        return write(table.orderBy(order.toArray(Column[]::new)), format, target);
    }

    /**
     * Writes {@code rows} in their order (a query's ORDER BY, or none) to {@code target}, one file
     * that appears complete or not at all, and returns the number of rows written.
     */
    public long write(Dataset<Row> rows, Format format, Path target)
    {
        List<Column> output = new ArrayList<>();
        for (StructField field : rows.schema().fields()) {
            output.add(isNested(field) && format == Format.CSV ? to_json(quoted(field)).as(field.name()) : quoted(field));
        }
        Dataset<Row> single = rows.select(output.toArray(Column[]::new)).coalesce(1);

        Path absolute = target.toAbsolutePath();
        Path staging = absolute.resolveSibling("." + absolute.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            Files.createDirectories(absolute.getParent());
            var writer = single.write()
                    .option("timestampFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSSSSXXX")
                    .option("dateFormat", "yyyy-MM-dd");
            if (format == Format.CSV) {
                writer.option("header", "true").option("escape", "\"").option("emptyValue", "\"\"").csv(staging.toUri().toString());
            }
            else {
                writer.option("ignoreNullFields", "false").json(staging.toUri().toString());
            }
            Path part;
            try (Stream<Path> files = Files.list(staging)) {
                part = files.filter(file -> file.getFileName().toString().startsWith("part-"))
                        .min(Comparator.naturalOrder())
                        .orElseThrow(() -> new IllegalStateException("Spark wrote no part file to " + staging));
            }
            Files.move(part, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return rows.count();
        }
        catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + absolute + ": " + e.getMessage(), e);
        }
        finally {
            deleteRecursively(staging);
        }
    }

    private static Column quoted(StructField field)
    {
        return col("`" + field.name().replace("`", "``") + "`");
    }

    private static boolean isNested(StructField field)
    {
        return field.dataType() instanceof MapType || field.dataType() instanceof ArrayType || field.dataType() instanceof StructType;
    }

    private static void deleteRecursively(Path folder)
    {
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(folder)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
        catch (IOException ignored) {
            // best effort: a leftover hidden temp folder does not affect the exported file
        }
    }
}
