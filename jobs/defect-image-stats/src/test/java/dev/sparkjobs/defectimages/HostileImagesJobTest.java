package dev.sparkjobs.defectimages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dev.sparkjobs.testing.CliRun;
import dev.sparkjobs.testing.SharedSpark;
import dev.sparkjobs.testing.TestFiles;

/**
 * Hostile images and inspection rows through the CLI: each bad file is a row flagged unreadable
 * (or a mask error) with its reason while the other images are computed as usual; bad inspection
 * rows fail the run before anything is decoded.
 */
@ExtendWith(SharedSpark.class)
class HostileImagesJobTest
{
    private static final String DAY = "2024-09-02";
    private static final List<String> BOMBS = List.of("png-bomb", "jpeg-bomb-1", "jpeg-bomb-2", "jpeg-bomb-3", "jpeg-bomb-4");
    private static final String JPEG_BOMB = "the JPEG header declares 25000x25000 = 625000000 pixels, more than the limit of 50000000 (decode.max-pixels):"
            + " refused before decoding, which would take about 7.5 GB of memory (a decompression bomb or a corrupt header?);"
            + " raise decode.max-pixels if images this large are real";
    private static final String PNG_BOMB = "the PNG header declares 60000x60000 = 3600000000 pixels, more than the limit of 50000000 (decode.max-pixels):"
            + " refused before decoding, which would take about 43.2 GB of memory (a decompression bomb or a corrupt header?);"
            + " raise decode.max-pixels if images this large are real";

    @TempDir
    Path work;

    private CliRun run(Path images, Path inspections, String... extra)
    {
        List<String> settings = new ArrayList<>(List.of(
                "input.images=" + images,
                "input.inspections=" + inspections,
                "output.root=" + work.resolve("lake")));
        settings.addAll(List.of(extra));
        return CliRun.withSettings(List.of("run", DefectImageStatsJob.NAME, "--date", DAY), settings);
    }

    private static String inspection(String imageId, String capturedAt)
    {
        return imageId + "," + capturedAt + ",line-1,3,L1,cam-1,ok,";
    }

    @Test
    void hostileFilesAreFlaggedAndTheOtherImagesComputed(SparkSession spark)
            throws Exception
    {
        Path images = work.resolve("images");
        Path masks = work.resolve("masks");
        byte[] good = TestImages.grey(ImageFeaturesTest.HAND_IMAGE);
        TestImages.write(images.resolve("ok.png"), good);
        TestImages.write(masks.resolve("ok_mask.png"), TestImages.grey(new int[][] {{255, 0, 0, 0}, {0, 255, 0, 0}, {0, 0, 0, 0}, {0, 0, 0, 255}}));
        TestImages.write(images.resolve("empty.png"), new byte[0]);
        TestImages.write(images.resolve("png-bomb.png"), HostileImages.pngBomb(60_000, 60_000));
        for (int i = 1; i <= 4; i++) {
            TestImages.write(images.resolve("cam" + i + "/jpeg-bomb-" + i + ".jpg"), HostileImages.jpegBomb(25_000, 25_000));
        }
        TestImages.write(images.resolve("truncated.png"), Arrays.copyOf(good, 20));
        TestImages.write(images.resolve("cmyk.jpg"), HostileImages.cmykJpeg());
        TestImages.write(images.resolve("wrong-mask.png"), good);
        TestImages.write(masks.resolve("wrong-mask_mask.png"), TestImages.grey(new int[][] {{255, 0, 0}, {0, 0, 0}, {0, 0, 0}}));
        TestImages.write(images.resolve("mask-bomb.png"), good);
        TestImages.write(masks.resolve("mask-bomb_mask.png"), HostileImages.pngBomb(60_000, 60_000));
        List<String> ids = List.of("ok", "empty", "png-bomb", "jpeg-bomb-1", "jpeg-bomb-2", "jpeg-bomb-3", "jpeg-bomb-4", "truncated", "cmyk",
                "wrong-mask", "mask-bomb");
        List<String> rows = new ArrayList<>();
        rows.add(InspectionFixture.HEADER);
        for (int i = 0; i < ids.size(); i++) {
            rows.add(inspection(ids.get(i), DAY + " 08:" + (10 + i) + ":00"));
        }
        Path inspections = work.resolve("inspections");
        TestFiles.write(inspections.resolve("inspections.csv"), rows);

        // one image per task: the five bombs are decoded by different tasks, at the same time on both cores
        CliRun run = run(images, inspections, "input.masks=" + masks, "decode.images-per-task=1");
        assertThat(run.exitCode()).as(run.transcript()).isZero();
        assertThat(run.out()).as("run summary")
                .contains("images: 11", "images_unreadable: 7", "masks_unusable: 2", "inspections_without_image: 0", "images_without_inspection: 0",
                        "7 image(s) could not be decoded and are flagged unreadable");

        Map<String, Row> features = spark.read().format("delta").load(work.resolve("lake/image_features").toString()).collectAsList().stream()
                .collect(Collectors.toMap(row -> row.getAs("image_id"), row -> row));
        assertThat(features.keySet()).as("one row per image, the empty one included").containsExactlyInAnyOrderElementsOf(ids);

        Row empty = features.get("empty");
        assertThat(Arrays.asList(empty.getAs("quality_flag"), empty.getAs("file_bytes"), empty.getAs("format"), empty.getAs("path")))
                .as("the empty file").containsExactly("unreadable", 0L, null, "file:" + images.resolve("empty.png"));
        assertThat(empty.<String>getAs("decode_error")).as("why the empty file is unreadable")
                .isEqualTo("the file is empty (0 bytes): it was created but its data never written (an interrupted upload or copy?);"
                        + " copy the image again from the camera");
        for (String bomb : BOMBS) {
            Row row = features.get(bomb);
            assertThat(Arrays.asList(row.getAs("quality_flag"), row.getAs("width"), row.getAs("format")))
                    .as("flag, width and format of %s", bomb).containsExactly("unreadable", null, bomb.startsWith("png") ? "png" : "jpeg");
            assertThat(row.<String>getAs("decode_error")).as("reason of %s", bomb).isEqualTo(bomb.startsWith("png") ? PNG_BOMB : JPEG_BOMB);
        }
        assertThat(features.get("truncated").<String>getAs("decode_error")).as("a PNG cut inside its header")
                .isEqualTo("the PNG header is truncated: the file ends after 20 bytes, before the image size in its IHDR chunk (bytes 16-23);"
                        + " the file was cut off, copy it again from the camera");

        Row ok = features.get("ok");
        assertThat(Arrays.asList(ok.getAs("quality_flag"), ok.getAs("width"), ok.getAs("defect_regions"), ok.getAs("decode_error")))
                .as("the good image among them").containsExactly("ok", 4, 2, null);
        assertThat(ok.<Double>getAs("brightness")).as("brightness of the good image (InspectionFixture's a)").isCloseTo(53.4375, within(1e-9));
        assertThat(ok.<Double>getAs("defect_area_fraction")).as("3 mask pixels of 16").isEqualTo(3 / 16.0);

        Row cmyk = features.get("cmyk");
        assertThat(Arrays.asList(cmyk.getAs("format"), cmyk.getAs("channels"), cmyk.getAs("width"), cmyk.getAs("decode_error")))
                .as("the CMYK JPEG decodes").containsExactly("jpeg", 4, 8, null);
        assertThat(cmyk.<Double>getAs("brightness")).as("brightness of the CMYK JPEG, as HostileImageDecodeTest checks pixel by pixel")
                .isCloseTo(ImageFeatures.of(ImageDecoder.decode(HostileImages.cmykJpeg())).brightness(), within(1e-9));

        Row wrongMask = features.get("wrong-mask");
        assertThat(Arrays.asList(wrongMask.getAs("quality_flag"), wrongMask.getAs("defect_area_fraction")))
                .as("an image whose mask has another size: decoded, no defect area").containsExactly("ok", null);
        assertThat(run.out()).as("the mask's reason")
                .contains("mask file:" + masks.resolve("wrong-mask_mask.png") + " is 3x3 but the image is 4x4: a mask marks the image's own pixels,"
                        + " so it must have the image's size (another image's mask, or resized?); write the mask at 4x4");
        Row maskBomb = features.get("mask-bomb");
        assertThat(Arrays.asList(maskBomb.getAs("quality_flag"), maskBomb.getAs("defect_area_fraction")))
                .as("an image whose mask is a bomb: decoded, no defect area").containsExactly("ok", null);
        assertThat(run.out()).as("the mask bomb's reason")
                .contains("mask file:" + masks.resolve("mask-bomb_mask.png") + " cannot be decoded: " + PNG_BOMB);
    }

