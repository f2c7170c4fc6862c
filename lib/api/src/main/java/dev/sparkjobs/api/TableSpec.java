package dev.sparkjobs.api;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.MetadataBuilder;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * An output table: its schema with column comments, partitioning, how it is published, the
 * checks its staged rows must pass, and the Delta table properties it is created with. The table
 * lives at {@code <output.root>/<name>}.
 *
 * @param properties Delta table properties set when the framework creates the table, e.g.
 *         {@code delta.dataSkippingNumIndexedCols}; Delta also hands them to the Parquet writer of
 *         every write, so Parquet settings ({@code parquet.enable.dictionary#<column>}) apply to the
 *         table's files. A table that already exists keeps its own properties
 *         ({@code ALTER TABLE ... SET TBLPROPERTIES} changes them).
 */
public record TableSpec(String name, String comment, StructType schema, List<String> partitionColumns, WriteMode writeMode, List<Check> checks,
        Map<String, String> properties)
{
    public TableSpec
    {
        requireNonNull(name, "name is null");
        requireNonNull(comment, "comment is null");
        requireNonNull(schema, "schema is null");
        partitionColumns = List.copyOf(requireNonNull(partitionColumns, "partitionColumns is null"));
        requireNonNull(writeMode, "writeMode is null");
        checks = List.copyOf(requireNonNull(checks, "checks is null"));
        properties = Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(properties, "properties is null")));
        if (!name.matches("_?[a-z][a-z0-9_]*")) {
            throw new IllegalArgumentException("Invalid table name '" + name + "': use snake_case (a-z, 0-9, _)");
        }
        Set<String> columns = Set.of(schema.fieldNames());
        for (String column : referencedColumns(partitionColumns, writeMode)) {
            if (!columns.contains(column)) {
                throw new IllegalArgumentException("Table " + name + " refers to column " + column + " which is not in its schema " + columns);
            }
        }
        writeMode.misfit(partitionColumns).ifPresent(misfit -> {
            throw new IllegalArgumentException("Table " + name + " " + misfit);
        });
    }

    private static List<String> referencedColumns(List<String> partitionColumns, WriteMode writeMode)
    {
        List<String> referenced = new ArrayList<>(partitionColumns);
        referenced.addAll(writeMode.columns());
        return referenced;
    }

    public static Builder builder(String name)
    {
        return new Builder(name);
    }

    /** The comment of a column, as stored in the Delta schema. */
    public static Optional<String> columnComment(StructField field)
    {
        return field.metadata().contains("comment") ? Optional.of(field.metadata().getString("comment")) : Optional.empty();
    }

    public static final class Builder
    {
        private final String name;
        private String comment = "";
        private final List<StructField> fields = new ArrayList<>();
        private final Set<String> fieldNames = new LinkedHashSet<>();
        private final List<String> partitionColumns = new ArrayList<>();
        private WriteMode writeMode = WriteMode.overwrite();
        private final List<Check> checks = new ArrayList<>();
        private final Map<String, String> properties = new LinkedHashMap<>();

        private Builder(String name)
        {
            this.name = requireNonNull(name, "name is null");
        }

        public Builder comment(String comment)
        {
            this.comment = requireNonNull(comment, "comment is null");
            return this;
        }

        public Builder column(String column, DataType type, String comment)
        {
            requireNonNull(column, "column is null");
            requireNonNull(type, "type is null");
            requireNonNull(comment, "comment is null");
            if (!fieldNames.add(column)) {
                throw new IllegalArgumentException("Column " + column + " is declared twice in table " + name);
            }
            Metadata metadata = new MetadataBuilder().putString("comment", comment).build();
            fields.add(new StructField(column, type, true, metadata));
            return this;
        }

        public Builder partitionedBy(String... columns)
        {
            partitionColumns.addAll(List.of(columns));
            return this;
        }

        public Builder writeMode(WriteMode writeMode)
        {
            this.writeMode = requireNonNull(writeMode, "writeMode is null");
            return this;
        }

        public Builder check(Check... checks)
        {
            this.checks.addAll(List.of(checks));
            return this;
        }

        /** A Delta table property the table is created with (see {@link TableSpec#properties()}). */
        public Builder property(String key, String value)
        {
            requireNonNull(key, "key is null");
            requireNonNull(value, "value is null");
            if (properties.putIfAbsent(key, value) != null) {
                throw new IllegalArgumentException("Property " + key + " is set twice in table " + name);
            }
            return this;
        }

        public TableSpec build()
        {
            return new TableSpec(name, comment, new StructType(fields.toArray(StructField[]::new)), partitionColumns, writeMode, checks,
                    properties);
        }
    }
}
