package dev.sparkjobs.costanalysis;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.input_file_name;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.transform_values;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.trunc;
import static org.apache.spark.sql.functions.when;

import java.io.EOFException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.zip.DataFormatException;
import java.util.zip.ZipException;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructType;

import dev.sparkjobs.api.InputFile;
import dev.sparkjobs.api.JobContext;
import dev.sparkjobs.errors.Errors;
import dev.sparkjobs.errors.SparkJobsException;

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
    private static final String CUR_PERIOD_START = "bill_billing_period_start_date";
    private static final String CUR_USAGE_START = "line_item_usage_start_date";
    private static final String NOT_FINITE = "number out of range";
    static final MapType STRING_MAP = DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType);
    /**
     * Spark reads a Parquet scan column by column (vectorized) only when every column it reads is
     * supported; with this off (Spark's default), one map column (CUR resource_tags) turns the whole
     * scan into parquet-mr's row-by-row reader.
     */
    static final String NESTED_VECTORIZED_READER = "spark.sql.parquet.enableNestedColumnVectorizedReader";

    /** The typed rows of the input, the columns at least one file had, and its files. */
    record SourceRows(BillingFormat format, Dataset<Row> rows, Set<String> presentColumns, List<BillingFile> files) {}

    private BillingReader() {}

    /**
     * Reads the given files of the input with the values of the tag keys the normaliser uses extracted from the
     * format's tag column into {@link #TAG_VALUES}: a lookup in a Parquet map, or a JSON parse with
     * a schema of just those keys for CSV, so that a plan that needs only these values never builds
     * the full map.
     */
    static SourceRows read(JobContext context, CostAnalysisSettings settings, List<InputFile> inputFiles)
    {
        SparkSession spark = context.spark();
        enableNestedVectorizedReader(spark);
        BillingFileInspector inspector = new BillingFileInspector(spark.sparkContext().hadoopConfiguration(), INPUT_KEY);
        List<BillingFile> files = inputFiles.stream().map(InputFile::path).map(inspector::inspect).toList();
        BillingFormat format = formatOf(files, settings.billingFormat());
        for (BillingFile file : files) {
            List<String> missing = format.missingRequiredColumns(file.columns());
            if (!missing.isEmpty()) {
                throw Errors.missingInputColumns(INPUT_KEY, file.path(), missing, format.expectation());
            }
        }
        checkSomeFileHasRows(files, context.inputLocation(INPUT));
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
        return new SourceRows(format, rows, Set.copyOf(present), List.copyOf(files));
    }

    /**
     * An input whose files hold column names but no row is an export cut short or not yet written:
     * publishing it would empty the billing period, so the run stops instead. (An input with rows
     * for other periods only does empty the run's period: that is how a period's rows are withdrawn.)
     */
    private static void checkSomeFileHasRows(List<BillingFile> files, String location)
    {
        if (files.stream().anyMatch(BillingFile::hasRows)) {
            return;
        }
        String problem = files.size() == 1
                ? files.get(0).path() + " holds column names but no rows"
                : "none of the " + files.size() + " files of " + location + " holds a row, only column names (e.g. " + files.get(0).path() + ")";
        throw Errors.invalidInput(INPUT_KEY, problem, "The export is incomplete or still being written: wait for it to complete or export it again, "
                + "then re-run. The published tables were left as they were.");
    }

    /**
     * The error for a failed read of the billing rows when a compressed CSV file of the input is
     * damaged (a .csv.gz cut short): the cause is an end of stream or a decompression failure, and
     * as Spark does not name the file of a failed CSV read, it is the first compressed CSV file that
     * does not decompress to its end. Empty for any other failure, or when no such file is found.
     */
    static Optional<SparkJobsException> damagedFile(Throwable failure, SourceRows source, Configuration hadoop)
    {
        boolean damaged = false;
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            damaged |= cause instanceof EOFException || cause instanceof ZipException || cause instanceof DataFormatException;
        }
        if (!damaged) {
            return Optional.empty();
        }
        return new BillingFileInspector(hadoop, INPUT_KEY).firstUndecompressable(source.files())
                .map(path -> Errors.invalidInput(INPUT_KEY, "the rows of " + path + " cannot be read (" + Errors.rootMessage(failure)
                        + "): the file is damaged", "A download or copy cut short leaves such a file: copy it again from the billing export, "
                        + "or move it out of the input prefix."));
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
        Map<String, Column> values = new LinkedHashMap<>();
        for (SourceColumn column : format.columns()) {
            if (!names.contains(column.name())) {
                columns.add(lit(null).cast(targetType(column.kind())).as(column.name()));
                continue;
            }
            ParsedValue parsed = parse(column, col(column.name()), schema.apply(column.name()).dataType());
            columns.add(parsed.value().as(column.name()));
            values.put(column.name(), parsed.value());
            problems.add(when(parsed.unparseable(), problem(parsed.problem(), column.name(), parsed.text())));
            if (column.isRequired()) {
                problems.add(when(parsed.value().isNull(), problem(lit("missing value"), column.name(), lit(null).cast(DataTypes.StringType))));
            }
        }
        if (format == BillingFormat.CUR2 && values.containsKey(CUR_PERIOD_START) && values.containsKey(CUR_USAGE_START)) {
            // CUR bills each line item in the month of its usage; FOCUS is exempt: corrections and providers' own
            // time zones put genuine charges outside their billing period (the FOCUS sample has one).
            Column month = trunc(to_date(values.get(CUR_PERIOD_START)), "month");
            Column outside = trunc(to_date(values.get(CUR_USAGE_START)), "month").notEqual(month);
            problems.add(when(outside, problem(lit("date outside the billing period"), CUR_USAGE_START, col(CUR_USAGE_START).cast(DataTypes.StringType))));
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

    private static Column problem(Column reason, String column, Column text)
    {
        return struct(reason.as("reason"), lit(column).as("column_name"), text.as("raw_value"));
    }

    /** False for NaN and the infinities (NaN is above every value in Spark SQL, so not below infinity). */
    private static Column isFinite(Column value)
    {
        return abs(value).lt(lit(Double.POSITIVE_INFINITY));
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
    private record ParsedValue(Column value, Column unparseable, Column problem, Column text) {}

    private static ParsedValue parse(SourceColumn column, Column source, DataType type)
    {
        Column never = lit(false);
        if (column.kind() == SourceColumn.Kind.MAP) {
            if (type instanceof MapType map) {
                Column value = map.valueType().equals(DataTypes.StringType) ? source : transform_values(source, (key, v) -> v.cast(DataTypes.StringType));
                return new ParsedValue(value, never, lit(null), lit(null));
            }
            // Tags that are not a JSON object are kept as no tags rather than rejecting the row's cost.
            return new ParsedValue(from_json(source.cast(DataTypes.StringType), STRING_MAP), never, lit(null), lit(null));
        }
        if (!type.equals(DataTypes.StringType)) {
            Column value = source.cast(targetType(column.kind()));
            if (column.kind() == SourceColumn.Kind.NUMBER) {
                return new ParsedValue(when(isFinite(value), value), value.isNotNull().and(not(isFinite(value))), lit(NOT_FINITE),
                        source.cast(DataTypes.StringType));
            }
            return new ParsedValue(value, never, lit(null), lit(null));
        }
        Column text = trim(source);
        Column blank = text.isNull().or(text.equalTo(lit("")));
        return switch (column.kind()) {
            case TEXT -> new ParsedValue(when(blank, lit(null)).otherwise(source), never, lit(null), lit(null));
            case NUMBER -> {
                // Text such as 1e309, Infinity or NaN casts to a double that no sum survives: a reject of its own.
                Column value = text.cast(DataTypes.DoubleType);
                Column notFinite = value.isNotNull().and(not(isFinite(value)));
                yield new ParsedValue(when(isFinite(value), value), blank.unary_$bang().and(value.isNull().or(notFinite)),
                        when(notFinite, lit(NOT_FINITE)).otherwise(lit("bad number")), text);
            }
            case TIMESTAMP -> {
                Column value = text.cast(DataTypes.TimestampType);
                yield new ParsedValue(value, blank.unary_$bang().and(value.isNull()), lit("bad date"), text);
            }
            case MAP -> throw new IllegalStateException("handled above");
        };
    }
}
