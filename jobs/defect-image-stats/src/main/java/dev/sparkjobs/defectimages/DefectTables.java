package dev.sparkjobs.defectimages;

import java.util.List;

import org.apache.spark.sql.types.DataTypes;

import dev.sparkjobs.api.Check;
import dev.sparkjobs.api.Granularity;
import dev.sparkjobs.api.TableSpec;
import dev.sparkjobs.api.WriteMode;

/** The output tables of defect-image-stats, with their schemas, comments, write modes and checks. */
final class DefectTables
{
    private static final double ROUNDING = 1e-9;

    static final TableSpec IMAGE_FEATURES = TableSpec.builder("image_features")
            .comment("One row per inspection image: its inspection metadata, how it was stored, quality features and the defect its mask marks")
            .column("image_id", DataTypes.StringType, "File name without extension; joins the image to its inspection row and mask")
            .column("path", DataTypes.StringType, "URI of the image file")
            .column("capture_date", DataTypes.DateType, "Day of captured_at; for images without an inspection row, day of the file's modification time")
            .column("line_id", DataTypes.StringType, "Production line (null when unlabeled)")
            .column("process_step", DataTypes.IntegerType, "Process step 1..process.max-step where the image was taken (null when unlabeled)")
            .column("lot_id", DataTypes.StringType, "Lot inspected (null when unlabeled)")
            .column("camera_id", DataTypes.StringType, "Camera that took the image (null when unlabeled)")
            .column("label", DataTypes.StringType, "ok, defect, or unlabeled when the image has no inspection row")
            .column("defect_type", DataTypes.StringType, "Defect class from the inspection (null when ok)")
            .column("width", DataTypes.IntegerType, "Width in pixels (null when unreadable)")
            .column("height", DataTypes.IntegerType, "Height in pixels (null when unreadable)")
            .column("channels", DataTypes.IntegerType, "Colour components: 1 grey, 2 grey+alpha, 3 RGB, 4 RGBA (null when unreadable)")
            .column("bit_depth", DataTypes.IntegerType, "Bits per sample: 8 or 16 (null when unreadable)")
            .column("format", DataTypes.StringType, "Format the decoder recognised: png or jpeg (null when no decoder recognised the file)")
            .column("file_bytes", DataTypes.LongType, "File size in bytes")
            .column("brightness", DataTypes.DoubleType, "Mean luma Y = 0.299 R + 0.587 G + 0.114 B (grey as is, 16-bit / 257), 0..255")
            .column("contrast", DataTypes.DoubleType, "Population standard deviation of luma")
            .column("sharpness", DataTypes.DoubleType, "Population variance of the 4-neighbour Laplacian of luma over interior pixels (null below 3x3)")
            .column("underexposed_fraction", DataTypes.DoubleType, "Share of pixels with luma <= 5")
            .column("overexposed_fraction", DataTypes.DoubleType, "Share of pixels with luma >= 250")
            .column("defect_area_fraction", DataTypes.DoubleType, "Non-zero mask pixels / (width x height); null when the image has no usable mask")
            .column("defect_regions", DataTypes.IntegerType, "8-connected components of non-zero mask pixels; null when the image has no usable mask")
            .column("quality_flag", DataTypes.StringType, "unreadable, blurry (sharpness < quality.min-sharpness), underexposed (brightness < 40), overexposed (brightness > 215) or ok, first match wins")
            .column("decode_error", DataTypes.StringType, "The decoder's message when the file could not be decoded")
            .partitionedBy("capture_date")
            .writeMode(WriteMode.replacePartition("capture_date", Granularity.DAY))
            .check(
                    Check.notNull("image_id", "path", "label", "quality_flag", "file_bytes"),
                    Check.uniqueKey("image_id"),
                    Check.acceptedValues("label", Labels.OK, Labels.DEFECT, Labels.UNLABELED),
                    Check.acceptedValues("quality_flag", "unreadable", "blurry", "underexposed", "overexposed", "ok"),
                    Check.range("brightness", 0, 255),
                    Check.range("underexposed_fraction", 0, 1),
                    Check.range("overexposed_fraction", 0, 1),
                    Check.range("defect_area_fraction", 0, 1),
                    Check.finite("contrast", "sharpness"),
                    Check.sql("unreadable_has_decoder_message", "quality_flag <> 'unreadable' OR decode_error IS NOT NULL", "image_id", "path"),
                    Check.sql("readable_has_features", "quality_flag = 'unreadable' OR brightness IS NOT NULL", "image_id", "path"))
            .build();

