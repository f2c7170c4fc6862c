package dev.sparkjobs.defectimages;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.trunc;
import static org.apache.spark.sql.functions.when;

import java.sql.Date;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.util.SerializableConfiguration;

import dev.sparkjobs.api.AggregateCounts;
import dev.sparkjobs.api.ConfigKey;
import dev.sparkjobs.api.InputSpec;
import dev.sparkjobs.api.Job;
import dev.sparkjobs.api.JobContext;
import dev.sparkjobs.api.JobOutputs;
import dev.sparkjobs.api.SampleDataGenerator;
import dev.sparkjobs.api.SessionConf;
import dev.sparkjobs.api.TableSpec;
import dev.sparkjobs.api.report.JobReport;

/**
 * Inspection images and their metadata to per-image quality features and defect statistics per
 * day, step, lot and defect type, with the process parameters that move with the defect rate.
 */
public final class DefectImageStatsJob
        implements Job
{
    private static final long IMAGES_PER_OUTPUT_FILE = 100_000;

    public static final String NAME = "defect-image-stats";

    private static final List<String> HISTORY_COLUMNS = List.of("capture_date", "line_id", "process_step", "lot_id", "label", "defect_type");
    private static final int EXAMPLES = 3;

    @Override
    public String name()
    {
        return NAME;
    }

    @Override
    public String description()
    {
        return "Inspection images and metadata to image quality features and defect statistics";
    }

    @Override
    public List<InputSpec> inputs()
    {
        return List.of(
                InputSpec.required(ImageCatalog.IMAGES, "Folder or prefix of PNG/JPEG images (8-bit grey, RGB, RGBA; 16-bit grey PNG), read recursively; image_id = file name without extension"),
                InputSpec.required(Inspections.INPUT, "CSV, JSON Lines or Parquet: image_id, captured_at, line_id, process_step, lot_id, camera_id, label (ok|defect), defect_type"),
                InputSpec.optional(ImageCatalog.MASKS, "Folder or prefix of defect masks <image_id>_mask.png; any non-zero pixel is defect"),
                InputSpec.optional(ProcessParameters.INPUT, "CSV, JSON Lines or Parquet: lot_id, process_step, measured_at, parameter, value"));
    }

    @Override
    public List<ConfigKey<?>> configKeys()
    {
        return DefectImageStatsSettings.ALL;
    }

    @Override
    public List<TableSpec> outputs()
    {
        return DefectTables.ALL;
    }

    @Override
    public Optional<SampleDataGenerator> sampleDataGenerator()
    {
        return Optional.of(new DefectImageSampleData());
    }

    @Override
    public Optional<JobReport> report()
    {
        return Optional.of(new DefectImageStatsReport());
    }

    @Override
    public JobOutputs run(JobContext context)
    {
        DefectImageStatsSettings settings = DefectImageStatsSettings.from(context.config());
        JobOutputs.Builder outputs = JobOutputs.builder();
        String day = context.scope().isAll() ? "all capture dates" : "capture date " + context.logicalDate();
        Dataset<Row> inspections;
        try (var step = context.step("validate inspections")) {
            inspections = Inspections.read(context, settings.maxStep());
        }
        Dataset<Row> images = ImageCatalog.images(context, settings.imagesGlob());
        Dataset<Row> joined = ImageCatalog.join(images, ImageCatalog.masks(context), inspections);
        Dataset<Row> catalog = context.scope().isAll()
                ? joined
                : joined.filter(col("capture_date").equalTo(lit(Date.valueOf(context.logicalDate()))));
        Row counts;
        try (var step = context.step("list images of " + day)) {
            // a listing opens no file: without the default 4 MB open cost per file, 20,000 images are 31 tasks, not 650
            counts = SessionConf.with(context.spark(), "spark.sql.files.openCostInBytes", "0", () -> context.persist(catalog)
                    .agg(sum(when(col(ImageCatalog.HAS_IMAGE), 1L).otherwise(0L)), sum(when(col(ImageCatalog.HAS_IMAGE), 0L).otherwise(1L)))
                    .first());
        }
        long inScope = AggregateCounts.at(counts, 0);
        long withoutImage = AggregateCounts.at(counts, 1);
        Broadcast<SerializableConfiguration> hadoop = context.spark().sparkContext().broadcast(
                new SerializableConfiguration(context.spark().sparkContext().hadoopConfiguration()),
                scala.reflect.ClassTag$.MODULE$.apply(SerializableConfiguration.class));
        // decoded once: every table comes from it; the framework releases it after publishing
        Dataset<Row> toDecode = catalog.filter(col(ImageCatalog.HAS_IMAGE)).drop(ImageCatalog.HAS_IMAGE);
        Dataset<Row> decoded = context.persist(DecodeImages.apply(toDecode.repartition(decodeTasks(context, settings, inScope)), hadoop, settings.minSharpness(),
                settings.maxPixels()));
        try (var step = context.step("decode " + inScope + " images of " + day)) {
            summarise(decoded, outputs);
        }
        reportInspectionsWithoutImage(context, settings, catalog, withoutImage, outputs);
        context.release(catalog);

        // one row per image, ~200 bytes: read from the cache in as many tasks as there are cores, not one per decode task
        // (hundreds of tasks for every scan of every table)
        Dataset<Row> features = decoded.select(DefectTables.IMAGE_FEATURES.schema().fieldNames()[0],
                        java.util.Arrays.stream(DefectTables.IMAGE_FEATURES.schema().fieldNames()).skip(1).toArray(String[]::new))
                .coalesce(context.spark().sparkContext().defaultParallelism());
        Dataset<Row> history = history(context, features);
        // one file per ~100k images and date, not one per decode task (hundreds of tiny files per date)
        outputs.table(DefectTables.IMAGE_FEATURES.name(), features.coalesce(outputFiles(context, inScope)));
        outputs.table(DefectTables.DEFECT_STATS_DAILY.name(), DefectStatistics.daily(features));
        outputs.table(DefectTables.DEFECT_PARETO.name(), DefectStatistics.pareto(monthsOfRun(context, history)));
        outputs.table(DefectTables.LOT_YIELD.name(), DefectStatistics.lotYield(lotsOfRun(context, history, features)));
        Optional<Dataset<Row>> process = ProcessParameters.read(context);
        if (process.isPresent()) {
            outputs.table(DefectTables.PROCESS_CORRELATION.name(), DefectStatistics.correlation(history, process.get()));
        }
        else {
            outputs.warning("input.process is not set: process_correlation is left as it is");
        }
        return outputs.build();
    }

    private static int outputFiles(JobContext context, long images)
    {
        long wanted = (images + IMAGES_PER_OUTPUT_FILE - 1) / IMAGES_PER_OUTPUT_FILE;
        return (int) Math.max(1, Math.min(wanted, context.spark().sparkContext().defaultParallelism()));
    }

    private static int decodeTasks(JobContext context, DefectImageStatsSettings settings, long images)
    {
        int perTask = settings.imagesPerTask();
        long wanted = Math.max((images + perTask - 1) / perTask, 2L * context.spark().sparkContext().defaultParallelism());
        return (int) Math.max(1, Math.min(Math.min(wanted, images), 100_000));
    }

    /** Counters and warnings about what was decoded; the eager pass that decodes every image once. */
    private static void summarise(Dataset<Row> decoded, JobOutputs.Builder outputs)
    {
        Column unreadable = col("quality_flag").equalTo(QualityFlag.UNREADABLE.value());
        Column lowQuality = col("quality_flag").isin(QualityFlag.BLURRY.value(), QualityFlag.UNDEREXPOSED.value(), QualityFlag.OVEREXPOSED.value());
        Column unlabeled = col("inspected").unary_$bang();
        Column maskUsed = col("defect_area_fraction").isNotNull();
        Column maskUnusable = col(DecodeImages.MASK_ERROR).isNotNull();
        Row totals = decoded.agg(
                        sum(lit(1L)), sum(when(unreadable, 1L).otherwise(0L)), sum(when(lowQuality, 1L).otherwise(0L)),
                        sum(when(unlabeled, 1L).otherwise(0L)), sum(when(maskUsed, 1L).otherwise(0L)), sum(when(maskUnusable, 1L).otherwise(0L)))
                .first();
        long[] counts = new long[totals.size()];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = AggregateCounts.at(totals, i);
        }
        outputs.counter("images", counts[0])
                .counter("images_unreadable", counts[1])
                .counter("images_low_quality", counts[2])
                .counter("images_without_inspection", counts[3])
                .counter("masks_used", counts[4])
                .counter("masks_unusable", counts[5]);
        if (counts[1] > 0) {
            outputs.warning(counts[1] + " image(s) could not be decoded and are flagged unreadable, e.g. "
                    + examples(decoded.filter(unreadable), col("path"), col("decode_error")));
        }
        if (counts[3] > 0) {
            outputs.warning(counts[3] + " image(s) have no inspection row: labelled unlabeled and dated by file modification time, e.g. "
                    + examples(decoded.filter(unlabeled), col("image_id")));
        }
        if (counts[5] > 0) {
            outputs.warning(counts[5] + " mask(s) could not be used (their images have no defect area), e.g. "
                    + examples(decoded.filter(maskUnusable), col(DecodeImages.MASK_ERROR)));
        }
    }

    private static void reportInspectionsWithoutImage(JobContext context, DefectImageStatsSettings settings, Dataset<Row> catalog, long missing,
            JobOutputs.Builder outputs)
    {
        outputs.counter("inspections_without_image", missing);
        if (missing > 0) {
            String shown = examples(catalog.filter(not(col(ImageCatalog.HAS_IMAGE))).orderBy("image_id"), col("image_id"));
            outputs.warning(missing + " inspection row(s) have no image under " + context.inputLocation(ImageCatalog.IMAGES)
                    + " (matching " + settings.imagesGlob() + "), e.g. " + shown);
        }
    }

    private static String examples(Dataset<Row> rows, Column... columns)
    {
        return rows.select(columns).limit(EXAMPLES).collectAsList().stream()
                .map(row -> java.util.stream.IntStream.range(0, row.size()).mapToObj(i -> String.valueOf(row.get(i))).collect(Collectors.joining(": ")))
                .collect(Collectors.joining(", "));
    }

    /** This run's rows plus, unless scope=all, the published rows of every other capture date. */
    private static Dataset<Row> history(JobContext context, Dataset<Row> features)
    {
        Column[] columns = HISTORY_COLUMNS.stream().map(org.apache.spark.sql.functions::col).toArray(Column[]::new);
        Dataset<Row> current = features.select(columns);
        if (context.scope().isAll()) {
            return current;
        }
        Date day = Date.valueOf(context.logicalDate());
        return context.readPublishedTable(DefectTables.IMAGE_FEATURES.name())
                .map(published -> published.filter(col("capture_date").notEqual(lit(day))).select(columns).unionByName(current))
                .orElse(current);
    }

    private static Dataset<Row> monthsOfRun(JobContext context, Dataset<Row> history)
    {
        if (context.scope().isAll()) {
            return history;
        }
        return history.filter(trunc(col("capture_date"), "month").equalTo(lit(Date.valueOf(context.logicalDate().withDayOfMonth(1)))));
    }

    private static Dataset<Row> lotsOfRun(JobContext context, Dataset<Row> history, Dataset<Row> features)
    {
        if (context.scope().isAll()) {
            return history;
        }
        Dataset<Row> lots = features.select("lot_id").filter(col("lot_id").isNotNull()).distinct();
        return history.join(lots, history.col("lot_id").equalTo(lots.col("lot_id")), "left_semi");
    }
}
