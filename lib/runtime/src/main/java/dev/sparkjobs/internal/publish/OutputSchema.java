package dev.sparkjobs.internal.publish;

import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;

import dev.sparkjobs.api.TableSpec;
import dev.sparkjobs.errors.Errors;

/** A job's result for a table, checked against the declared schema and put in its column order. */
public final class OutputSchema
{
    private OutputSchema() {}

    public static Dataset<Row> align(String job, TableSpec spec, Dataset<Row> result)
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
        return result.select(columns.toArray(Column[]::new));
    }
}
