package dev.sparkjobs.defectimages;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import dev.sparkjobs.testing.TestFiles;

/**
 * Inspection data of September 2024 (and one August image) for the report's tests; every image is
 * the same 3x3 grey PNG, since the report reads labels, steps, lots and days only.
 * <ul>
 * <li>step 3, line-1: ten images a day on 2024-09-02..06; image i belongs to lot L(i % 5 + 1).
 *     On 09-02..05 image 0 is a scratch; on 09-06 images 0..7 are defects (a day out of control):
 *     scratch, scratch, spot, spot, spot, spot, crack and one without a type (unspecified).</li>
 * <li>step 5, line-2, 2024-09-03: lot M1, four images: a spot, a crack and two ok.</li>
 * <li>steps 10..22, line-3, 2024-09-04: two ok images each, each in a lot of its own (26 lots).</li>
 * <li>2024-08-30, step 3: lot A1, one scratch.</li>
 * <li>process parameters of lots L1..L5 and M1 at steps 1..4, value (k * c mod 13) + step / 2 for the
 *     lot's index k and c = 3 step + parameter index + 2 (c = 13, pressure_kpa at step 3, is constant),
 *     and humidity at step 9 for two lots only.</li>
 * </ul>
 */
final class MonthOfInspections
{
    static final List<String> LOTS_WITH_PARAMETERS = List.of("L1", "L2", "L3", "L4", "L5", "M1");
    static final List<String> PARAMETERS = List.of("oven_temp_c", "line_speed_m_min", "pressure_kpa");

    private static final String[] SEPTEMBER_6_DEFECTS = {"scratch", "scratch", "spot", "spot", "spot", "spot", "crack", ""};

    final Path images;
    final Path inspections;
    final Path process;

    private final byte[] image = TestImages.grey(new int[][] {{10, 200, 30}, {90, 0, 160}, {250, 40, 120}});
    private final List<String> rows = new ArrayList<>();

    MonthOfInspections(Path root)
    {
        images = root.resolve("images");
        inspections = root.resolve("inspections");
        process = root.resolve("process");
        for (int day = 2; day <= 6; day++) {
            for (int i = 0; i < 10; i++) {
                String defect = day < 6 ? (i == 0 ? "scratch" : null) : (i < SEPTEMBER_6_DEFECTS.length ? SEPTEMBER_6_DEFECTS[i] : null);
                inspection(String.format(Locale.ROOT, "s3-%02d-%d", day, i), String.format(Locale.ROOT, "2024-09-%02d", day), "line-1", 3, "L" + (i % 5 + 1), defect);
            }
        }
        inspection("s5-0", "2024-09-03", "line-2", 5, "M1", "spot");
        inspection("s5-1", "2024-09-03", "line-2", 5, "M1", "crack");
        inspection("s5-2", "2024-09-03", "line-2", 5, "M1", null);
        inspection("s5-3", "2024-09-03", "line-2", 5, "M1", null);
        for (int step = 10; step <= 22; step++) {
            for (int i = 1; i <= 2; i++) {
                inspection("s" + step + "-" + i, "2024-09-04", "line-3", step, "F" + step + "-" + i, null);
            }
        }
        inspection("august", "2024-08-30", "line-1", 3, "A1", "scratch");
        List<String> lines = new ArrayList<>(List.of(InspectionFixture.HEADER));
        lines.addAll(rows);
        TestFiles.write(inspections.resolve("inspections.csv"), lines);
        TestFiles.write(process.resolve("process.csv"), processRows());
    }

    /** An image and its inspection row; {@code defect} null is an ok image, "" a defect without a type. */
    private void inspection(String imageId, String day, String line, int step, String lot, String defect)
    {
        TestImages.write(images.resolve(imageId + ".png"), image);
        String label = defect == null ? "ok" : "defect";
        rows.add(String.join(",", imageId, day + " 10:00:00", line, String.valueOf(step), lot, "cam-1", label, defect == null ? "" : defect));
    }

    private static List<String> processRows()
    {
        List<String> lines = new ArrayList<>(List.of("lot_id,process_step,measured_at,parameter,value"));
        for (int k = 1; k <= LOTS_WITH_PARAMETERS.size(); k++) {
            for (int step = 1; step <= 4; step++) {
                for (int parameter = 0; parameter < PARAMETERS.size(); parameter++) {
                    int c = 3 * step + parameter + 2;
                    lines.add(String.join(",", LOTS_WITH_PARAMETERS.get(k - 1), String.valueOf(step), "2024-09-01 06:00:00", PARAMETERS.get(parameter),
                            String.valueOf((k * c) % 13 + step / 2.0)));
                }
            }
        }
        lines.add("L1,9,2024-09-01 06:00:00,humidity,40");
        lines.add("L2,9,2024-09-01 06:00:00,humidity,45");
        return lines;
    }
}
