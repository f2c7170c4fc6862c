package dev.sparkjobs.defectimages;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.api.java.function.ForeachPartitionFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.SerializableConfiguration;

/**
 * Synthetic inspection images (textured surfaces with scratches, spots and cracks of known size and
 * their masks; some blurred, dark, blown out or corrupt), inspection rows over 25 steps, lots and
 * lines, and process parameters of which two are planted to move with the lots' defect rate:
 * oven_temp_c at step 7 (up) and line_speed_m_min at step 12 (down). Images are drawn and written
 * by Spark tasks; every value is a function of the seed and the image number.
 */
public final class DefectImageSampleData
        implements dev.sparkjobs.api.SampleDataGenerator
{
    static final LocalDate FIRST_DAY = LocalDate.of(2024, 9, 2);
    static final int DAYS = 5;
    static final int STEPS = 25;
    static final int LINES = 3;
    static final int IMAGES_PER_LOT = 25;
    static final List<String> DEFECT_TYPES = List.of("scratch", "spot", "crack");
    static final int PLANTED_TEMPERATURE_STEP = 7;
    static final int PLANTED_SPEED_STEP = 12;
    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    private static final int IMAGES_PER_TASK = 50;
    private static final int UNINSPECTED_EVERY = 97;

    private final int imageSize;

    public DefectImageSampleData()
    {
        this(128);
    }

    public DefectImageSampleData(int imageSize)
    {
        if (imageSize < 32) {
            throw new IllegalArgumentException("imageSize must be at least 32, got " + imageSize);
        }
        this.imageSize = imageSize;
    }

    @Override
    public int defaultScale()
    {
        return 300;
    }

    /** What image {@code index} of a sample is: a pure function of the seed, the index and the scale. */
    record Plan(String imageId, LocalDate day, int secondOfDay, String lineId, int step, String lotId, String cameraId, boolean defect,
                String defectType, SyntheticImage.Look look, boolean colour, boolean corrupt, boolean inspected, long seed)
    {
        static Plan of(long seed, long index, int scale)
        {
            SplittableRandom random = new SplittableRandom(seed * 1_000_003L + index);
            int lots = lots(scale);
            int lot = random.nextInt(lots);
            double badness = lotBadness(seed, lot);
            int line = 1 + lot % LINES;
            int step = 1 + random.nextInt(STEPS);
            boolean defect = random.nextDouble() < 0.08 + 0.5 * badness;
            String type = defect ? DEFECT_TYPES.get(random.nextInt(DEFECT_TYPES.size())) : null;
            double quality = random.nextDouble();
            SyntheticImage.Look look = quality < 0.05 ? SyntheticImage.Look.BLURRED
                    : quality < 0.09 ? SyntheticImage.Look.DARK
                    : quality < 0.13 ? SyntheticImage.Look.BLOWN_OUT
                    : SyntheticImage.Look.NORMAL;
            boolean corrupt = quality >= 0.13 && quality < 0.145;
            boolean colour = random.nextDouble() < 0.3;
            boolean inspected = index % UNINSPECTED_EVERY != UNINSPECTED_EVERY / 2;
            return new Plan(String.format("img-%06d", index), FIRST_DAY.plusDays(index % DAYS), 6 * 3600 + random.nextInt(14 * 3600),
                    "line-" + line, step, String.format("lot-%04d", lot), String.format("cam-%d-%02d", line, step), defect, type, look, colour,
                    corrupt, inspected, random.nextLong());
        }

        String capturedAt()
        {
            return LocalDateTime.of(day, java.time.LocalTime.ofSecondOfDay(secondOfDay)).format(TIMESTAMP);
        }

        String folder()
        {
            return lineId + "/" + day;
        }
    }

    static int lots(int scale)
    {
        return Math.max(6, scale / IMAGES_PER_LOT);
    }

    /** A lot's hidden propensity to defects, 0..1: drives its defect rate and the planted parameters. */
    static double lotBadness(long seed, int lot)
    {
        return new SplittableRandom(seed * 7_919L + lot * 104_729L).nextDouble();
    }

    static int uninspected(int scale)
    {
        return scale <= UNINSPECTED_EVERY / 2 ? 0 : (scale - UNINSPECTED_EVERY / 2 - 1) / UNINSPECTED_EVERY + 1;
    }

    static int inspectionsWithoutImage(int scale)
    {
        return Math.max(1, scale / 100);
    }

    @Override
    public SampleData generate(Request request)
    {
        SparkSession spark = request.spark();
        String root = request.outputDirectory();
        int scale = request.scale();
        long seed = request.seed();
        Broadcast<SerializableConfiguration> hadoop = spark.sparkContext().broadcast(
                new SerializableConfiguration(spark.sparkContext().hadoopConfiguration()),
                scala.reflect.ClassTag$.MODULE$.apply(SerializableConfiguration.class));
        int tasks = Math.max(1, (scale + IMAGES_PER_TASK - 1) / IMAGES_PER_TASK);
        int size = imageSize;
        spark.range(0, scale, 1, tasks).as(Encoders.LONG()).foreachPartition((ForeachPartitionFunction<Long>) indexes -> {
            Configuration configuration = hadoop.value().value();
            while (indexes.hasNext()) {
                writeImage(configuration, root, Plan.of(seed, indexes.next(), scale), size);
            }
        });
        spark.range(0, scale + inspectionsWithoutImage(scale), 1, Math.max(1, tasks / 4))
                .as(Encoders.LONG())
                .flatMap((FlatMapFunction<Long, Row>) index -> inspectionRows(seed, index, scale), Encoders.row(INSPECTION_SCHEMA))
                .coalesce(1)
                .write().mode(SaveMode.Overwrite).option("header", "true").csv(root + "/inspections");
        int lots = lots(scale);
        spark.range(0, (long) lots * STEPS, 1, Math.max(1, tasks / 4))
                .as(Encoders.LONG())
                .flatMap((FlatMapFunction<Long, Row>) lotStep -> processRows(seed, lotStep), Encoders.row(PROCESS_SCHEMA))
                .coalesce(1)
                .write().mode(SaveMode.Overwrite).option("header", "true").csv(root + "/process");
        LocalDate lastDay = FIRST_DAY.plusDays(DAYS - 1);
        return new SampleData(
                Map.of("input.images", root + "/images", "input.masks", root + "/masks", "input.inspections", root + "/inspections",
                        "input.process", root + "/process", "scope", "all"),
                lastDay,
                String.format("Wrote %d synthetic %dx%d inspection images (with masks for defects; about 5%% blurred, 4%% dark, 4%% blown out, "
                                + "1.5%% corrupt) captured %s..%s on %d lines and %d lots, %d inspection rows (%d of them without an image; %d images without an inspection row), and process "
                                + "parameters of %d lots x %d steps to %s",
                        scale, imageSize, imageSize, FIRST_DAY, lastDay, LINES, lots, scale - uninspected(scale) + inspectionsWithoutImage(scale),
                        inspectionsWithoutImage(scale), uninspected(scale), lots, STEPS, root));
    }

    private static void writeImage(Configuration configuration, String root, Plan plan, int size)
            throws IOException
    {
        SplittableRandom random = new SplittableRandom(plan.seed());
        SyntheticImage image = SyntheticImage.surface(size, plan.look(), plan.defect() ? plan.defectType() : null, random);
        byte[] png = image.png(plan.colour());
        if (plan.corrupt()) {
            // half the corrupt files are truncated PNGs, the others are not images at all
            png = random.nextBoolean() ? java.util.Arrays.copyOf(png, png.length / 2) : "not an image".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
        String location = root + "/images/" + plan.folder() + "/" + plan.imageId() + ".png";
        write(configuration, location, png);
        if (!plan.inspected()) {
            datedLikeItsCapture(configuration, location, plan);
        }
        if (plan.defect()) {
            write(configuration, root + "/masks/" + plan.lineId() + "/" + plan.imageId() + ImageCatalog.MASK_SUFFIX + ".png", image.maskPng());
        }
    }

    /** An image without an inspection row is dated by its file's modification time: make that its capture day. */
    private static void datedLikeItsCapture(Configuration configuration, String location, Plan plan)
    {
        Path path = new Path(location);
        long millis = plan.day().atTime(java.time.LocalTime.ofSecondOfDay(plan.secondOfDay())).toInstant(java.time.ZoneOffset.UTC).toEpochMilli();
        try {
            path.getFileSystem(configuration).setTimes(path, millis, -1);
        }
        catch (IOException | UnsupportedOperationException e) {
            // object stores keep the upload time; the image then counts on the day it was written
        }
    }

    private static void write(Configuration configuration, String location, byte[] bytes)
    {
        Path path = new Path(location);
        try {
            FileSystem fileSystem = path.getFileSystem(configuration);
            try (FSDataOutputStream stream = fileSystem.create(path, true); OutputStream output = stream) {
                output.write(bytes);
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException("Cannot write sample file " + location, e);
        }
    }

    static final StructType INSPECTION_SCHEMA = new StructType()
            .add("image_id", DataTypes.StringType)
            .add("captured_at", DataTypes.StringType)
            .add("line_id", DataTypes.StringType)
            .add("process_step", DataTypes.IntegerType)
            .add("lot_id", DataTypes.StringType)
            .add("camera_id", DataTypes.StringType)
            .add("label", DataTypes.StringType)
            .add("defect_type", DataTypes.StringType);

    private static Iterator<Row> inspectionRows(long seed, long index, int scale)
    {
        if (index >= scale) {
            // inspection rows whose image never arrived
            Plan plan = Plan.of(seed, index, scale);
            return List.of(RowFactory.create("img-lost-" + (index - scale), plan.capturedAt(), plan.lineId(), plan.step(), plan.lotId(),
                    plan.cameraId(), Labels.OK, null)).iterator();
        }
        Plan plan = Plan.of(seed, index, scale);
        if (!plan.inspected()) {
            return java.util.Collections.emptyIterator();
        }
        return List.of(RowFactory.create(plan.imageId(), plan.capturedAt(), plan.lineId(), plan.step(), plan.lotId(), plan.cameraId(),
                plan.defect() ? Labels.DEFECT : Labels.OK, plan.defectType())).iterator();
    }

    static final StructType PROCESS_SCHEMA = new StructType()
            .add("lot_id", DataTypes.StringType)
            .add("process_step", DataTypes.IntegerType)
            .add("measured_at", DataTypes.StringType)
            .add("parameter", DataTypes.StringType)
            .add("value", DataTypes.DoubleType);

    private static Iterator<Row> processRows(long seed, long lotStep)
    {
        int lot = (int) (lotStep / STEPS);
        int step = (int) (lotStep % STEPS) + 1;
        double badness = lotBadness(seed, lot);
        SplittableRandom random = new SplittableRandom(seed * 31L + lotStep);
        List<Row> rows = new ArrayList<>();
        for (int measurement = 0; measurement < 3; measurement++) {
            String measuredAt = LocalDateTime.of(FIRST_DAY, java.time.LocalTime.of(6 + measurement, step % 60)).format(TIMESTAMP);
            String lotId = String.format("lot-%04d", lot);
            double temperature = step == PLANTED_TEMPERATURE_STEP ? 170 + 40 * badness + random.nextGaussian() * 2 : 180 + random.nextGaussian() * 3;
            double speed = step == PLANTED_SPEED_STEP ? 1.4 - 0.5 * badness + random.nextGaussian() * 0.02 : 1.2 + random.nextGaussian() * 0.05;
            rows.add(RowFactory.create(lotId, step, measuredAt, "oven_temp_c", Math.round(temperature * 100) / 100.0));
            rows.add(RowFactory.create(lotId, step, measuredAt, "line_speed_m_min", Math.round(speed * 1000) / 1000.0));
            rows.add(RowFactory.create(lotId, step, measuredAt, "pressure_kpa", Math.round((101.3 + random.nextGaussian()) * 100) / 100.0));
        }
        return rows.iterator();
    }
}
