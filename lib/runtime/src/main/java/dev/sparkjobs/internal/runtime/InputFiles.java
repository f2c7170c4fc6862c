package dev.sparkjobs.internal.runtime;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.EtagSource;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import dev.sparkjobs.api.InputFile;
import dev.sparkjobs.api.InputFormat;
import dev.sparkjobs.errors.Errors;

/**
 * Lists and reads the data files of an input: a file or a folder read recursively, skipping
 * hidden files ({@code _*}, {@code .*}). Only file names are listed on the driver, never data.
 */
public final class InputFiles
{
    private InputFiles() {}

    /** The data files of an input, in path order, as its store lists them (size, modification time, ETag where the store has one). */
    public static List<InputFile> list(Configuration hadoop, String key, String location)
    {
        Path root = new Path(location);
        List<InputFile> files = new ArrayList<>();
        try {
            FileSystem fileSystem = root.getFileSystem(hadoop);
            FileStatus status;
            try {
                status = fileSystem.getFileStatus(root);
            }
            catch (FileNotFoundException e) {
                throw Errors.inputNotFound(key, location, "does not exist");
            }
            if (status.isFile()) {
                return List.of(inputFile(status));
            }
            RemoteIterator<LocatedFileStatus> iterator = fileSystem.listFiles(root, true);
            while (iterator.hasNext()) {
                LocatedFileStatus file = iterator.next();
                if (!isHidden(root, file.getPath())) {
                    files.add(inputFile(file));
                }
            }
        }
        catch (IOException e) {
            throw Errors.inputNotFound(key, location, "cannot be listed (" + Errors.rootMessage(e) + ")");
        }
        if (files.isEmpty()) {
            throw Errors.inputNotFound(key, location, "holds no data files");
        }
        files.sort(Comparator.comparing(InputFile::path));
        return files;
    }

    private static InputFile inputFile(FileStatus status)
    {
        // S3A's statuses carry the object's ETag; local and HDFS files have none.
        Optional<String> etag = status instanceof EtagSource source ? Optional.ofNullable(source.getEtag()).filter(tag -> !tag.isEmpty()) : Optional.empty();
        return new InputFile(status.getPath().toString(), status.getLen(), Instant.ofEpochMilli(status.getModificationTime()), etag);
    }

    private static boolean isHidden(Path root, Path file)
    {
        String relative = file.toUri().getPath().substring(Math.min(root.toUri().getPath().length(), file.toUri().getPath().length()));
        for (String part : relative.split("/")) {
            if (part.startsWith("_") || part.startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    /** The format of a data file, from its name; empty for names no reader understands. */
    public static Optional<InputFormat> formatOf(String file)
    {
        String name = file.toLowerCase(Locale.ROOT);
        if (name.endsWith(".parquet") || name.endsWith(".snappy.parquet")) {
            return Optional.of(InputFormat.PARQUET);
        }
        if (name.endsWith(".csv") || name.endsWith(".csv.gz") || name.endsWith(".csv.bz2")) {
            return Optional.of(InputFormat.CSV);
        }
        if (name.endsWith(".json") || name.endsWith(".jsonl") || name.endsWith(".ndjson") || name.endsWith(".json.gz") || name.endsWith(".jsonl.gz")) {
            return Optional.of(InputFormat.JSON);
        }
        return Optional.empty();
    }

    /** The one format of all the files; mixed or unknown formats are a clear error. */
    public static InputFormat detect(String key, String location, List<String> files)
    {
        TreeMap<InputFormat, String> formats = new TreeMap<>();
        for (String file : files) {
            InputFormat format = formatOf(file).orElseThrow(() -> Errors.unknownInputFormat(key, file));
            formats.putIfAbsent(format, file);
        }
        if (formats.size() > 1) {
            Set<String> described = new TreeSet<>();
            formats.forEach((format, example) -> described.add(format.name().toLowerCase(Locale.ROOT) + ", e.g. " + example));
            throw Errors.mixedInputFormats(key, location, described);
        }
        return formats.firstKey();
    }

    public static Dataset<Row> read(SparkSession spark, InputFormat format, List<String> files)
    {
        DataFrameReader reader = spark.read();
        Dataset<Row> rows = switch (format) {
            case PARQUET -> reader.parquet(files.toArray(String[]::new));
            // RFC 4180: a quote inside a quoted field is doubled (""), as billing exports write JSON tags
            case CSV -> reader.option("header", "true").option("escape", "\"").option("nullValue", "NULL").option("mode", "PERMISSIVE")
                    .csv(files.toArray(String[]::new));
            case JSON -> reader.option("mode", "PERMISSIVE").json(files.toArray(String[]::new));
            case AUTO -> throw new IllegalArgumentException("detect the format first");
        };
        return rows;
    }
}
