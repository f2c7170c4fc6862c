package dev.sparkjobs.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import io.delta.kernel.Scan;
import io.delta.kernel.Snapshot;
import io.delta.kernel.Table;
import io.delta.kernel.data.ColumnVector;
import io.delta.kernel.data.ColumnarBatch;
import io.delta.kernel.data.FilteredColumnarBatch;
import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.internal.InternalScanFileUtils;
import io.delta.kernel.internal.data.ScanStateRow;
import io.delta.kernel.internal.util.Utils;
import io.delta.kernel.types.ArrayType;
import io.delta.kernel.types.BinaryType;
import io.delta.kernel.types.BooleanType;
import io.delta.kernel.types.ByteType;
import io.delta.kernel.types.DataType;
import io.delta.kernel.types.DateType;
import io.delta.kernel.types.DecimalType;
import io.delta.kernel.types.DoubleType;
import io.delta.kernel.types.FloatType;
import io.delta.kernel.types.IntegerType;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.MapType;
import io.delta.kernel.types.ShortType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructType;
import io.delta.kernel.types.TimestampNTZType;
import io.delta.kernel.types.TimestampType;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.FileStatus;

/**
 * Reads a Delta table with Delta Kernel (no Spark): the way Trino's and other non-Spark readers
 * open it. Rows come back as canonical text, one string per row, so they can be compared with the
 * same rows read by Spark ({@link #ofSpark}). Maps are written with sorted keys; dates as ISO days;
 * timestamps as UTC instants to the microsecond; decimals without trailing zeros.
 */
public final class DeltaKernelRows
{
    private DeltaKernelRows() {}

