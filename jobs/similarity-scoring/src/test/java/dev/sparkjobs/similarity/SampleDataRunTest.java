package dev.sparkjobs.similarity;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dev.sparkjobs.api.SampleDataGenerator;
import dev.sparkjobs.testing.CliRun;
import dev.sparkjobs.testing.SharedSpark;

/**
 * One run on a few thousand generated listings: recall of the approximate search against an
 * independent brute force, and counterfeit detection against the generator's ground truth.
 */
@ExtendWith(SharedSpark.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SampleDataRunTest
{
    private static final int LISTINGS = 3000;
    private static final int K = 10;

    private SparkSession spark;
    private String lake;
    private Path samples;
    private CliRun run;

    @BeforeAll
    void runOnSample(SparkSession spark, @TempDir Path work)
    {
        this.spark = spark;
        this.samples = work.resolve("samples");
        this.lake = work.resolve("lake").toString();
        SampleDataGenerator.SampleData sample = new SampleListings(32).generate(new SampleDataGenerator.Request(spark, samples.toString(), LISTINGS, 7));
        List<String> settings = new ArrayList<>(List.of("output.root=" + lake));
        sample.settings().forEach((key, value) -> settings.add(key + "=" + value));
        run = CliRun.withSettings(List.of("run", SimilarityScoringJob.NAME, "--date", sample.suggestedDate().toString()), settings);
    }

    private Dataset<Row> table(String name)
    {
        return spark.read().format("delta").load(lake + "/" + name);
    }

    @Test
    void approximateNeighboursReachRecallAtTenOf99PercentAgainstBruteForce()
    {
        assertThat(run.exitCode()).as(run.transcript()).isZero();
        Set<String> authorized = new HashSet<>();
        spark.read().option("header", "true").csv(samples.resolve("authorized_sellers").toString()).collectAsList()
                .forEach(row -> authorized.add(row.getString(0).toLowerCase() + "|" + row.getString(1)));
        List<BruteForce.Item> queries = new ArrayList<>();
        List<BruteForce.Item> genuine = new ArrayList<>();
        for (Row row : spark.read().parquet(samples.resolve("listings").toString()).collectAsList()) {
            List<Float> embedding = row.getList(row.fieldIndex("embedding"));
            double price = row.getDouble(row.fieldIndex("price"));
            if (embedding == null || embedding.size() != 32 || embedding.stream().anyMatch(value -> value.isNaN()) || price <= 0) {
                continue;
            }
            BruteForce.Item item = new BruteForce.Item(row.getString(0), embedding.stream().mapToDouble(Float::doubleValue).toArray());
            queries.add(item);
            if (authorized.contains(row.getString(row.fieldIndex("brand")).toLowerCase() + "|" + row.getString(row.fieldIndex("seller_id")))) {
                genuine.add(item);
            }
        }
        Map<String, List<BruteForce.Match>> exact = BruteForce.topK(queries, genuine, K);
        Map<String, List<String>> found = new HashMap<>();
        table("listing_neighbors").collectAsList().forEach(row ->
                found.computeIfAbsent(row.getString(row.fieldIndex("listing_id")), id -> new ArrayList<>()).add(row.getString(row.fieldIndex("neighbor_id"))));
        long expected = 0;
        long hits = 0;
        for (Map.Entry<String, List<BruteForce.Match>> entry : exact.entrySet()) {
            List<String> approximate = found.getOrDefault(entry.getKey(), List.of());
            for (BruteForce.Match match : entry.getValue()) {
                expected++;
                hits += approximate.contains(match.id()) ? 1 : 0;
            }
        }
        assertThat(found).as("every valid listing has neighbours").hasSize(queries.size());
        assertThat((double) hits / expected).as("recall@10 over all %d listings, %d genuine", queries.size(), genuine.size()).isGreaterThanOrEqualTo(0.99);
        Row quality = table("ann_quality").first();
        assertThat(quality.<Double>getAs("recall_at_k")).as("recall measured by the job on its sample").isGreaterThanOrEqualTo(0.99);
        assertThat(quality.<Long>getAs("sample_queries")).isEqualTo(500L);
    }

    @Test
    void flagsPlantedCounterfeitsAndNeverLegitimateResellers()
    {
        assertThat(run.exitCode()).as(run.transcript()).isZero();
        Map<String, String> roles = new HashMap<>();
        spark.read().parquet(samples.resolve("ground_truth").toString()).collectAsList().forEach(row -> roles.put(row.getString(0), row.getString(1)));
        Set<String> flagged = new HashSet<>();
        table("fraud_scores").where("flagged").select("listing_id").collectAsList().forEach(row -> flagged.add(row.getString(0)));
        long counterfeits = roles.values().stream().filter("counterfeit"::equals).count();
        long caught = flagged.stream().filter(id -> "counterfeit".equals(roles.get(id))).count();
        assertThat(counterfeits).as("planted counterfeits").isGreaterThan(200);
        assertThat((double) caught / counterfeits).as("recall of planted counterfeits").isGreaterThanOrEqualTo(0.99);
        assertThat((double) caught / flagged.size()).as("precision of flagged").isGreaterThanOrEqualTo(0.95);
        assertThat(flagged).as("legitimate resellers flagged").noneMatch(id -> "legitimate_reseller".equals(roles.get(id)));
        Row example = table("fraud_scores").where("flagged").orderBy("listing_id").first();
        assertThat(example.<scala.collection.Seq<String>>getAs("reasons").contains("price_far_below_genuine"))
                .as("a flagged listing names its low price: %s", example).isTrue();
    }
}
