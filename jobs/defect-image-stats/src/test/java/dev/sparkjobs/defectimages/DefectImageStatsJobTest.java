package dev.sparkjobs.defectimages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dev.sparkjobs.testing.CliRun;
import dev.sparkjobs.testing.DataFrameAssertions;
import dev.sparkjobs.testing.SharedSpark;

/** The job through the CLI on the tiny fixture: every table, the missing-row joins, re-runs, bad input. */
@ExtendWith(SharedSpark.class)
class DefectImageStatsJobTest
{
    private static final Date SEPTEMBER_2 = Date.valueOf("2024-09-02");
    private static final Date SEPTEMBER_3 = Date.valueOf("2024-09-03");

    @TempDir
    Path work;

    private SparkSession spark;
    private InspectionFixture fixture;
    private String lake;

    @BeforeEach
    void setUp(SparkSession spark)
            throws Exception
    {
        this.spark = spark;
        this.fixture = new InspectionFixture(work.resolve("input"));
        this.lake = work.resolve("lake").toString();
    }

    private CliRun run(String date)
    {
        List<String> settings = new ArrayList<>(List.of(
                "input.images=" + fixture.images,
                "input.masks=" + fixture.masks,
                "input.inspections=" + fixture.inspections,
                "input.process=" + fixture.process,
                "output.root=" + lake));
        return CliRun.withSettings(List.of("run", DefectImageStatsJob.NAME, "--date", date), settings);
    }

    private Dataset<Row> table(String name)
    {
        return spark.read().format("delta").load(lake + "/" + name);
    }

