package dev.sparkjobs.defectimages;

import static java.util.Objects.requireNonNull;

import java.io.File;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.util.Iterator;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.SerializableConfiguration;

/**
 * Reads and decodes each image (and its mask) inside the tasks, one at a time: a task holds the
 * bytes and luma of one image or mask, never a partition's worth, and decodes them into the same
 * {@link DecodeBuffers} from one image to the next. Adds the feature columns to
 * each catalog row; a file that cannot be read or decoded becomes a row flagged unreadable with
 * the decoder's message.
 */
final class DecodeImages
        implements MapPartitionsFunction<Row, Row>
{
    static final String PATH = "path";
    static final String MASK_PATH = "mask_path";
    static final String MASK_ERROR = "mask_error";

    static final StructType FEATURE_COLUMNS = new StructType()
            .add("width", DataTypes.IntegerType)
            .add("height", DataTypes.IntegerType)
            .add("channels", DataTypes.IntegerType)
            .add("bit_depth", DataTypes.IntegerType)
            .add("format", DataTypes.StringType)
            .add("brightness", DataTypes.DoubleType)
            .add("contrast", DataTypes.DoubleType)
            .add("sharpness", DataTypes.DoubleType)
            .add("underexposed_fraction", DataTypes.DoubleType)
            .add("overexposed_fraction", DataTypes.DoubleType)
            .add("defect_area_fraction", DataTypes.DoubleType)
            .add("defect_regions", DataTypes.IntegerType)
            .add("quality_flag", DataTypes.StringType)
            .add("decode_error", DataTypes.StringType)
            .add(MASK_ERROR, DataTypes.StringType);

    private final Broadcast<SerializableConfiguration> hadoopConfiguration;
    private final double minSharpness;
    private final long maxPixels;
    private final int pathIndex;
    private final int maskPathIndex;
    private final int inputWidth;

    private DecodeImages(Broadcast<SerializableConfiguration> hadoopConfiguration, double minSharpness, long maxPixels, StructType input)
    {
        this.hadoopConfiguration = requireNonNull(hadoopConfiguration, "hadoopConfiguration is null");
        this.minSharpness = minSharpness;
        this.maxPixels = maxPixels;
        this.pathIndex = input.fieldIndex(PATH);
        this.maskPathIndex = input.fieldIndex(MASK_PATH);
        this.inputWidth = input.size();
    }

    /** {@code catalog} needs the columns path and mask_path (nullable); the result has them and the feature columns. */
    static Dataset<Row> apply(Dataset<Row> catalog, Broadcast<SerializableConfiguration> hadoopConfiguration, double minSharpness, long maxPixels)
    {
        StructType output = catalog.schema();
        for (var field : FEATURE_COLUMNS.fields()) {
            output = output.add(field);
        }
        return catalog.mapPartitions(new DecodeImages(hadoopConfiguration, minSharpness, maxPixels, catalog.schema()), Encoders.row(output));
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows)
    {
        Configuration configuration = hadoopConfiguration.value().value();
        DecodeBuffers buffers = new DecodeBuffers();
        return new Iterator<>()
        {
            @Override
            public boolean hasNext()
            {
                return rows.hasNext();
            }

            @Override
            public Row next()
            {
                return withFeatures(rows.next(), configuration, buffers);
            }
        };
    }

    private Row withFeatures(Row row, Configuration configuration, DecodeBuffers buffers)
    {
        Object[] values = new Object[inputWidth + FEATURE_COLUMNS.size()];
        for (int i = 0; i < inputWidth; i++) {
            values[i] = row.get(i);
        }
        int at = inputWidth;
        LumaImage image;
        try {
            image = ImageDecoder.decode(read(row.getString(pathIndex), configuration), buffers, maxPixels);
        }
        catch (ImageDecodeException e) {
            values[at + 4] = e.format().orElse(null);
            values[at + 12] = QualityFlag.UNREADABLE.value();
            values[at + 13] = e.getMessage();
            return RowFactory.create(values);
        }
        catch (IOException e) {
            values[at + 12] = QualityFlag.UNREADABLE.value();
            values[at + 13] = "cannot read the file: " + ImageDecoder.describe(e);
            return RowFactory.create(values);
        }
        ImageFeatures features = ImageFeatures.of(image);
        values[at] = image.width();
        values[at + 1] = image.height();
        values[at + 2] = image.channels();
        values[at + 3] = image.bitDepth();
        values[at + 4] = image.format();
        values[at + 5] = features.brightness();
        values[at + 6] = features.contrast();
        values[at + 7] = features.sharpness();
        values[at + 8] = features.underexposedFraction();
        values[at + 9] = features.overexposedFraction();
        values[at + 12] = QualityFlag.of(features, minSharpness).value();
        String maskPath = row.isNullAt(maskPathIndex) ? null : row.getString(maskPathIndex);
        image = null;
        if (maskPath != null) {
            int width = (Integer) values[at];
            int height = (Integer) values[at + 1];
            try {
                // into the image's buffers: the image's features are computed and its luma no longer needed
                LumaImage mask = ImageDecoder.decode(read(maskPath, configuration), buffers, maxPixels);
                if (mask.width() != width || mask.height() != height) {
                    values[at + 14] = "mask " + maskPath + " is " + mask.width() + "x" + mask.height() + " but the image is " + width + "x" + height
                            + ": a mask marks the image's own pixels, so it must have the image's size (another image's mask, or resized?);"
                            + " write the mask at " + width + "x" + height;
                }
                else {
                    MaskFeatures defect = MaskFeatures.of(mask, buffers);
                    values[at + 10] = defect.defectAreaFraction();
                    values[at + 11] = defect.defectRegions();
                }
            }
            catch (ImageDecodeException | IOException e) {
                values[at + 14] = "mask " + maskPath + " cannot be decoded: " + (e instanceof IOException ? ImageDecoder.describe(e) : e.getMessage());
            }
        }
        return RowFactory.create(values);
    }

    static byte[] read(String location, Configuration configuration)
            throws IOException
    {
        Path path = new Path(location);
        FileSystem files = path.getFileSystem(configuration);
        File local = files instanceof LocalFileSystem checksummed ? checksummed.pathToFile(path)
                : files instanceof RawLocalFileSystem raw ? raw.pathToFile(path) : null;
        if (local != null) {
            // file:// through Hadoop means its checksum layer (which looks for a .crc sidecar of every file) and reads of
            // 8 KB through a 4 KB buffer, a tenth of the decode time of a 200 KB PNG; cameras write no .crc files
            try {
                return Files.readAllBytes(local.toPath());
            }
            catch (NoSuchFileException e) {
                throw new FileNotFoundException(location + " does not exist any more (deleted after it was listed?)");
            }
        }
        try (InputStream input = files.open(path)) {
            return input.readAllBytes();
        }
    }
}