    /** Every row of the table's latest snapshot, read by Delta Kernel's default engine. */
    public static List<String> read(String tablePath, Configuration hadoopConf)
    {
        Engine engine = DefaultEngine.create(hadoopConf);
        List<String> rows = new ArrayList<>();
        try {
            Snapshot snapshot = Table.forPath(engine, tablePath).getLatestSnapshot(engine);
            Scan scan = snapshot.getScanBuilder(engine).build();
            io.delta.kernel.data.Row scanState = scan.getScanState(engine);
            StructType physicalSchema = ScanStateRow.getPhysicalDataReadSchema(engine, scanState);
            try (CloseableIterator<FilteredColumnarBatch> scanFiles = scan.getScanFiles(engine)) {
                while (scanFiles.hasNext()) {
                    try (CloseableIterator<io.delta.kernel.data.Row> files = scanFiles.next().getRows()) {
                        while (files.hasNext()) {
                            io.delta.kernel.data.Row file = files.next();
                            FileStatus status = InternalScanFileUtils.getAddFileStatus(file);
                            CloseableIterator<ColumnarBatch> physical = engine.getParquetHandler()
                                    .readParquetFiles(Utils.singletonCloseableIterator(status), physicalSchema, Optional.empty());
                            try (CloseableIterator<FilteredColumnarBatch> logical = Scan.transformPhysicalData(engine, scanState, file, physical)) {
                                while (logical.hasNext()) {
                                    addRows(logical.next(), rows);
                                }
                            }
                        }
                    }
                }
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException("Delta Kernel cannot read " + tablePath + ": " + e.getMessage(), e);
        }
        return rows;
    }

    /** What a reader must support to open a table: its protocol's reader version and reader features. */
    public record ReaderProtocol(int minReaderVersion, List<String> readerFeatures)
    {
        public ReaderProtocol
        {
            readerFeatures = List.copyOf(readerFeatures);
        }
    }

    /** The reader side of the table's protocol at its latest version, as Delta Kernel sees it. */
    public static ReaderProtocol readerProtocol(String tablePath, Configuration hadoopConf)
    {
        Engine engine = DefaultEngine.create(hadoopConf);
        var protocol = ((io.delta.kernel.internal.SnapshotImpl) Table.forPath(engine, tablePath).getLatestSnapshot(engine)).getProtocol();
        return new ReaderProtocol(protocol.getMinReaderVersion(), protocol.getReaderFeatures() == null ? List.of() : protocol.getReaderFeatures());
    }

    /** The same canonical text of every row, from Spark's reading of the table. */
    public static List<String> ofSpark(Dataset<Row> table)
    {
        List<String> rows = new ArrayList<>();
        table.toLocalIterator().forEachRemaining(row -> {
            List<String> cells = new ArrayList<>();
            for (int i = 0; i < row.length(); i++) {
                cells.add(sparkValue(row.get(i)));
            }
            rows.add(String.join(" | ", cells));
        });
        return rows;
    }

    private static void addRows(FilteredColumnarBatch batch, List<String> rows)
    {
        ColumnarBatch data = batch.getData();
        Optional<ColumnVector> selection = batch.getSelectionVector();
        for (int row = 0; row < data.getSize(); row++) {
            if (selection.isPresent() && (selection.get().isNullAt(row) || !selection.get().getBoolean(row))) {
                continue;
            }
            List<String> cells = new ArrayList<>();
            for (int column = 0; column < data.getSchema().length(); column++) {
                cells.add(kernelValue(data.getColumnVector(column), row));
            }
            rows.add(String.join(" | ", cells));
        }
    }

    private static String kernelValue(ColumnVector vector, int row)
    {
        if (vector.isNullAt(row)) {
            return "null";
        }
        DataType type = vector.getDataType();
        if (type instanceof StringType) {
            return vector.getString(row);
        }
        if (type instanceof LongType) {
            return Long.toString(vector.getLong(row));
        }
        if (type instanceof IntegerType) {
            return Integer.toString(vector.getInt(row));
        }
        if (type instanceof ShortType) {
            return Short.toString(vector.getShort(row));
        }
        if (type instanceof ByteType) {
            return Byte.toString(vector.getByte(row));
        }
        if (type instanceof DoubleType) {
            return Double.toString(vector.getDouble(row));
        }
        if (type instanceof FloatType) {
            return Float.toString(vector.getFloat(row));
        }
        if (type instanceof BooleanType) {
            return Boolean.toString(vector.getBoolean(row));
        }
        if (type instanceof DecimalType) {
            return decimal(vector.getDecimal(row));
        }
        if (type instanceof DateType) {
            return LocalDate.ofEpochDay(vector.getInt(row)).toString();
        }
        if (type instanceof TimestampType || type instanceof TimestampNTZType) {
            return Instant.EPOCH.plus(vector.getLong(row), ChronoUnit.MICROS).toString();
        }
        if (type instanceof BinaryType) {
            return java.util.HexFormat.of().formatHex(vector.getBinary(row));
        }
        if (type instanceof ArrayType) {
            var array = vector.getArray(row);
            List<String> elements = new ArrayList<>();
            for (int i = 0; i < array.getSize(); i++) {
                elements.add(kernelValue(array.getElements(), i));
            }
            return "[" + String.join(", ", elements) + "]";
        }
        if (type instanceof MapType) {
            var map = vector.getMap(row);
            Map<String, String> sorted = new TreeMap<>();
            for (int i = 0; i < map.getSize(); i++) {
                sorted.put(kernelValue(map.getKeys(), i), kernelValue(map.getValues(), i));
            }
            return sorted.toString();
        }
        if (type instanceof StructType struct) {
            List<String> fields = new ArrayList<>();
            for (int i = 0; i < struct.length(); i++) {
                fields.add(kernelValue(vector.getChild(i), row));
            }
            return "(" + String.join(", ", fields) + ")";
        }
        throw new IllegalArgumentException("No canonical text for Delta type " + type);
    }

    private static String sparkValue(Object value)
    {
        if (value == null) {
            return "null";
        }
        if (value instanceof BigDecimal decimal) {
            return decimal(decimal);
        }
        if (value instanceof Date date) {
            return date.toLocalDate().toString();
        }
        if (value instanceof Timestamp timestamp) {
            return timestamp.toInstant().toString();
        }
        if (value instanceof java.time.LocalDateTime local) {
            return local.toInstant(java.time.ZoneOffset.UTC).toString();
        }
        if (value instanceof byte[] bytes) {
            return java.util.HexFormat.of().formatHex(bytes);
        }
        if (value instanceof scala.collection.Seq<?> seq) {
            List<String> elements = new ArrayList<>();
            scala.collection.JavaConverters.seqAsJavaList(seq).forEach(element -> elements.add(sparkValue(element)));
            return "[" + String.join(", ", elements) + "]";
        }
        if (value instanceof scala.collection.Map<?, ?> map) {
            Map<String, String> sorted = new TreeMap<>();
            scala.collection.JavaConverters.mapAsJavaMap(map).forEach((key, entry) -> sorted.put(sparkValue(key), sparkValue(entry)));
            return sorted.toString();
        }
        if (value instanceof Row struct) {
            List<String> fields = new ArrayList<>();
            for (int i = 0; i < struct.length(); i++) {
                fields.add(sparkValue(struct.get(i)));
            }
            return "(" + String.join(", ", fields) + ")";
        }
        return value.toString();
    }

    private static String decimal(BigDecimal decimal)
    {
        return decimal.signum() == 0 ? "0" : decimal.stripTrailingZeros().toPlainString();
    }
}
