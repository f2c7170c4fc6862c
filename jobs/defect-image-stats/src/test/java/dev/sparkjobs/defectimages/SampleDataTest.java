package dev.sparkjobs.defectimages;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dev.sparkjobs.testing.CliRun;
import dev.sparkjobs.testing.SharedSpark;

/** The sample generator's images carry what it planted, and the job runs on them end to end. */
@ExtendWith(SharedSpark.class)
class SampleDataTest
{
    private static final int SCALE = 100;
    private static final long SEED = 42;

    @TempDir
    Path work;

    @Test
    void jobFindsWhatTheGeneratorPlanted(SparkSession spark)
    {
        Path sample = work.resolve("sample");
        CliRun generate = CliRun.of("sample-data", DefectImageStatsJob.NAME, "--out", sample.toString(), "--scale", String.valueOf(SCALE),
                "--seed", String.valueOf(SEED));
        assertThat(generate.exitCode()).as(generate.transcript()).isZero();
        assertThat(generate.out()).contains("--set scope=all", "--set input.images=");

        String lake = work.resolve("lake").toString();
        List<String> settings = new ArrayList<>(List.of(
                "input.images=" + sample.resolve("images"),
                "input.masks=" + sample.resolve("masks"),
                "input.inspections=" + sample.resolve("inspections"),
                "input.process=" + sample.resolve("process"),
                "scope=all",
                "output.root=" + lake));
        CliRun run = CliRun.withSettings(List.of("run", DefectImageStatsJob.NAME, "--date", "2024-09-06"), settings);
        assertThat(run.exitCode()).as(run.transcript()).isZero();

        List<DefectImageSampleData.Plan> plans = LongStream.range(0, SCALE).mapToObj(index -> DefectImageSampleData.Plan.of(SEED, index, SCALE)).toList();
        Dataset<Row> features = spark.read().format("delta").load(lake + "/image_features");
        Map<String, Row> byId = features.collectAsList().stream().collect(Collectors.toMap(row -> row.getAs("image_id"), row -> row));
        assertThat(byId).as("one row per generated image").hasSize(SCALE);
        for (DefectImageSampleData.Plan plan : plans) {
            Row row = byId.get(plan.imageId());
            String expectedFlag = plan.corrupt() ? "unreadable" : switch (plan.look()) {
                case BLURRED -> "blurry";
                case DARK -> "underexposed";
                case BLOWN_OUT -> "overexposed";
                case NORMAL -> "ok";
            };
            assertThat(row.<String>getAs("quality_flag")).as("quality flag of %s (%s)", plan.imageId(), plan).isEqualTo(expectedFlag);
            assertThat(row.<String>getAs("label")).as("label of %s", plan.imageId())
                    .isEqualTo(!plan.inspected() ? "unlabeled" : plan.defect() ? "defect" : "ok");
            if (plan.defect() && !plan.corrupt()) {
                assertThat(row.<Double>getAs("defect_area_fraction")).as("defect area of %s", plan.imageId()).isPositive();
                assertThat(row.<Integer>getAs("defect_regions")).as("defect regions of %s", plan.imageId()).isPositive();
            }
        }
        assertThat(run.out()).as("the run lists inspection rows without an image").contains("inspection row(s) have no image", "img-lost-0");

        Row temperature = spark.read().format("delta").load(lake + "/process_correlation")
                .filter("parameter = 'oven_temp_c' AND process_step = " + DefectImageSampleData.PLANTED_TEMPERATURE_STEP).first();
        assertThat(temperature.<Double>getAs("spearman_r")).as("planted correlation of oven_temp_c at step 7").isGreaterThan(0.4);
    }
}
