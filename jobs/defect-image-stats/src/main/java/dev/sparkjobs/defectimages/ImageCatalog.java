package dev.sparkjobs.defectimages;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.regexp_extract;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.when;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.GlobFilter;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import dev.sparkjobs.api.JobContext;
import dev.sparkjobs.errors.Errors;

/**
 * Lists image and mask files with Spark's binaryFile source (metadata only: the content column is
 * never selected, so listing reads no pixels) and joins them with their inspection rows.
 */
final class ImageCatalog
{
    static final String IMAGES = "images";
    static final String MASKS = "masks";
    static final String MASK_SUFFIX = "_mask";
    static final String HAS_IMAGE = "has_image";

    private static final StructType EMPTY_FILE = new StructType()
            .add("path", DataTypes.StringType)
            .add("modificationTime", DataTypes.TimestampType)
            .add("length", DataTypes.LongType);

    private ImageCatalog() {}

    /** image_id, path, file_bytes, file_date of every image file matching the glob (mask files excluded). */
    static Dataset<Row> images(JobContext context, String glob)
    {
        Dataset<Row> files = list(context, IMAGES, glob);
        return files.filter(col("image_id").endsWith(MASK_SUFFIX).unary_$bang());
    }

    /** image_id, mask_path of every {@code <image_id>_mask.png} under input.masks, when it is set. */
    static Optional<Dataset<Row>> masks(JobContext context)
    {
        if (context.optionalInputLocation(MASKS).isEmpty()) {
            return Optional.empty();
        }
        Dataset<Row> masks = list(context, MASKS, "*" + MASK_SUFFIX + ".png")
                .select(regexp_replace(col("image_id"), MASK_SUFFIX + "$", "").as("image_id"), col("path"))
                .groupBy("image_id")
                .agg(min("path").as(DecodeImages.MASK_PATH));
        return Optional.of(masks);
    }

    private static Dataset<Row> list(JobContext context, String input, String glob)
    {
        String location = context.inputLocation(input);
        requireExists(context.spark(), "input." + input, location);
        Dataset<Row> files = context.spark().read().format("binaryFile")
                .option("recursiveFileLookup", "true")
                .option("pathGlobFilter", glob)
                .load(location)
                .filter(col("length").gt(0))
                .select(col("path"), col("modificationTime"), col("length"));
        // Spark plans no split, hence no row, for a file of 0 bytes: without these rows an empty image would look missing
        files = files.unionByName(context.spark().createDataFrame(emptyFiles(context.spark(), "input." + input, location, glob), EMPTY_FILE));
        Column name = regexp_extract(col("path"), "([^/]+)$", 1);
        return files.select(
                regexp_replace(name, "\\.[^.]*$", "").as("image_id"),
                col("path"),
                col("length").as("file_bytes"),
                to_date(col("modificationTime")).as("file_date"));
    }

    /**
     * The files of 0 bytes under {@code location} that Spark's listing would select: names matching
     * {@code glob}, nothing under or named like a hidden file (starting with "." or "_"), as Spark skips them.
     */
    static List<Row> emptyFiles(SparkSession spark, String key, String location, String glob)
    {
        Path root = new Path(location);
        try {
            FileSystem files = root.getFileSystem(spark.sparkContext().hadoopConfiguration());
            Path qualifiedRoot = files.makeQualified(root);
            GlobFilter matches = new GlobFilter(glob);
            List<Row> empty = new ArrayList<>();
            RemoteIterator<LocatedFileStatus> listing = files.listFiles(qualifiedRoot, true);
            while (listing.hasNext()) {
                LocatedFileStatus file = listing.next();
                if (file.getLen() == 0 && matches.accept(file.getPath()) && !isHidden(qualifiedRoot, file.getPath())) {
                    empty.add(RowFactory.create(file.getPath().toString(), new Timestamp(file.getModificationTime()), 0L));
                }
            }
            return empty;
        }
        catch (IOException e) {
            throw Errors.inputNotFound(key, location, "cannot be listed (" + Errors.rootMessage(e) + ")");
        }
    }

    private static boolean isHidden(Path root, Path file)
    {
        for (Path current = file; current != null && !current.equals(root); current = current.getParent()) {
            String name = current.getName();
            boolean metadata = name.startsWith("_metadata") || name.startsWith("_common_metadata");
            if (!metadata && ((name.startsWith("_") && !name.contains("=")) || name.startsWith(".") || name.endsWith("._COPYING_"))) {
                return true;
            }
        }
        return false;
    }

    private static void requireExists(SparkSession spark, String key, String location)
    {
        Path path = new Path(location);
        try {
            path.getFileSystem(spark.sparkContext().hadoopConfiguration()).getFileStatus(path);
        }
        catch (FileNotFoundException e) {
            throw Errors.inputNotFound(key, location, "does not exist");
        }
        catch (IOException e) {
            throw Errors.inputNotFound(key, location, "cannot be listed (" + Errors.rootMessage(e) + ")");
        }
    }

    /**
     * Each image with its mask path and inspection columns, and each inspection row without an
     * image: image_id, path, capture_date, line_id, process_step, lot_id, camera_id, label,
     * defect_type, file_bytes, mask_path, inspected, has_image. Images without an inspection row are
     * labelled unlabeled and dated by their file's modification time; inspection rows without an
     * image have has_image false and no path.
     */
    static Dataset<Row> join(Dataset<Row> images, Optional<Dataset<Row>> masks, Dataset<Row> inspections)
    {
        Dataset<Row> withMasks = masks.map(found -> images.join(found, images.col("image_id").equalTo(found.col("image_id")), "left")
                        .drop(found.col("image_id")))
                .orElseGet(() -> images.withColumn(DecodeImages.MASK_PATH, lit(null).cast("string")))
                .withColumn(HAS_IMAGE, lit(true));
        Dataset<Row> inspected = inspections.withColumn("inspected", lit(true));
        Dataset<Row> joined = withMasks.join(inspected, withMasks.col("image_id").equalTo(inspected.col("image_id")), "full_outer");
        Column isInspected = inspected.col("inspected").isNotNull();
        return joined.select(
                coalesce(withMasks.col("image_id"), inspected.col("image_id")).as("image_id"),
                col("path"),
                when(isInspected, inspected.col("capture_date")).otherwise(col("file_date")).as("capture_date"),
                col("line_id"),
                col("process_step"),
                col("lot_id"),
                col("camera_id"),
                when(isInspected, col("label")).otherwise(lit(Labels.UNLABELED)).as("label"),
                col("defect_type"),
                col("file_bytes"),
                col(DecodeImages.MASK_PATH),
                isInspected.as("inspected"),
                withMasks.col(HAS_IMAGE).isNotNull().as(HAS_IMAGE));
    }
}
