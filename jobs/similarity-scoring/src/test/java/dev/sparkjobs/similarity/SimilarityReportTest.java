package dev.sparkjobs.similarity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dev.sparkjobs.api.report.Chart;
import dev.sparkjobs.api.report.DataTable;
import dev.sparkjobs.api.report.Note;
import dev.sparkjobs.api.report.Report;
import dev.sparkjobs.testing.HarnessRun;
import dev.sparkjobs.testing.JobHarness;
import dev.sparkjobs.testing.SharedSpark;
import dev.sparkjobs.testing.TestFiles;

/**
 * The report's numbers against the published tables, after one run on a snapshot whose five scored
 * listings have hand-computed scores: 30 random genuine b0 listings and two genuine Acme ones (GA,
 * GB); S1 a counterfeit of GA (score 1), S2 a grey-market look-alike (score 0.45), U1-U3 of brand
 * zeta, which no seller is authorized for (no match, score 0). The run sets score.threshold = 0.4,
 * not the default 0.8, so the report must take the run's threshold.
 */
@ExtendWith(SharedSpark.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SimilarityReportTest
{
    private static final LocalDate DATE = LocalDate.parse("2024-09-30");
    private static final int DIMENSION = 8;
    private static final StructType LISTINGS = new StructType()
            .add("listing_id", DataTypes.StringType)
            .add("seller_id", DataTypes.StringType)
            .add("brand", DataTypes.StringType)
            .add("title", DataTypes.StringType)
            .add("price", DataTypes.DoubleType)
            .add("embedding", DataTypes.createArrayType(DataTypes.FloatType))
            .add("listed_at", DataTypes.TimestampType);

    private SparkSession spark;
    private Path work;
    private JobHarness harness;
    private HarnessRun run;
    private Report report;

    @BeforeAll
    void runOnce(SparkSession spark, @TempDir Path work)
    {
        this.spark = spark;
        this.work = work;
        writeFixture();
        harness = JobHarness.onLocalLake(spark, SimilarityScoringJob.NAME, work.resolve("lake"))
                .input(ListingsInput.LISTINGS, work.resolve("listings").toString())
                .input(ListingsInput.AUTHORIZED_SELLERS, work.resolve("authorized").toString())
                .set(SimilarityKeys.SCORE_THRESHOLD.name(), "0.4");
        run = harness.run(DATE.toString()).assertSucceeded();
        report = harness.report(Optional.of(DATE));
    }

    private void writeFixture()
    {
        Random random = new Random(7);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            float[] vector = new float[DIMENSION];
            for (int d = 0; d < DIMENSION; d++) {
                // little weight on the first two axes keeps the random listings far from the Acme ones
                vector[d] = (float) (random.nextGaussian() * (d < 2 ? 0.05 : 1.0));
            }
            rows.add(row(String.format("G%02d", i), "store-0", "b0", "genuine gadget number " + i, 50 + i, vector));
        }
        rows.add(row("GA", "acme-store", "Acme", "Acme trail runner sneakers", 100, vector(1f, 0f)));
        rows.add(row("GB", "acme-store", "Acme", "Acme trail runner sneakers v2", 120, vector(1f, -0.2f)));
        rows.add(row("S1", "fake-1", "Acme", "Acme trail runner sneakers", 30, vector(1f, 0.1f)));
        rows.add(row("S2", "grey-1", "Acme", "Imported footwear item", 105, vector(1f, 0f, 0.2f)));
        for (int i = 1; i <= 3; i++) {
            rows.add(row("U" + i, "zeta-shop", "zeta", "zeta bag " + i, 20, vector(0f, 0f, 0f, i, 1f)));
        }
        spark.createDataFrame(rows, LISTINGS).coalesce(1).write().parquet(work.resolve("listings").toString());
        TestFiles.write(work.resolve("authorized/sellers.csv"), List.of("brand,seller_id", "b0,store-0", "acme,acme-store"));
    }

    private static Row row(String id, String seller, String brand, String title, double price, float[] embedding)
    {
        List<Float> values = new ArrayList<>();
        for (float value : embedding) {
            values.add(value);
        }
        return RowFactory.create(id, seller, brand, title, price, values, Timestamp.valueOf("2024-09-29 10:00:00"));
    }

    private static float[] vector(float... leading)
    {
        return Arrays.copyOf(leading, DIMENSION);
    }

    private Dataset<Row> scoresOfDate()
    {
        return run.table("fraud_scores").where("run_date = DATE'" + DATE + "'");
    }

    @Test
    void scoreDistributionHasEveryScoredListingInItsBin()
    {
        Chart.Series listings = ((Chart) report.block(SimilarityReport.SCORE_DISTRIBUTION)).series("listings");
        assertThat(listings.points()).as("one bar per bin of width 0.05 over [0, 1]").hasSize(20);
        assertThat(listings.points().get(0).category()).isEqualTo("0.00-0.05");
        assertThat(listings.points().get(19).category()).isEqualTo("0.95-1.00");

        // By hand: U1-U3 have no genuine match (nobody is authorized for zeta), so every signal is 0: score 0.
        assertThat(listings.valueAt("0.00-0.05")).as("U1, U2, U3 at score 0").contains(3.0);
        // S2: cos(S2, GA) = 1 / sqrt(1.04) = 0.981 >= 0.95, so E = 1; disjoint titles, T = 0; price 105 / median(100, 120) = 0.95 >= 0.9,
        // so P = 0: score = 0.45 x 1 / (0.45 + 0.20 + 0.35) = 0.45, in [0.45, 0.50).
        assertThat(listings.valueAt("0.45-0.50")).as("S2 at score 0.45").contains(1.0);
        // S1: cos(S1, GA) = 1 / sqrt(1.01) = 0.995, the same title, 30 / 110 = 0.27 <= 0.6: every signal full, score 1, in the last bin.
        assertThat(listings.valueAt("0.95-1.00")).as("S1 at score 1, the closed end of the last bin").contains(1.0);
        assertThat(listings.points().stream().mapToDouble(Chart.Point::value).sum()).as("the bins add up to the 5 scored listings")
                .isEqualTo(5.0)
                .isEqualTo(scoresOfDate().count());

        // Independently of the report's floor(score x 20): every bin as a range filter of Spark SQL, counted in one query.
        List<String> ranges = new ArrayList<>();
        for (int bin = 0; bin < 20; bin++) {
            ranges.add(String.format(Locale.ROOT, "score >= %.2f and score %s %.2f", bin / 20.0, bin == 19 ? "<=" : "<", (bin + 1) / 20.0));
        }
        Row counted = scoresOfDate().selectExpr(ranges.stream().map(range -> "count_if(" + range + ")").toArray(String[]::new)).first();
        for (int bin = 0; bin < 20; bin++) {
            assertThat(listings.points().get(bin).value()).as("listings with %s", ranges.get(bin)).isEqualTo(counted.getLong(bin));
        }
    }

    @Test
    void thresholdMarkerIsTheOneTheRunUsed()
    {
        Chart chart = (Chart) report.block(SimilarityReport.SCORE_DISTRIBUTION);
        // The run set score.threshold = 0.4 (the default is 0.8): 0.4 x 20 = bin 8, 0.40-0.45.
        assertThat(chart.markers()).as("threshold marker").hasSize(1);
        assertThat(chart.markers().get(0).category()).as("bin of threshold 0.4").isEqualTo("0.40-0.45");
        assertThat(chart.markers().get(0).label()).as("marker label").contains("0.4").contains(run.ledgerRow().runId());
        assertThat(report.subtitle()).as("subtitle").contains("5 listings of unauthorized sellers scored, 2 flagged (score >= 0.4)");
    }

    @Test
    void flaggedTableListsTheFlaggedListingsByScore()
    {
        DataTable flagged = (DataTable) report.block(SimilarityReport.FLAGGED);
        assertThat(flagged.columns()).isEqualTo(SimilarityReport.FLAGGED_COLUMNS);
        assertThat(flagged.rows().stream().map(row -> row.get(0)).toList()).as("flagged at threshold 0.4, highest score first")
                .containsExactly("S1", "S2")
                .hasSize((int) scoresOfDate().where("flagged").count());

        // S1 by hand: best match GA; cosine 1 / sqrt(1.01) = 0.99504; price 30 / median(GA 100, GB 120) = 30 / 110 = 0.27273.
        assertThat(flagged.cell("S1", "best genuine match")).isEqualTo("GA (acme-store)");
        assertThat(flagged.cell("S1", "similarity")).isEqualTo("0.995");
        assertThat(Double.parseDouble(flagged.cell("S1", "similarity"))).isCloseTo(1 / Math.sqrt(1.01), within(0.0005));
        assertThat(flagged.cell("S1", "price ratio")).isEqualTo("0.273");
        assertThat(flagged.cell("S1", "score")).isEqualTo("1.000");
        assertThat(flagged.cell("S1", "reasons")).isEqualTo("near_duplicate_embedding, copied_title, price_far_below_genuine");
        // S2 by hand: 105 / 110 = 0.95455; only the embedding fired.
        assertThat(flagged.cell("S2", "price ratio")).isEqualTo("0.955");
        assertThat(flagged.cell("S2", "score")).isEqualTo("0.450");
        assertThat(flagged.cell("S2", "reasons")).isEqualTo("near_duplicate_embedding");
    }

    @Test
    void recallOverRunsHasOnePointPerRunFromAnnQuality()
    {
        Chart chart = (Chart) report.block(SimilarityReport.RECALL_OVER_RUNS);
        assertThat(chart.categories()).as("run dates").containsExactly(DATE.toString());
        Chart.Series recall = chart.series("recall@10 (ivf)");
        double measured = run.table("ann_quality").where("run_date = DATE'" + DATE + "'").select("recall_at_k").first().getDouble(0);
        // 32 genuine listings / ann.list-size 128 rounds to 0 lists, so 1: the one list is searched whole, exactly.
        assertThat(recall.valueAt(DATE.toString())).as("recall of an exhaustive search").contains(1.0).contains(measured);
    }

    @Test
    void dateWithoutRowsGetsANoteSayingWhatToRun()
    {
        Report empty = harness.report(Optional.of(LocalDate.parse("2024-09-29")));
        assertThat(empty.charts().stream().map(Chart::id).toList()).as("charts of a date without scores")
                .containsExactly(SimilarityReport.RECALL_OVER_RUNS);
        assertThat(empty.tables()).as("tables of a date without scores").isEmpty();
        assertThat(((Note) empty.block(SimilarityReport.NO_SCORES)).text()).as("note")
                .contains("no rows for run_date 2024-09-29")
                .contains("spark-jobs run similarity-scoring --date 2024-09-29")
                .contains("the latest is 2024-09-30");
    }

    @Test
    void withoutADateTheLatestRunDateIsReported()
    {
        Report latest = harness.report(Optional.empty());
        assertThat(latest.subtitle()).as("subtitle").startsWith("Run date 2024-09-30:");
        assertThat(latest.block(SimilarityReport.SCORE_DISTRIBUTION)).as("same chart as for --date 2024-09-30")
                .isEqualTo(report.block(SimilarityReport.SCORE_DISTRIBUTION));
    }

    @Test
    void emptyLakeGetsNotesInsteadOfAFailure(@TempDir Path emptyLake)
    {
        Report empty = JobHarness.onLocalLake(spark, SimilarityScoringJob.NAME, emptyLake).report(Optional.empty());
        assertThat(empty.blocks()).as("blocks of a lake without tables").allMatch(Note.class::isInstance);
        assertThat(((Note) empty.block(SimilarityReport.NO_SCORES)).text()).as("fraud_scores note")
                .contains("spark-jobs run similarity-scoring --date YYYY-MM-DD");
        assertThat(((Note) empty.block(SimilarityReport.NO_ANN_QUALITY)).text()).as("ann_quality note").contains("does not exist");
    }
}
