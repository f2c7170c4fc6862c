package dev.sparkjobs.costanalysis;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.input_file_name;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.transform_values;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructType;

import dev.sparkjobs.api.JobContext;
import dev.sparkjobs.errors.Errors;

/**
 * Reads the billing input: finds each file's format (CUR 2.0 or FOCUS) from its columns, checks
 * the required columns file by file, and reads every group of files with the same columns into
 * one frame of typed values. A value that does not parse (a bad number or date) or a missing
 * required value marks its row with a reject reason instead of failing the run.
 */
final class BillingReader
{
    static final String INPUT = "billing";
    static final String INPUT_KEY = "input." + INPUT;
    static final String SOURCE_FILE = "_source_file";
    static final String REJECT = "_reject";
    /** A struct with one string field per tag key the job looks up (owner, environment, cluster...). */
    static final String TAG_VALUES = "_tag_values";
    static final MapType STRING_MAP = DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType);
    /**
     * Spark reads a Parquet scan column by column (vectorized) only when every column it reads is
     * supported; with this off (Spark's default), one map column (CUR resource_tags) turns the whole
     * scan into parquet-mr's row-by-row reader.
     */
    static final String NESTED_VECTORIZED_READER = "spark.sql.parquet.enableNestedColumnVectorizedReader";

    /** The typed rows of the input and the columns at least one file had. */
    record SourceRows(BillingFormat format, Dataset<Row> rows, Set<String> presentColumns) {}

    private BillingReader() {}

    /**
     * Reads the input with the values of the tag keys the normaliser uses extracted from the
     * format's tag column into {@link #TAG_VALUES}: a lookup in a Parquet map, or a JSON parse with
     * a schema of just those keys for CSV, so that a plan that needs only these values never builds
     * the full map.
     */
    static SourceRows read(JobContext context, CostAnalysisSettings settings)
    {
        SparkSession spark = context.spark();
        enableNestedVectorizedReader(spark);
        BillingFileInspector inspector = new BillingFileInspector(spark.sparkContext().hadoopConfiguration(), INPUT_KEY);
        List<BillingFile> files = context.inputFiles(INPUT).stream().map(inspector::inspect).toList();
        BillingFormat format = formatOf(files, settings.billingFormat());
        for (BillingFile file : files) {
            List<String> missing = format.missingRequiredColumns(file.columns());
            if (!missing.isEmpty()) {
                throw Errors.missingInputColumns(INPUT_KEY, file.path(), missing, format.expectation());
            }
        }
        List<String> tagKeys = format == BillingFormat.CUR2 ? CurNormaliser.tagKeys(settings) : FocusNormaliser.tagKeys(settings);
        Map<List<Object>, List<BillingFile>> groups = new LinkedHashMap<>();
        Set<String> present = new LinkedHashSet<>();
        for (BillingFile file : files) {
            groups.computeIfAbsent(List.of(file.fileFormat(), file.columns()), ignored -> new ArrayList<>()).add(file);
            present.addAll(file.columns());
        }
        Dataset<Row> rows = null;
        for (List<BillingFile> group : groups.values()) {
            Dataset<Row> typed = typed(format, readGroup(spark, group), tagKeys);
            rows = rows == null ? typed : rows.unionByName(typed);
        }
        return new SourceRows(format, rows, Set.copyOf(present));
    }

    /** Turns the vectorized Parquet reader on for map columns too, unless the session's configuration set it explicitly. */
    static void enableNestedVectorizedReader(SparkSession spark)
    {
        if (!spark.conf().contains(NESTED_VECTORIZED_READER)) {
            spark.conf().set(NESTED_VECTORIZED_READER, "true");
        }
    }

    /** The one format of all files: detected from their columns, or the configured one. */
    private static BillingFormat formatOf(List<BillingFile> files, String configured)
    {
        Optional<BillingFormat> forced = BillingFormat.fromConfig(configured);
        if (forced.isPresent()) {
            return forced.get();
        }
        Map<BillingFormat, String> examples = new LinkedHashMap<>();
        Map<String, java.util.Collection<String>> columnsByFormat = new LinkedHashMap<>();
        for (BillingFormat format : BillingFormat.values()) {
            columnsByFormat.put(format.displayName(), format.requiredColumns());
        }
        for (BillingFile file : files) {
            BillingFormat format = BillingFormat.recognise(file.columns())
                    .orElseThrow(() -> Errors.unrecognisedInputFile(INPUT_KEY, file.path(), columnsByFormat, abbreviated(file.columns())));
            examples.putIfAbsent(format, file.path());
        }
        if (examples.size() > 1) {
            Map<String, String> exampleFiles = new LinkedHashMap<>();
            examples.forEach((format, file) -> exampleFiles.put(format.displayName(), file));
            throw Errors.mixedInputFileFormats(INPUT_KEY, exampleFiles, columnsByFormat);
        }
        return examples.keySet().iterator().next();
    }

    private static String abbreviated(List<String> columns)
    {
        if (columns.size() <= 8) {
            return columns.isEmpty() ? "no columns" : String.join(", ", columns);
        }
        return String.join(", ", columns.subList(0, 8)) + " and " + (columns.size() - 8) + " more";
    }

    private static Dataset<Row> readGroup(SparkSession spark, List<BillingFile> group)
    {
        String[] paths = group.stream().map(BillingFile::path).toArray(String[]::new);
        if (group.get(0).fileFormat() == BillingFile.FileFormat.PARQUET) {
            return spark.read().parquet(paths);
        }
        StructType allText = new StructType();
        for (String column : group.get(0).columns()) {
            allText = allText.add(column, DataTypes.StringType);
        }
        // RFC 4180 quoting: JSON tag objects arrive as "{""team"": ""search""}".
        return spark.read().schema(allText).option("header", "true").option("escape", "\"").option("nullValue", "NULL")
                .option("mode", "PERMISSIVE").csv(paths);
    }

    /** Every column of the format, typed; absent optional columns as nulls; plus the source file and a reject reason. */
    private static Dataset<Row> typed(BillingFormat format, Dataset<Row> raw, List<String> tagKeys)
    {
        StructType schema = raw.schema();
        Set<String> names = Set.of(schema.fieldNames());
        List<Column> columns = new ArrayList<>();
        List<Column> problems = new ArrayList<>();
        for (SourceColumn column : format.columns()) {
            if (!names.contains(column.name())) {
                columns.add(lit(null).cast(targetType(column.kind())).as(column.name()));
                continue;
            }
            ParsedValue parsed = parse(column, col(column.name()), schema.apply(column.name()).dataType());
            columns.add(parsed.value().as(column.name()));
            problems.add(when(parsed.unparseable(), problem(parsed.problem(), column.name(), parsed.text())));
            if (column.isRequired()) {
                problems.add(when(parsed.value().isNull(), problem("missing value", column.name(), lit(null).cast(DataTypes.StringType))));
            }
        }
        columns.add(tagValues(format, schema, tagKeys).as(TAG_VALUES));
        columns.add(input_file_name().as(SOURCE_FILE));
        columns.add((problems.isEmpty() ? lit(null).cast(rejectType()) : coalesce(problems.toArray(Column[]::new))).as(REJECT));
        return raw.select(columns.toArray(Column[]::new));
    }

    private static Column tagValues(BillingFormat format, StructType schema, List<String> tagKeys)
    {
        StructType valuesType = new StructType();
        for (String key : new LinkedHashSet<>(tagKeys)) {
            valuesType = valuesType.add(key, DataTypes.StringType);
        }
        String tagColumn = format.tagColumn();
        if (!Set.of(schema.fieldNames()).contains(tagColumn)) {
            return lit(null).cast(valuesType);
        }
        Column source = col(tagColumn);
        if (schema.apply(tagColumn).dataType() instanceof MapType map) {
            List<Column> fields = new ArrayList<>();
            for (String key : valuesType.fieldNames()) {
                Column value = source.getItem(key);
                fields.add((map.valueType().equals(DataTypes.StringType) ? value : value.cast(DataTypes.StringType)).as(key));
            }
            return struct(fields.toArray(Column[]::new));
        }
        // Same outcome as looking the keys up in the full map: text that is not a JSON object gives no values.
        return from_json(source.cast(DataTypes.StringType), valuesType);
    }

    private static Column problem(String reason, String column, Column text)
    {
        return struct(lit(reason).as("reason"), lit(column).as("column_name"), text.as("raw_value"));
    }

    private static DataType rejectType()
    {
        return new StructType().add("reason", DataTypes.StringType).add("column_name", DataTypes.StringType).add("raw_value", DataTypes.StringType);
    }

    static DataType targetType(SourceColumn.Kind kind)
    {
        return switch (kind) {
            case TEXT -> DataTypes.StringType;
            case NUMBER -> DataTypes.DoubleType;
            case TIMESTAMP -> DataTypes.TimestampType;
            case MAP -> STRING_MAP;
        };
    }

    /** A typed value, whether its non-empty source text failed to parse, and that text. */
    private record ParsedValue(Column value, Column unparseable, String problem, Column text) {}

    private static ParsedValue parse(SourceColumn column, Column source, DataType type)
    {
        Column never = lit(false);
        if (column.kind() == SourceColumn.Kind.MAP) {
            if (type instanceof MapType map) {
                Column value = map.valueType().equals(DataTypes.StringType) ? source : transform_values(source, (key, v) -> v.cast(DataTypes.StringType));
                return new ParsedValue(value, never, "", lit(null));
            }
            // Tags that are not a JSON object are kept as no tags rather than rejecting the row's cost.
            return new ParsedValue(from_json(source.cast(DataTypes.StringType), STRING_MAP), never, "", lit(null));
        }
        if (!type.equals(DataTypes.StringType)) {
            return new ParsedValue(source.cast(targetType(column.kind())), never, "", lit(null));
        }
        Column text = trim(source);
        Column blank = text.isNull().or(text.equalTo(lit("")));
        return switch (column.kind()) {
            case TEXT -> new ParsedValue(when(blank, lit(null)).otherwise(source), never, "", lit(null));
            case NUMBER -> {
                Column value = text.cast(DataTypes.DoubleType);
                yield new ParsedValue(value, blank.unary_$bang().and(value.isNull()), "bad number", text);
            }
            case TIMESTAMP -> {
                Column value = text.cast(DataTypes.TimestampType);
                yield new ParsedValue(value, blank.unary_$bang().and(value.isNull()), "bad date", text);
            }
            case MAP -> throw new IllegalStateException("handled above");
        };
    }
}