    @Test
    void daysRunRerunAndMissingRows()
            throws Exception
    {
        CliRun first = run("2024-09-02");
        assertThat(first.exitCode()).as(first.transcript()).isZero();
        assertThat(first.out()).as("run summary")
                .contains("inspections_without_image: 1", "images_without_inspection: 1", "images_unreadable: 1", "masks_unusable: 1",
                        "1 inspection row(s) have no image under", "e.g. ghost",
                        "have no inspection row: labelled unlabeled and dated by file modification time, e.g. f",
                        "e.png: Error reading PNG image data",
                        "is 3x3 but the image is 2x2");

        Map<String, Row> features = table("image_features").collectAsList().stream()
                .collect(Collectors.toMap(row -> row.getAs("image_id"), row -> row));
        assertThat(features.keySet()).as("images captured on 2024-09-02, the unlabeled one dated by its file time").containsExactlyInAnyOrder("a", "b", "c", "d", "e", "f");
        assertThat(table("image_features").inputFiles()).as("6 images of one date (decoded in 4 tasks) are written as one file").hasSize(1);

        Row a = features.get("a");
        assertThat(List.of(a.getAs("capture_date"), a.getAs("line_id"), a.getAs("process_step"), a.getAs("lot_id"), a.getAs("camera_id"),
                a.getAs("label"), a.getAs("defect_type"), a.getAs("width"), a.getAs("height"), a.getAs("channels"), a.getAs("bit_depth"),
                a.getAs("format"), a.getAs("file_bytes"), a.getAs("defect_regions"), a.getAs("quality_flag")))
                .as("row of a").containsExactly(SEPTEMBER_2, "line-1", 3, "L1", "cam-1", "defect", "scratch", 4, 4, 1, 8, "png",
                        Files.size(fixture.images.resolve("a.png")), 2, "ok");
        assertThat(a.<String>getAs("path")).as("path of a").isEqualTo("file:" + fixture.images.resolve("a.png"));
        assertThat(a.<Double>getAs("brightness")).as("brightness of a").isCloseTo(53.4375, within(1e-9));
        assertThat(a.<Double>getAs("contrast")).as("contrast of a").isCloseTo(Math.sqrt(8395.99609375), within(1e-9));
        assertThat(a.<Double>getAs("sharpness")).as("sharpness of a").isCloseTo(112500.0, within(1e-9));
        assertThat(a.<Double>getAs("underexposed_fraction")).as("underexposed of a").isEqualTo(11 / 16.0);
        assertThat(a.<Double>getAs("overexposed_fraction")).as("overexposed of a").isEqualTo(2 / 16.0);
        assertThat(a.<Double>getAs("defect_area_fraction")).as("3 mask pixels of 16").isEqualTo(3 / 16.0);
        assertThat(a.<String>getAs("decode_error")).as("decode error of a").isNull();

        Row b = features.get("b");
        assertThat(List.of(b.getAs("channels"), b.getAs("quality_flag"), b.getAs("label"))).as("b: flat RGB").containsExactly(3, "blurry", "ok");
        assertThat(b.<Double>getAs("brightness")).as("brightness of b: 0.299*100 + 0.587*200 + 0.114*50").isCloseTo(153.0, within(1e-9));
        Row c = features.get("c");
        double cVariance = (89.0 * 89 + 88 * 88 + 166 * 166 + 11 * 11) / 4;
        assertThat(List.of(c.getAs("bit_depth"), c.getAs("underexposed_fraction"), c.getAs("quality_flag")))
                .as("c: 16-bit grey 0, 1, 255, 100").containsExactly(16, 0.5, "ok");
        assertThat(c.<Double>getAs("brightness")).as("brightness of c").isCloseTo(89.0, within(1e-9));
        assertThat(c.<Double>getAs("contrast")).as("contrast of c").isCloseTo(Math.sqrt(cVariance), within(1e-9));
        assertThat(c.<Double>getAs("sharpness")).as("a 4x1 image has no interior pixels").isNull();
        Row d = features.get("d");
        assertThat(d.<Double>getAs("brightness")).as("d: RGBA, alpha ignored").isCloseTo((3 * 18.15 + 250) / 4, within(1e-9));
        assertThat(d.<Double>getAs("defect_area_fraction")).as("d's mask has the wrong size").isNull();
        Row e = features.get("e");
        assertThat(List.of(e.getAs("quality_flag"), e.getAs("format"), e.getAs("label"), e.getAs("lot_id"))).as("e: truncated")
                .containsExactly("unreadable", "png", "defect", "L1");
        assertThat(e.<String>getAs("decode_error")).as("decoder's message").startsWith("Error reading PNG image data");
        assertThat(e.<Object>getAs("width")).as("no width when unreadable").isNull();
        Row f = features.get("f");
        assertThat(java.util.Arrays.asList(f.getAs("label"), f.getAs("capture_date"), f.getAs("line_id"), f.getAs("process_step"), f.getAs("lot_id"),
                f.getAs("defect_area_fraction"), f.getAs("quality_flag")))
                .as("f: no inspection row").containsExactly("unlabeled", SEPTEMBER_2, null, null, null, null, "ok");

        // line-1 step 3: a (defect, mask 3/16), b (ok, blurry), e (defect, unreadable); line-2 step 5: c, d (defect, bad mask); f unlabeled
        Dataset<Row> expectedDaily = spark.createDataFrame(List.of(
                RowFactory.create(SEPTEMBER_2, "line-1", 3, 3L, 2L, 2 / 3.0, 1L, 1L, 3 / 16.0),
                RowFactory.create(SEPTEMBER_2, "line-2", 5, 2L, 1L, 0.5, 0L, 0L, null),
                RowFactory.create(SEPTEMBER_2, null, null, 1L, 0L, null, 0L, 0L, null)), DefectTables.DEFECT_STATS_DAILY.schema());
        DataFrameAssertions.assertSameRows("defect_stats_daily after 2024-09-02", expectedDaily, table("defect_stats_daily"), 1e-12);
        assertLotYield("after 2024-09-02", RowFactory.create("L1", "line-1", SEPTEMBER_2, SEPTEMBER_2, 3L, 2L, 1 / 3.0));
        Dataset<Row> expectedCorrelation = spark.createDataFrame(List.<Row>of(RowFactory.create(3, "temp", 2L, null, null)),
                DefectTables.PROCESS_CORRELATION.schema());
        DataFrameAssertions.assertSameRows("process_correlation: two lots only", expectedCorrelation, table("process_correlation"), 1e-12);

        CliRun second = run("2024-09-03");
        assertThat(second.exitCode()).as(second.transcript()).isZero();
        assertThat(second.out()).as("no missing rows on 2024-09-03").contains("inspections_without_image: 0", "images_without_inspection: 0");
        Date september = Date.valueOf("2024-09-01");
        Dataset<Row> expectedPareto = spark.createDataFrame(List.of(
                RowFactory.create(september, 3, "scratch", 2L, 2 / 3.0, 2 / 3.0, 1),
                RowFactory.create(september, 3, "crack", 1L, 1 / 3.0, 1.0, 2),
                RowFactory.create(september, 5, "spot", 1L, 1.0, 1.0, 1)), DefectTables.DEFECT_PARETO.schema());
        DataFrameAssertions.assertSameRows("defect_pareto: the month so far", expectedPareto, table("defect_pareto"), 1e-12);
        assertLotYield("after 2024-09-03", RowFactory.create("L1", "line-1", SEPTEMBER_2, SEPTEMBER_3, 4L, 3L, 0.25));

        long versionBefore = io.delta.tables.DeltaTable.forPath(spark, lake + "/image_features").history(1).first().getAs("version");
        CliRun rerun = run("2024-09-02");
        assertThat(rerun.exitCode()).as(rerun.transcript()).isZero();
        assertThat(table("image_features").count()).as("re-running 2024-09-02 replaces its rows").isEqualTo(7);
        assertThat(table("image_features").filter("capture_date = DATE'2024-09-02'").count()).as("2024-09-02 rows").isEqualTo(6);
        assertThat(io.delta.tables.DeltaTable.forPath(spark, lake + "/image_features").history(1).first().<Long>getAs("version"))
                .as("a new commit").isEqualTo(versionBefore + 1);
        DataFrameAssertions.assertSameRows("defect_stats_daily after the re-run", expectedDaily.unionByName(spark.createDataFrame(List.of(
                        RowFactory.create(SEPTEMBER_3, "line-1", 3, 1L, 1L, 1.0, 0L, 1L, null)), DefectTables.DEFECT_STATS_DAILY.schema())),
                table("defect_stats_daily"), 1e-12);
        DataFrameAssertions.assertSameRows("defect_pareto after the re-run", expectedPareto, table("defect_pareto"), 1e-12);
        assertLotYield("after the re-run", RowFactory.create("L1", "line-1", SEPTEMBER_2, SEPTEMBER_3, 4L, 3L, 0.25));
    }

