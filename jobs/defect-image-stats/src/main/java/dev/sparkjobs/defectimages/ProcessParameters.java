package dev.sparkjobs.defectimages;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.trim;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

import dev.sparkjobs.api.InputFormat;
import dev.sparkjobs.api.JobContext;
import dev.sparkjobs.errors.Errors;

/** Process parameters in long form (lot_id, process_step, measured_at, parameter, value), when input.process is set. */
final class ProcessParameters
{
    static final String INPUT = "process";
    static final List<String> COLUMNS = List.of("lot_id", "process_step", "measured_at", "parameter", "value");

    private ProcessParameters() {}

    /** lot_id, process_step, parameter, value of the rows with a lot, step, parameter and numeric value. */
    static Optional<Dataset<Row>> read(JobContext context)
    {
        if (context.optionalInputLocation(INPUT).isEmpty()) {
            return Optional.empty();
        }
        Dataset<Row> raw = context.readInput(INPUT, InputFormat.AUTO);
        Set<String> present = Set.of(raw.columns());
        List<String> missing = COLUMNS.stream().filter(column -> !present.contains(column)).toList();
        if (!missing.isEmpty()) {
            throw Errors.missingInputColumns("input." + INPUT, context.inputFiles(INPUT).get(0), missing,
                    "process parameters in long form have " + String.join(", ", COLUMNS));
        }
        return Optional.of(raw.select(
                        trim(col("lot_id").cast(DataTypes.StringType)).as("lot_id"),
                        col("process_step").cast(DataTypes.IntegerType).as("process_step"),
                        trim(col("parameter").cast(DataTypes.StringType)).as("parameter"),
                        col("value").cast(DataTypes.DoubleType).as("value"))
                .na().drop());
    }
}
