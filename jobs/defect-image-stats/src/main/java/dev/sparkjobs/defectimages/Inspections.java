package dev.sparkjobs.defectimages;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.min_by;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

import dev.sparkjobs.api.InputFormat;
import dev.sparkjobs.api.JobContext;
import dev.sparkjobs.errors.Errors;

/** The inspection rows (one per image), read from CSV, JSON Lines or Parquet and validated. */
final class Inspections
{
    static final String INPUT = "inspections";
    static final String KEY = "input." + INPUT;
    static final List<String> COLUMNS = List.of("image_id", "captured_at", "line_id", "process_step", "lot_id", "camera_id", "label", "defect_type");

    private Inspections() {}

    /**
     * image_id, capture_date, line_id, process_step, lot_id, camera_id, label, defect_type with
     * their declared types; a row whose captured_at is not a timestamp fails the run (nothing is
     * published), as do rows in the run's scope with a bad step or label, and image_ids with more than one row of
     * which one is in the run's scope.
     */
    static Dataset<Row> read(JobContext context, int maxStep)
    {
        Dataset<Row> raw = context.readInput(INPUT, InputFormat.AUTO);
        Set<String> present = Set.of(raw.columns());
        List<String> missing = COLUMNS.stream().filter(column -> !present.contains(column)).toList();
        if (!missing.isEmpty()) {
            throw Errors.missingInputColumns(KEY, context.inputFiles(INPUT).get(0), missing,
                    "an inspection row has " + String.join(", ", COLUMNS));
        }
        Dataset<Row> typed = raw.select(
                trim(col("image_id").cast(DataTypes.StringType)).as("image_id"),
                col("captured_at").cast(DataTypes.StringType).as("captured_at_text"),
                to_date(col("captured_at").cast(DataTypes.TimestampType)).as("capture_date"),
                col("line_id").cast(DataTypes.StringType).as("line_id"),
                col("process_step").cast(DataTypes.StringType).as("process_step_text"),
                col("process_step").cast(DataTypes.IntegerType).as("process_step"),
                col("lot_id").cast(DataTypes.StringType).as("lot_id"),
                col("camera_id").cast(DataTypes.StringType).as("camera_id"),
                lower(trim(col("label").cast(DataTypes.StringType))).as("label"),
                col("defect_type").cast(DataTypes.StringType).as("defect_type"));
        Column inScope = context.scope().isAll() ? lit(true) : col("capture_date").equalTo(lit(java.sql.Date.valueOf(context.logicalDate())));
        List<String> problems = new ArrayList<>();
        Column badId = col("image_id").isNull().or(col("image_id").equalTo(""));
        Column badTime = col("capture_date").isNull();
        Column badStep = inScope.and(col("process_step").isNull().or(col("process_step").lt(1)).or(col("process_step").gt(maxStep)));
        Column badLabel = inScope.and(col("label").isNull().or(col("label").isin(Labels.OK, Labels.DEFECT).unary_$bang()));
        Row counts = typed.agg(
                count(badId), count(badTime), min_by(col("captured_at_text"), when(badTime, col("image_id"))), min_by(col("image_id"), when(badTime, col("image_id"))),
                count(badStep), min_by(col("process_step_text"), when(badStep, col("image_id"))), min_by(col("image_id"), when(badStep, col("image_id"))),
                count(badLabel), min_by(col("label"), when(badLabel, col("image_id"))), min_by(col("image_id"), when(badLabel, col("image_id"))))
                .first();
        if (counts.getLong(0) > 0) {
            problems.add(counts.getLong(0) + " row(s) without an image_id: every inspection row names the image it describes");
        }
        if (counts.getLong(1) > 0) {
            problems.add(counts.getLong(1) + " row(s) whose captured_at is not a timestamp, e.g. image_id " + counts.getString(3) + " has '"
                    + counts.getString(2) + "': write it as YYYY-MM-DD HH:MM:SS or an ISO-8601 timestamp");
        }
        if (counts.getLong(4) > 0) {
            problems.add(counts.getLong(4) + " row(s) whose process_step is not a number in 1.." + maxStep + ", e.g. image_id "
                    + counts.getString(6) + " has '" + counts.getString(5) + "': fix the rows or raise process.max-step");
        }
        if (counts.getLong(7) > 0) {
            problems.add(counts.getLong(7) + " row(s) whose label is not ok or defect, e.g. image_id " + counts.getString(9) + " has '"
                    + counts.getString(8) + "'");
        }
        // an image with two rows would be joined, decoded and counted twice (on two days, when their dates differ)
        Row duplicates = typed.filter(badId.unary_$bang())
                .groupBy("image_id")
                .agg(functions.count(lit(1)).as("rows"), functions.max(when(inScope, 1).otherwise(0)).as("in_scope"))
                .filter(col("rows").gt(1).and(col("in_scope").equalTo(1)))
                .agg(count(lit(true)), min_by(col("image_id"), col("image_id")), min_by(col("rows"), col("image_id")))
                .first();
        if (duplicates.getLong(0) > 0) {
            problems.add(duplicates.getLong(0) + " image_id(s) with more than one inspection row, e.g. image_id " + duplicates.getString(1) + " has "
                    + duplicates.getLong(2) + " rows: an image is inspected once, so its statistics would count it once per row;"
                    + " keep one row per image_id (a file exported twice?)");
        }
        if (!problems.isEmpty()) {
            throw Errors.checksFailed(context.jobName(), "  - " + KEY + " at " + context.inputLocation(INPUT) + ": "
                    + String.join("\n  - " + KEY + ": ", problems));
        }
        return typed.drop("captured_at_text", "process_step_text");
    }

    private static Column count(Column condition)
    {
        return coalesce(sum(when(condition, 1L).otherwise(0L)), lit(0L));
    }
}
