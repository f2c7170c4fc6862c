package dev.sparkjobs.defectimages;

import static java.util.Objects.requireNonNull;

import java.util.List;

import dev.sparkjobs.api.ConfigKey;
import dev.sparkjobs.api.JobConfig;

/** The job's configuration keys and their validated values for one run. */
record DefectImageStatsSettings(String imagesGlob, int maxStep, double minSharpness, int imagesPerTask, long maxPixels)
{
    static final ConfigKey<String> IMAGES_GLOB = ConfigKey.ofString("input.images.glob", "*.{png,jpg,jpeg}",
            "File-name glob of the image files under input.images (Hadoop glob syntax); <image_id>_mask files are never images");
    static final ConfigKey<Integer> MAX_STEP = ConfigKey.ofInteger("process.max-step", 25, "Highest process step number an inspection row may name")
            .withRange(1, 10_000);
    static final ConfigKey<Double> MIN_SHARPNESS = ConfigKey.ofDouble("quality.min-sharpness", 50,
            "Images whose sharpness (variance of the Laplacian of luma) is below this are flagged blurry").withMinimum(0.0);
    static final ConfigKey<Integer> IMAGES_PER_TASK = ConfigKey.ofInteger("decode.images-per-task", 64,
            "Images one Spark task decodes (one at a time); more tasks when there are more images").withRange(1, 100_000);
    static final ConfigKey<Long> MAX_PIXELS = ConfigKey.ofLong("decode.max-pixels", 50_000_000L,
            "Images and masks whose header declares more pixels (width x height) are flagged unreadable, not decoded;"
                    + " decoding takes about 12 bytes of task memory per pixel").withMinimum(1L);

    static final List<ConfigKey<?>> ALL = List.of(IMAGES_GLOB, MAX_STEP, MIN_SHARPNESS, IMAGES_PER_TASK, MAX_PIXELS);

    DefectImageStatsSettings
    {
        requireNonNull(imagesGlob, "imagesGlob is null");
        if (imagesGlob.isBlank()) {
            throw new IllegalArgumentException("imagesGlob is blank");
        }
        if (maxPixels < 1) {
            throw new IllegalArgumentException("maxPixels must be at least 1, got " + maxPixels);
        }
    }

    static DefectImageStatsSettings from(JobConfig config)
    {
        return new DefectImageStatsSettings(config.get(IMAGES_GLOB), config.get(MAX_STEP), config.get(MIN_SHARPNESS), config.get(IMAGES_PER_TASK),
                config.get(MAX_PIXELS));
    }
}
