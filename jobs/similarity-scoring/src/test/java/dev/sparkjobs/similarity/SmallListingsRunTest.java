package dev.sparkjobs.similarity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

import io.delta.tables.DeltaTable;

import dev.sparkjobs.testing.CliRun;
import dev.sparkjobs.testing.DataFrameAssertions;
import dev.sparkjobs.testing.S3Proxy;
import dev.sparkjobs.testing.SharedS3;
import dev.sparkjobs.testing.SharedSpark;
import dev.sparkjobs.testing.TestFiles;

/**
 * A small hand-made snapshot (8-d random genuine listings, two hand-computed suspects, one bad
 * row per reject reason), searched exhaustively (probes = lists) so the neighbours must equal an
 * independent brute force.
 */
@ExtendWith({SharedSpark.class, SharedS3.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SmallListingsRunTest
{
    private static final String DATE = "2024-09-30";
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
    private String lake;
    private final List<BruteForce.Item> valid = new ArrayList<>();
    private final List<BruteForce.Item> genuine = new ArrayList<>();
    private CliRun first;

    @BeforeAll
    void runOnce(SparkSession spark, @TempDir Path work)
    {
        this.spark = spark;
        this.work = work;
        this.lake = work.resolve("lake").toString();
        writeFixture();
        first = run(lake, work.resolve("listings").toString());
    }

    private CliRun run(String outputRoot, String listings, String... extra)
    {
        List<String> settings = new ArrayList<>(List.of("output.root=" + outputRoot, "input.listings=" + listings,
                "input.authorized-sellers=" + work.resolve("authorized"), "ann.lists=4", "ann.probes=4", "ann.max-list-size=20"));
        settings.addAll(List.of(extra));
        return CliRun.withSettings(List.of("run", SimilarityScoringJob.NAME, "--date", DATE), settings);
    }

    private void writeFixture()
    {
        Random random = new Random(11);
        Timestamp listedAt = Timestamp.valueOf("2024-09-29 10:00:00");
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            float[] vector = new float[DIMENSION];
            for (int d = 0; d < DIMENSION; d++) {
                vector[d] = (float) (random.nextGaussian() * (d == 0 ? 0.05 : 1.0));
            }
            String id = String.format("R%03d", i);
            boolean authorized = i < 110;
            rows.add(row(id, authorized ? "store-" + (i % 3) : "other-" + i, "b" + (i % 3), "random item " + i, 10 + i, vector));
        }
        rows.add(row("GA", "acme-store", "Acme", "Acme trail runner sneakers", 100, unit(0, 1f)));
        rows.add(row("GB", "acme-store", "Acme", "Acme trail runner sneakers v2", 120, vector(1f, -0.2f)));
        rows.add(row("S1", "fake-1", "ACME ", "Acme trail runner sneakers", 30, vector(1f, 0.1f)));
        rows.add(row("S2", "grey-1", "Acme", "Imported footwear item", 105, vector(1f, 0f, 0.2f)));
        rows.add(row(null, "bad", "b1", "no id", 10, unit(1, 1f)));
        rows.add(row("X-NULL", "bad", "b1", "null embedding", 10, null));
        rows.add(row("X-SHORT", "bad", "b1", "short embedding", 10, new float[] {1, 2, 3}));
        float[] nan = unit(2, 1f);
        nan[3] = Float.NaN;
        rows.add(row("X-NAN", "bad", "b1", "nan embedding", 10, nan));
        rows.add(row("X-ZERO", "bad", "b1", "zero embedding", 10, new float[DIMENSION]));
        rows.add(RowFactory.create("X-NOPRICE", "bad", "b1", "no price", null, toList(unit(3, 1f)), listedAt));
        rows.add(row("X-FREE", "bad", "b1", "free", 0, unit(4, 1f)));
        rows.add(RowFactory.create("FUTURE", "store-0", "b0", "listed after the run date", 10.0, toList(unit(5, 1f)),
                Timestamp.valueOf("2024-10-01 00:00:00")));
        spark.createDataFrame(rows, LISTINGS).coalesce(1).write().parquet(work.resolve("listings").toString());
        TestFiles.write(work.resolve("authorized/sellers.csv"), List.of("brand,seller_id", "b0,store-0", "b1,store-1", "b2,store-2", "acme,acme-store"));

        for (Row row : rows) {
            String id = row.getString(0);
            if (id == null || id.startsWith("X-") || id.equals("FUTURE")) {
                continue;
            }
            @SuppressWarnings("unchecked")
            List<Float> embedding = (List<Float>) row.get(5);
            BruteForce.Item item = new BruteForce.Item(id, embedding.stream().mapToDouble(Float::doubleValue).toArray());
            valid.add(item);
            String seller = row.getString(1);
            if (seller.startsWith("store-") || seller.equals("acme-store")) {
                genuine.add(item);
            }
        }
    }

    private static Row row(String id, String seller, String brand, String title, double price, float[] embedding)
    {
        return RowFactory.create(id, seller, brand, title, price, embedding == null ? null : toList(embedding), Timestamp.valueOf("2024-09-29 10:00:00"));
    }

    private static List<Float> toList(float[] values)
    {
        List<Float> list = new ArrayList<>();
        for (float value : values) {
            list.add(value);
        }
        return list;
    }

    private static float[] unit(int axis, float value)
    {
        float[] vector = new float[DIMENSION];
        vector[axis] = value;
        return vector;
    }

    private static float[] vector(float... leading)
    {
        return Arrays.copyOf(leading, DIMENSION);
    }

    private Dataset<Row> table(String root, String name)
    {
        return spark.read().format("delta").load(root + "/" + name);
    }

    @Test
    void exhaustiveSearchEqualsIndependentBruteForce()
    {
        assertThat(first.exitCode()).as(first.transcript()).isZero();
        Map<String, List<BruteForce.Match>> exact = BruteForce.topK(valid, genuine, 10);
        Map<String, List<Row>> found = new HashMap<>();
        table(lake, "listing_neighbors").orderBy("listing_id", "rank").collectAsList()
                .forEach(row -> found.computeIfAbsent(row.getString(1), id -> new ArrayList<>()).add(row));
        assertThat(found.keySet()).as("one neighbour list per valid listing").containsExactlyInAnyOrderElementsOf(exact.keySet());
        for (Map.Entry<String, List<BruteForce.Match>> entry : exact.entrySet()) {
            List<Row> rows = found.get(entry.getKey());
            assertThat(rows).as("neighbours of %s", entry.getKey()).hasSameSizeAs(entry.getValue());
            for (int i = 0; i < rows.size(); i++) {
                assertThat(rows.get(i).getInt(2)).as("rank").isEqualTo(i + 1);
                assertThat(rows.get(i).getString(3)).as("neighbour %d of %s", i + 1, entry.getKey()).isEqualTo(entry.getValue().get(i).id());
                assertThat(rows.get(i).getDouble(4)).as("cosine %d of %s", i + 1, entry.getKey()).isCloseTo(entry.getValue().get(i).cosine(), within(1e-5));
            }
        }
        Row quality = table(lake, "ann_quality").first();
        assertThat(quality.<Double>getAs("recall_at_k")).as("recall of an exhaustive search").isEqualTo(1.0);
        assertThat(quality.<Integer>getAs("lists")).isEqualTo(4);
        assertThat(quality.<Long>getAs("genuine_listings")).isEqualTo(genuine.size());
        assertThat(quality.<Integer>getAs("list_chunks")).as("lists above 20 vectors split into chunks").isGreaterThan(4);
    }

    @Test
    void everyRejectReasonIsRecordedAndTheFutureListingIsLeftOut()
    {
        assertThat(first.exitCode()).as(first.transcript()).isZero();
        List<String> rejects = table(lake, "similarity_rejects").orderBy("reason").collectAsList().stream()
                .map(row -> row.getString(1) + " " + row.getString(3) + ": " + row.getString(4)).toList();
        assertThat(rejects).as("rejects").hasSize(7);
        assertThat(rejects).anyMatch(line -> line.startsWith("null missing_listing_id: listing_id is null in "));
        assertThat(rejects).contains(
                "X-NULL null_embedding: embedding is null",
                "X-SHORT wrong_dimension: embedding has 3 values, expected 8",
                "X-NAN non_finite_embedding: embedding value 4 of 8 is NaN",
                "X-ZERO zero_embedding: embedding is all zeros, so it has no direction",
                "X-NOPRICE missing_price: price is null",
                "X-FREE non_positive_price: price = 0.0");
        assertThat(table(lake, "listing_neighbors").where("listing_id = 'FUTURE' or neighbor_id = 'FUTURE'").count())
                .as("a listing listed after the run date is not in the snapshot").isZero();
        assertThat(first.out()).contains("7 of 161 listings were rejected (see table similarity_rejects)");
    }

    @Test
    void scoresHandComputedSuspects()
    {
        assertThat(first.exitCode()).as(first.transcript()).isZero();
        Map<String, Row> scores = new HashMap<>();
        table(lake, "fraud_scores").collectAsList().forEach(row -> scores.put(row.<String>getAs("listing_id"), row));
        assertThat(scores).as("one row per valid listing of an unauthorized seller: 40 random + S1 + S2").hasSize(42);

        Row counterfeit = scores.get("S1");
        // cos(S1, GA) = 1 / sqrt(1.01); matches >= 0.8: GA (100) and GB (120), median 110; same title.
        assertThat(counterfeit.<String>getAs("best_match_id")).isEqualTo("GA");
        assertThat(counterfeit.<String>getAs("best_match_seller_id")).isEqualTo("acme-store");
        assertThat(counterfeit.<Double>getAs("embedding_similarity")).isCloseTo(1 / Math.sqrt(1.01), within(1e-5));
        assertThat(counterfeit.<Double>getAs("title_similarity")).as("identical titles").isEqualTo(1.0);
        assertThat(counterfeit.<Double>getAs("price_ratio")).isCloseTo(30.0 / 110.0, within(1e-9));
        assertThat(counterfeit.<Double>getAs("score")).as("every signal full").isCloseTo(1.0, within(1e-9));
        assertThat(counterfeit.<Boolean>getAs("flagged")).isTrue();
        assertThat(counterfeit.getList(counterfeit.fieldIndex("reasons")))
                .containsExactly("near_duplicate_embedding", "copied_title", "price_far_below_genuine");

        Row grey = scores.get("S2");
        // cos(S2, GA) = 1 / sqrt(1.04) >= 0.95: E = 1; disjoint titles: T = 0; 105 / 110 >= 0.9: P = 0; score = 0.45.
        assertThat(grey.<Double>getAs("embedding_similarity")).isCloseTo(1 / Math.sqrt(1.04), within(1e-5));
        assertThat(grey.<Double>getAs("title_similarity")).isEqualTo(0.0);
        assertThat(grey.<Double>getAs("price_ratio")).isCloseTo(105.0 / 110.0, within(1e-9));
        assertThat(grey.<Double>getAs("score")).isCloseTo(0.45, within(1e-9));
        assertThat(grey.<Boolean>getAs("flagged")).isFalse();
        assertThat(grey.getList(grey.fieldIndex("reasons"))).containsExactly("near_duplicate_embedding");

        Row unmatched = scores.get("R120");
        assertThat(unmatched.<String>getAs("best_match_id")).as("a b0 listing matched within b0 only").isNotNull();
        assertThat(unmatched.<Boolean>getAs("flagged")).as("random listing far from everything").isFalse();
    }

    @Test
    void rerunReadingTheSnapshotFromS3ReplacesTheDatePartitions(S3Proxy s3)
    {
        assertThat(first.exitCode()).as(first.transcript()).isZero();
        Dataset<Row> before = table(lake, "listing_neighbors").drop("run_date").cache();
        before.count();
        long version = DeltaTable.forPath(spark, lake + "/listing_neighbors").history(1).select("version").first().getLong(0);
        String bucket = s3.createBucket("listings");
        s3.upload(work.resolve("listings"), bucket, "snapshots/2024-09-30");

        CliRun again = run(lake, "s3a://" + bucket + "/snapshots/2024-09-30/", s3.settings().toArray(String[]::new));
        assertThat(again.exitCode()).as(again.transcript()).isZero();
        assertThat(again.out()).doesNotContain(S3Proxy.secretKey());
        DataFrameAssertions.assertSameRows("neighbours after a re-run from the s3a:// copy of the snapshot", before,
                table(lake, "listing_neighbors").drop("run_date"), 0);
        assertThat(DeltaTable.forPath(spark, lake + "/listing_neighbors").history(1).select("version").first().getLong(0))
                .as("a re-run is one more commit").isEqualTo(version + 1);
        assertThat(table(lake, "fraud_scores").count()).as("fraud_scores rows after a re-run").isEqualTo(42);
        assertThat(table(lake, "similarity_rejects").count()).as("rejects after a re-run").isEqualTo(7);
        assertThat(table(lake, "ann_quality").count()).as("one quality row per date").isEqualTo(1);
        before.unpersist();
    }
}
