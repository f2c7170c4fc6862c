package dev.sparkjobs.defectimages;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import dev.sparkjobs.testing.TestFiles;

/**
 * A tiny inspection data set written by the tests: seven images of every supported kind on two
 * days, masks (one of the wrong size), a corrupt file, an image without an inspection row and an
 * inspection row without an image.
 */
final class InspectionFixture
{
    static final String HEADER = "image_id,captured_at,line_id,process_step,lot_id,camera_id,label,defect_type";

    final Path images;
    final Path masks;
    final Path inspections;
    final Path process;

    InspectionFixture(Path root)
            throws Exception
    {
        images = root.resolve("images");
        masks = root.resolve("masks");
        inspections = root.resolve("inspections");
        process = root.resolve("process");
        TestImages.write(images.resolve("a.png"), TestImages.grey(ImageFeaturesTest.HAND_IMAGE));
        TestImages.write(images.resolve("b.png"), TestImages.rgb(TestImages.uniform(3, 3, 100, 200, 50)));
        TestImages.write(images.resolve("cam2/c.png"), TestImages.grey16(new int[][] {{0, 257, 65535, 25700}}));
        TestImages.write(images.resolve("cam2/d.png"), TestImages.rgba(new int[][][] {
                {{10, 20, 30, 0}, {10, 20, 30, 255}},
                {{10, 20, 30, 128}, {250, 250, 250, 7}}}));
        byte[] noise = ImageFeaturesTest.noise(32, 32);
        TestImages.write(images.resolve("e.png"), Arrays.copyOf(noise, noise.length / 2));
        TestImages.write(images.resolve("f.png"), TestImages.grey(ImageFeaturesTest.HAND_IMAGE));
        Files.setLastModifiedTime(images.resolve("f.png"), FileTime.from(Instant.parse("2024-09-02T12:00:00Z")));
        TestImages.write(images.resolve("day2/g.png"), TestImages.grey(new int[][] {{20, 20, 20}, {20, 20, 20}, {20, 20, 20}}));
        TestFiles.write(images.resolve("notes.txt"), List.of("not an image: skipped by the glob"));
        // a: pixels (0,0) and (1,1) touch diagonally, (3,3) alone: 3 pixels, 2 regions
        TestImages.write(masks.resolve("a_mask.png"), TestImages.grey(new int[][] {{255, 0, 0, 0}, {0, 255, 0, 0}, {0, 0, 0, 0}, {0, 0, 0, 255}}));
        TestImages.write(masks.resolve("d_mask.png"), TestImages.grey(new int[][] {{255, 0, 0}, {0, 0, 0}, {0, 0, 0}}));
        writeInspections(List.of(
                "a,2024-09-02 08:00:00,line-1,3,L1,cam-1,defect,scratch",
                "b,2024-09-02 09:00:00,line-1,3,L1,cam-1,ok,NULL",
                "c,2024-09-02T10:00:00Z,line-2,5,L2,cam-2,ok,",
                "d,2024-09-02 11:00:00,line-2,5,L2,cam-2,defect,spot",
                "e,2024-09-02 12:00:00,line-1,3,L1,cam-1,defect,scratch",
                "g,2024-09-03 10:00:00,line-1,3,L1,cam-1,defect,crack",
                "ghost,2024-09-02 13:00:00,line-1,3,L3,cam-1,ok,"));
        TestFiles.write(process.resolve("process.csv"), List.of(
                "lot_id,process_step,measured_at,parameter,value",
                "L1,3,2024-09-01 06:00:00,temp,10",
                "L1,3,2024-09-01 07:00:00,temp,12",
                "L2,3,2024-09-01 06:00:00,temp,20"));
    }

    void writeInspections(List<String> rows)
    {
        List<String> lines = new java.util.ArrayList<>();
        lines.add(HEADER);
        lines.addAll(rows);
        TestFiles.write(inspections.resolve("inspections.csv"), lines);
    }
}