    static final TableSpec DEFECT_STATS_DAILY = TableSpec.builder("defect_stats_daily")
            .comment("Images, defects and unusable images per capture day, line and process step (unlabeled images: null line and step)")
            .column("capture_date", DataTypes.DateType, "Capture day")
            .column("line_id", DataTypes.StringType, "Production line (null for unlabeled images)")
            .column("process_step", DataTypes.IntegerType, "Process step (null for unlabeled images)")
            .column("images", DataTypes.LongType, "Images taken")
            .column("defect_images", DataTypes.LongType, "Images labelled defect")
            .column("defect_rate", DataTypes.DoubleType, "defect_images / images labelled ok or defect (null when none is labelled)")
            .column("unreadable_images", DataTypes.LongType, "Images that could not be decoded")
            .column("low_quality_images", DataTypes.LongType, "Images flagged blurry, underexposed or overexposed")
            .column("mean_defect_area_fraction", DataTypes.DoubleType, "Mean defect_area_fraction of defect images with a usable mask (null when none)")
            .partitionedBy("capture_date")
            .writeMode(WriteMode.replacePartition("capture_date", Granularity.DAY))
            .check(
                    Check.uniqueKey("capture_date", "line_id", "process_step"),
                    Check.range("defect_rate", 0, 1),
                    Check.range("mean_defect_area_fraction", 0, 1),
                    Check.sql("counts_within_images", "defect_images <= images AND unreadable_images + low_quality_images <= images",
                            "capture_date", "line_id", "process_step", "images"))
            .build();

    static final TableSpec DEFECT_PARETO = TableSpec.builder("defect_pareto")
            .comment("Defect types per month and process step, most frequent first, with their share and cumulative share")
            .column("period", DataTypes.DateType, "Month (its first day)")
            .column("process_step", DataTypes.IntegerType, "Process step")
            .column("defect_type", DataTypes.StringType, "Defect type ('unspecified' when a defect image has none)")
            .column("defect_images", DataTypes.LongType, "Defect images of this type in the month at this step")
            .column("share", DataTypes.DoubleType, "defect_images / all defect images of the month at this step")
            .column("cumulative_share", DataTypes.DoubleType, "Sum of share over this rank and all better ranks")
            .column("rank", DataTypes.IntegerType, "1 = most frequent; ties ordered by defect_type")
            .partitionedBy("period")
            .writeMode(WriteMode.replacePartition("period", Granularity.MONTH))
            .check(
                    Check.notNull("process_step", "defect_type", "rank"),
                    Check.uniqueKey("period", "process_step", "defect_type"),
                    Check.uniqueKey("period", "process_step", "rank"),
                    Check.range("share", 0, 1),
                    Check.range("cumulative_share", 0, 1 + ROUNDING))
            .build();

    static final TableSpec LOT_YIELD = TableSpec.builder("lot_yield")
            .comment("Per lot over all its inspected images so far: capture span, images, defect images and yield")
            .column("lot_id", DataTypes.StringType, "Lot")
            .column("line_id", DataTypes.StringType, "Line of the lot (the smallest line_id if it ran on several)")
            .column("first_capture", DataTypes.DateType, "First capture day of the lot's images")
            .column("last_capture", DataTypes.DateType, "Last capture day of the lot's images")
            .column("images", DataTypes.LongType, "Inspected images of the lot")
            .column("defect_images", DataTypes.LongType, "Images labelled defect")
            .column("yield", DataTypes.DoubleType, "1 - defect_images / images")
            .writeMode(WriteMode.merge("lot_id"))
            .check(Check.range("yield", 0, 1), Check.sql("capture_span_ordered", "first_capture <= last_capture", "lot_id"))
            .build();

    static final TableSpec PROCESS_CORRELATION = TableSpec.builder("process_correlation")
            .comment("Per process step and parameter: correlation over lots between the lot's mean parameter value at that step and the lot's defect rate (all steps, all images so far)")
            .column("process_step", DataTypes.IntegerType, "Process step where the parameter was measured")
            .column("parameter", DataTypes.StringType, "Process parameter")
            .column("lots", DataTypes.LongType, "Lots with both a measured value and inspected images")
            .column("pearson_r", DataTypes.DoubleType, "Pearson correlation (null with fewer than 3 lots or a constant series)")
            .column("spearman_r", DataTypes.DoubleType, "Spearman correlation: Pearson of average ranks (null with fewer than 3 lots or a constant series)")
            .writeMode(WriteMode.overwrite())
            .check(
                    Check.notNull("process_step", "parameter"),
                    Check.uniqueKey("process_step", "parameter"),
                    Check.range("pearson_r", -1 - ROUNDING, 1 + ROUNDING),
                    Check.range("spearman_r", -1 - ROUNDING, 1 + ROUNDING))
            .build();

    static final List<TableSpec> ALL = List.of(IMAGE_FEATURES, DEFECT_STATS_DAILY, DEFECT_PARETO, LOT_YIELD, PROCESS_CORRELATION);

    private DefectTables() {}
}
