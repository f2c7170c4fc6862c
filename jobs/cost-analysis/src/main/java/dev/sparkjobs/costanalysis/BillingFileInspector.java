package dev.sparkjobs.costanalysis;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

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
 * CSV (plain or compressed), the footer of a Parquet file. Runs on the driver, one small read per
 * file, so that a file of the wrong shape can be named in the error.
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
        try {
            if (name.endsWith(".parquet")) {
                return new BillingFile(file, BillingFile.FileFormat.PARQUET, parquetColumns(file));
            }
            if (name.endsWith(".csv") || name.endsWith(".csv.gz") || name.endsWith(".csv.bz2")) {
                return new BillingFile(file, BillingFile.FileFormat.CSV, csvHeader(file));
            }
        }
        catch (IOException e) {
            throw Errors.invalidInput(key, "cannot read the columns of " + file + " (" + Errors.rootMessage(e) + ")",
                    "Check that the file is a complete Parquet or CSV file and readable with the configured credentials.");
        }
        throw Errors.invalidInput(key, "cannot tell the format of " + file + " from its name",
                "Billing exports are read from files ending in .parquet, .csv, .csv.gz or .csv.bz2; move other files out of the input prefix.");
    }

    private List<String> parquetColumns(String file)
            throws IOException
    {
        try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(new Path(file), hadoop))) {
            return reader.getFooter().getFileMetaData().getSchema().getFields().stream().map(Type::getName).toList();
        }
    }

    private List<String> csvHeader(String file)
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
                return List.of();
            }
            if (header.startsWith("\uFEFF")) {
                header = header.substring(1);
            }
            return splitHeader(header);
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