    private void assertLotYield(String context, Row lotOne)
    {
        Dataset<Row> expected = spark.createDataFrame(List.of(lotOne,
                RowFactory.create("L2", "line-2", SEPTEMBER_2, SEPTEMBER_2, 2L, 1L, 0.5)), DefectTables.LOT_YIELD.schema());
        DataFrameAssertions.assertSameRows("lot_yield " + context, expected, table("lot_yield"), 1e-12);
    }

    @Test
    void badLabelsFailTheRunAndPublishNothing()
    {
        fixture.writeInspections(List.of(
                "a,2024-09-02 08:00:00,line-1,3,L1,cam-1,defect,scratch",
                "b,2024-09-02 09:00:00,line-1,3,L1,cam-1,broken,",
                "c,2024-09-02 10:00:00,line-2,31,L2,cam-2,ok,"));
        CliRun failed = run("2024-09-02");
        assertThat(failed.exitCode()).as(failed.transcript()).isEqualTo(3);
        assertThat(failed.err()).as("error")
                .contains("Data-quality checks failed for job defect-image-stats; nothing was published")
                .contains("1 row(s) whose label is not ok or defect, e.g. image_id b has 'broken'")
                .contains("1 row(s) whose process_step is not a number in 1..25, e.g. image_id c has '31': fix the rows or raise process.max-step");
        assertThat(Files.exists(Path.of(lake, "image_features"))).as("no table written").isFalse();
    }

    @Test
    void inspectionsWithoutAColumnAreAUsageError()
    {
        dev.sparkjobs.testing.TestFiles.write(fixture.inspections.resolve("inspections.csv"), List.of(
                "image_id,captured_at,line_id,process_step,camera_id,label,defect_type",
                "a,2024-09-02 08:00:00,line-1,3,cam-1,defect,scratch"));
        CliRun failed = run("2024-09-02");
        assertThat(failed.exitCode()).as(failed.transcript()).isEqualTo(2);
        assertThat(failed.err()).as("error").contains("Cannot read input input.inspections: column lot_id is missing in file:"
                + fixture.inspections.resolve("inspections.csv"));
        assertThat(Files.exists(Path.of(lake, "image_features"))).as("no table written").isFalse();
    }
}