    @Test
    void duplicateImageIdsFailTheRunBeforeDecoding()
    {
        Path images = work.resolve("images");
        TestImages.write(images.resolve("a.png"), TestImages.grey(ImageFeaturesTest.HAND_IMAGE));
        TestImages.write(images.resolve("b.png"), TestImages.grey(ImageFeaturesTest.HAND_IMAGE));
        Path inspections = work.resolve("inspections");
        TestFiles.write(inspections.resolve("inspections.csv"), List.of(InspectionFixture.HEADER,
                inspection("a", DAY + " 08:00:00"), inspection("b", DAY + " 09:00:00"), inspection("a", DAY + " 10:00:00"),
                inspection("a", "2024-09-01 10:00:00")));

        CliRun failed = run(images, inspections);
        assertThat(failed.exitCode()).as(failed.transcript()).isEqualTo(3);
        assertThat(failed.err()).as("error")
                .contains("Data-quality checks failed for job defect-image-stats; nothing was published")
                .contains("1 image_id(s) with more than one inspection row, e.g. image_id a has 3 rows: an image is inspected once,"
                        + " so its statistics would count it once per row; keep one row per image_id (a file exported twice?)");
        assertThat(Files.exists(work.resolve("lake/image_features"))).as("no table written").isFalse();
    }

    @Test
    void anUnparseableTimestampFailsTheRunBeforeDecoding()
    {
        Path images = work.resolve("images");
        TestImages.write(images.resolve("a.png"), TestImages.grey(ImageFeaturesTest.HAND_IMAGE));
        Path inspections = work.resolve("inspections");
        TestFiles.write(inspections.resolve("inspections.csv"), List.of(InspectionFixture.HEADER,
                inspection("a", DAY + " 08:00:00"), inspection("b", "02/09/2024 8am")));

        CliRun failed = run(images, inspections);
        assertThat(failed.exitCode()).as(failed.transcript()).isEqualTo(3);
        assertThat(failed.err()).as("error")
                .contains("Data-quality checks failed for job defect-image-stats; nothing was published")
                .contains("1 row(s) whose captured_at is not a timestamp, e.g. image_id b has '02/09/2024 8am':"
                        + " write it as YYYY-MM-DD HH:MM:SS or an ISO-8601 timestamp");
        assertThat(Files.exists(work.resolve("lake/image_features"))).as("no table written").isFalse();
    }
}
