package dev.sparkjobs.defectimages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dev.sparkjobs.testing.CliRun;
import dev.sparkjobs.testing.S3Proxy;
import dev.sparkjobs.testing.SharedS3;
import dev.sparkjobs.testing.SharedSpark;

/** Images, masks and inspections read from s3a:// through a real S3 API server. */
@ExtendWith({SharedSpark.class, SharedS3.class})
class ImagesOnS3Test
{
    @TempDir
    Path work;

    @Test
    void decodesImagesFromS3(SparkSession spark, S3Proxy s3)
            throws Exception
    {
        InspectionFixture fixture = new InspectionFixture(work.resolve("input"));
        String bucket = s3.createBucket("images");
        s3.upload(fixture.images, bucket, "camera/images");
        s3.upload(fixture.masks, bucket, "camera/masks");
        s3.upload(fixture.inspections, bucket, "camera/inspections");
        List<String> settings = new ArrayList<>(s3.settings());
        settings.add("input.images=s3a://" + bucket + "/camera/images/");
        settings.add("input.masks=s3a://" + bucket + "/camera/masks/");
        settings.add("input.inspections=s3a://" + bucket + "/camera/inspections/");
        settings.add("output.root=" + work.resolve("lake"));
        settings.add("scope=all");
        CliRun run = CliRun.withSettings(List.of("run", DefectImageStatsJob.NAME, "--date", "2024-09-03"), settings);
        assertThat(run.exitCode()).as(run.transcript()).isZero();

        Map<String, Row> features = spark.read().format("delta").load(work.resolve("lake/image_features").toString()).collectAsList().stream()
                .collect(Collectors.toMap(row -> row.getAs("image_id"), row -> row));
        // f's S3 object is dated by its upload, so its capture date is today's; every other image has an inspection row
        assertThat(features.keySet()).as("all images of all dates").containsExactlyInAnyOrder("a", "b", "c", "d", "e", "f", "g");
        Row a = features.get("a");
        assertThat(a.<String>getAs("path")).as("path").isEqualTo("s3a://" + bucket + "/camera/images/a.png");
        assertThat(a.<Double>getAs("brightness")).as("brightness of a").isCloseTo(53.4375, within(1e-9));
        assertThat(a.<Integer>getAs("defect_regions")).as("regions of a's mask").isEqualTo(2);
        assertThat(features.get("c").<Integer>getAs("bit_depth")).as("16-bit grey").isEqualTo(16);
        assertThat(features.get("e").<String>getAs("quality_flag")).as("truncated file").isEqualTo("unreadable");
        assertThat(run.out()).as("no process input").contains("input.process is not set: process_correlation is left as it is");
    }
}
