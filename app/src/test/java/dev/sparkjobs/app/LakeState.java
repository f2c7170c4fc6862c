package dev.sparkjobs.app;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The rows of a job's output tables on a lake, as read by Spark at each table's current version:
 * per table its rows as JSON, sorted, so that two states are equal exactly when every table holds
 * the same multiset of rows.
 */
record LakeState(Map<String, List<String>> tables)
{
    /**
     * Columns that name the run that wrote the row, so they differ between any two runs of the same
     * input: left out of every comparison (and nothing else is).
     */
    static final Map<String, String> RUN_SPECIFIC_COLUMNS = Map.of("ann_quality", "run_id");

    LakeState
    {
        tables = Map.copyOf(requireNonNull(tables, "tables is null"));
    }

    static LakeState read(SparkSession spark, String lake, List<String> tables)
    {
        Map<String, List<String>> rows = new LinkedHashMap<>();
        for (String table : tables) {
            Dataset<Row> data = spark.read().format("delta").load(lake + "/" + table);
            if (RUN_SPECIFIC_COLUMNS.containsKey(table)) {
                data = data.drop(RUN_SPECIFIC_COLUMNS.get(table));
            }
            rows.put(table, data.toJSON().collectAsList().stream().sorted().toList());
        }
        return new LakeState(rows);
    }

    List<String> rows(String table)
    {
        List<String> rows = tables.get(table);
        if (rows == null) {
            throw new IllegalArgumentException("No table " + table + " in this state; it has " + tables.keySet());
        }
        return rows;
    }

    /** The tables whose rows differ from {@code other}'s. */
    List<String> tablesDifferingFrom(LakeState other)
    {
        return tables.keySet().stream().filter(table -> !rows(table).equals(other.rows(table))).sorted().toList();
    }
}
