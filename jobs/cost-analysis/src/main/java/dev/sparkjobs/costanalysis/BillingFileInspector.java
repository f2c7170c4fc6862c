package dev.sparkjobs.costanalysis;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.schema.Type;

import dev.sparkjobs.errors.Errors;

/**
 * Reads the column names of each billing file without reading its data: the header line of a
 * CSV (plain or compressed) and whether a line follows it, the footer of a Parquet file. Runs on
 * the driver, one small read per file, so that a file of the wrong shape can be named in the error.
 */
final class BillingFileInspector
{
    private final Configuration hadoop;
    private final String key;

    BillingFileInspector(Configuration hadoop, String key)
    {
        this.hadoop = hadoop;
        this.key = key;
    }

    BillingFile inspect(String file)
    {
        String name = file.toLowerCase(Locale.ROOT);
        BillingFile inspected;
        try {
            if (name.endsWith(".parquet")) {
                inspected = parquetFile(file);
            }
            else if (name.endsWith(".csv") || name.endsWith(".csv.gz") || name.endsWith(".csv.bz2")) {
                inspected = csvFile(file);
            }
            else {
                throw Errors.invalidInput(key, "cannot tell the format of " + file + " from its name",
                        "Billing exports are read from files ending in .parquet, .csv, .csv.gz or .csv.bz2; move other files out of the input prefix.");
            }
        }
        catch (IOException e) {
            throw Errors.invalidInput(key, "cannot read the columns of " + file + " (" + Errors.rootMessage(e) + ")",
                    "Check that the file is a complete Parquet or CSV file and readable with the configured credentials.");
        }
        checkDistinctColumns(inspected);
        return inspected;
    }

    private BillingFile parquetFile(String file)
            throws IOException
    {
        try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(new Path(file), hadoop))) {
            List<String> columns = reader.getFooter().getFileMetaData().getSchema().getFields().stream().map(Type::getName).toList();
            return new BillingFile(file, BillingFile.FileFormat.PARQUET, columns, reader.getRecordCount() > 0);
        }
        catch (RuntimeException e) { // parquet-mr reports a missing or damaged footer as a RuntimeException
            throw Errors.invalidInput(key, file + " is not a complete Parquet file: its footer cannot be read (" + Errors.rootMessage(e) + ")",
                    "An export or copy cut short leaves such a file: copy it again from the billing export, or move it out of the input prefix.");
        }
    }

    private BillingFile csvFile(String file)
            throws IOException
    {
        Path path = new Path(file);
        FileSystem fileSystem = path.getFileSystem(hadoop);
        CompressionCodec codec = new CompressionCodecFactory(hadoop).getCodec(path);
        try (InputStream raw = fileSystem.open(path);
                InputStream in = codec == null ? raw : codec.createInputStream(raw);
                BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String header = reader.readLine();
            if (header == null) {
                return new BillingFile(file, BillingFile.FileFormat.CSV, List.of(), false);
            }
            if (header.startsWith("\uFEFF")) {
                header = header.substring(1);
            }
            return new BillingFile(file, BillingFile.FileFormat.CSV, splitHeader(header), reader.readLine() != null);
        }
    }

    /**
     * The first compressed CSV file that does not decompress to its end, read on the driver and
     * discarded: only after a read of the rows failed with a damaged stream, to name the file.
     */
    Optional<String> firstUndecompressable(List<BillingFile> files)
    {
        CompressionCodecFactory codecs = new CompressionCodecFactory(hadoop);
        byte[] buffer = new byte[1 << 16];
        for (BillingFile file : files) {
            Path path = new Path(file.path());
            CompressionCodec codec = codecs.getCodec(path);
            if (file.fileFormat() != BillingFile.FileFormat.CSV || codec == null) {
                continue;
            }
            try (InputStream in = codec.createInputStream(path.getFileSystem(hadoop).open(path))) {
                while (in.read(buffer) >= 0) {
                    // discarded: only whether the stream ends cleanly matters
                }
            }
            catch (IOException e) {
                return Optional.of(file.path());
            }
        }
        return Optional.empty();
    }

    /** Spark resolves columns ignoring case, so two names that differ only in case are the same column to it. */
    private void checkDistinctColumns(BillingFile file)
    {
        Map<String, Integer> positions = new HashMap<>();
        List<String> columns = file.columns();
        for (int i = 0; i < columns.size(); i++) {
            Integer first = positions.putIfAbsent(columns.get(i).toLowerCase(Locale.ROOT), i);
            if (first != null) {
                String names = columns.get(first).equals(columns.get(i))
                        ? columns.get(i)
                        : columns.get(first) + " and " + columns.get(i) + " (names are compared ignoring case)";
                throw Errors.invalidInput(key, "columns " + (first + 1) + " and " + (i + 1) + " of " + file.path() + " have the same name, " + names,
                        "Spark cannot tell which one to read: remove or rename the duplicate in the file (or export it again), "
                                + "or move the file out of the input prefix.");
            }
        }
    }

    /** Splits a CSV header line (RFC 4180 quoting with doubled quotes). */
    static List<String> splitHeader(String line)
    {
        List<String> columns = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    current.append('"');
                    i++;
                }
                else if (c == '"') {
                    quoted = false;
                }
                else {
                    current.append(c);
                }
            }
            else if (c == '"') {
                quoted = true;
            }
            else if (c == ',') {
                columns.add(current.toString().trim());
                current.setLength(0);
            }
            else {
                current.append(c);
            }
        }
        columns.add(current.toString().trim());
        return columns;
    }
}
