package dev.sparkjobs.similarity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;


import dev.sparkjobs.testing.HarnessRun;
import dev.sparkjobs.testing.JobHarness;
import dev.sparkjobs.testing.SharedSpark;
import dev.sparkjobs.testing.TestFiles;

/**
 * Hostile listings (issue 15, section 3): bad rows the job tolerates are rejects with their reason
 * while the other listings are scored; inputs it refuses stop the run with a clear error and leave
 * every table at its version. One run of 300 good listings with one bad row per tolerated case
 * publishes the lake; each refused input then runs against that lake.
 */
@ExtendWith(SharedSpark.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileListingsTest
{
    private static final String DATE = "2024-09-30";
    private static final int DIMENSION = 4;
    private static final int GOOD_LISTINGS = 300;

    private SparkSession spark;
    private Path work;
    private Path lake;
    private HarnessRun tolerated;
    private Map<String, Long> toleratedCounters;
    private String listingsFile;

    @BeforeAll
    void publishListingsWithOneBadRowPerCase(SparkSession spark, @TempDir Path work)
    {
        this.spark = spark;
        this.work = work;
        this.lake = work.resolve("lake");
        List<String> lines = goodListings();
        // Duplicates among 300 listings: a genuine one (L007) twice, a scored one (L010, unauthorized seller) three times.
        lines.add(listing("L007", "s1", 99, "[0.5,0.5,0.5,0.5]"));
        lines.add(listing("L010", "u10", 5, "[0.5,0.5,0.5,0.4]"));
        lines.add(listing("L010", "u10", 6, "[0.4,0.5,0.5,0.5]"));
        // Python's json.dumps writes NaN and Infinity as bare tokens; Jackson reads them as doubles.
        lines.add(listing("X-NAN", "s1", 10, "[1.0,NaN,0.0,0.0]"));
        lines.add(listing("X-INF", "s1", 10, "[1.0,Infinity,0.0,0.0]"));
        lines.add(listing("X-NEGINF", "s1", 10, "[-Infinity,1.0,0.0,0.0]"));
        // Finite values whose squares overflow a double: a valid direction, (1, 1, 0, 0) / sqrt(2).
        lines.add(listing("X-HUGE", "s1", 10, "[1.0E200,1.0E200,0.0,0.0]"));
        lines.add(listing("X-SHORT", "s1", 10, "[1.0,2.0,3.0]"));
        lines.add("{\"listing_id\":\"X-TRUNC\",\"seller_id\":\"s1\",\"brand\":\"b\",\"embedding\":[1.0,2");
        lines.add("this line is not JSON");
        listingsFile = TestFiles.write(work.resolve("listings/part-0.jsonl"), lines).toUri().toString();
        TestFiles.write(work.resolve("authorized/sellers.csv"), List.of("brand,seller_id", "b,s1"));
        tolerated = harness(work.resolve("listings"), work.resolve("authorized")).run(DATE);
        toleratedCounters = tolerated.exitCode() == 0 ? tolerated.counters() : Map.of();
    }

    private JobHarness harness(Path listings, Path authorized, String... settings)
    {
        JobHarness harness = JobHarness.onLocalLake(spark, SimilarityScoringJob.NAME, lake)
                .input(ListingsInput.LISTINGS, listings.toString())
                .input(ListingsInput.AUTHORIZED_SELLERS, authorized.toString())
                .set("ann.lists", "2")
                .set("ann.probes", "2");
        for (String setting : settings) {
            int equals = setting.indexOf('=');
            harness.set(setting.substring(0, equals), setting.substring(equals + 1));
        }
        return harness;
    }

    /** The embeddings of L000..L299: random, positive, 4 decimals. */
    private static List<double[]> goodEmbeddings()
    {
        Random random = new Random(15);
        List<double[]> embeddings = new ArrayList<>();
        for (int i = 0; i < GOOD_LISTINGS; i++) {
            double[] embedding = new double[DIMENSION];
            for (int d = 0; d < DIMENSION; d++) {
                embedding[d] = Double.parseDouble(String.format(Locale.ROOT, "%.4f", 0.1 + random.nextDouble()));
            }
            embeddings.add(embedding);
        }
        return embeddings;
    }

    /** L000..L299; every tenth is by an unauthorized seller, the others are genuine. */
    private static List<String> goodListings()
    {
        List<double[]> embeddings = goodEmbeddings();
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < GOOD_LISTINGS; i++) {
            StringBuilder embedding = new StringBuilder("[");
            for (int d = 0; d < DIMENSION; d++) {
                embedding.append(d == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.4f", embeddings.get(i)[d]));
            }
            lines.add(listing(id(i), i % 10 == 0 ? "u" + i : "s1", 10 + i, embedding.append("]").toString()));
        }
        return lines;
    }

    private static String id(int i)
    {
        return String.format(Locale.ROOT, "L%03d", i);
    }

    private static String listing(String id, String seller, double price, String embedding)
    {
        return String.format(Locale.ROOT, "{\"listing_id\":\"%s\",\"seller_id\":\"%s\",\"brand\":\"b\",\"title\":\"item %s\",\"price\":%s,"
                + "\"embedding\":%s,\"listed_at\":\"2024-09-01T00:00:00Z\"}", id, seller, id, price, embedding);
    }

    /** The version of every output table of the job, by name; every table exists once the good run published. */
    private Map<String, Long> versions()
    {
        Map<String, Long> versions = JobHarness.onLocalLake(spark, SimilarityScoringJob.NAME, lake).tableVersions();
        assertThat(versions.keySet()).as("tables of the published lake").hasSize(SimilarityTables.all().size());
        return versions;
    }

    /** Runs a refused input against the published lake: the exit code, and every table still at its version. */
    private HarnessRun refused(int exitCode, Path listings, Path authorized, String... settings)
    {
        assertThat(tolerated.exitCode()).as(tolerated.transcript()).isZero();
        Map<String, Long> before = versions();
        HarnessRun run = harness(listings, authorized, settings).run(DATE);
        assertThat(run.exitCode()).as(run.transcript()).isEqualTo(exitCode);
        assertThat(versions()).as("table versions after a refused run").isEqualTo(before);
        return run;
    }

    private Map<String, String> rejects()
    {
        assertThat(tolerated.exitCode()).as(tolerated.transcript()).isZero();
        Map<String, String> rejects = new TreeMap<>();
        for (Row row : tolerated.table("similarity_rejects").collectAsList()) {
            String id = row.<String>getAs("listing_id");
            rejects.merge(id == null ? "null" : id, row.<String>getAs("reason") + ": " + row.<String>getAs("detail"), (a, b) -> a + " | " + b);
        }
        return rejects;
    }

    // ---- tolerated: rejects, and every other listing scored

    @Test
    void everyCopyOfADuplicateListingIdIsRejectedAndTheOthersAreScored()
    {
        String fix = "; none of them is scored, since which one is right cannot be known. Keep one row per listing_id in the listings "
                + "(drop the stale copies) and re-run the date";
        String twice = "duplicate_listing_id: listing_id L007 is in 2 rows of the snapshot (e.g. " + listingsFile + ")" + fix;
        String thrice = "duplicate_listing_id: listing_id L010 is in 3 rows of the snapshot (e.g. " + listingsFile + ")" + fix;
        assertThat(rejects()).as("rejects").containsEntry("L007", twice + " | " + twice).containsEntry("L010", thrice + " | " + thrice + " | " + thrice);

        Set<String> expected = new TreeSet<>();
        for (int i = 0; i < GOOD_LISTINGS; i++) {
            expected.add(id(i));
        }
        expected.removeAll(List.of("L007", "L010"));
        expected.add("X-HUGE");
        Set<String> searched = new TreeSet<>(tolerated.table("listing_neighbors").select("listing_id").distinct().as(Encoders.STRING())
                .collectAsList());
        assertThat(searched).as("listings with neighbours: every listing but the rejects").isEqualTo(expected);
        assertThat(tolerated.table("listing_neighbors").where("neighbor_id = 'L007'").count()).as("L007 as a neighbour").isZero();
        assertThat(tolerated.table("fraud_scores").select("listing_id").as(Encoders.STRING()).collectAsList())
                .as("listings of unauthorized sellers: L000, L020, ..., L290 (L010 rejected)").hasSize(29).doesNotContain("L010");
        assertThat(toleratedCounters).as("counters").containsEntry("listings", 310L).containsEntry("listings_rejected", 11L);
        assertThat(tolerated.out()).contains("11 of 310 listings were rejected (see table similarity_rejects)");
    }

    @Test
    void nanAndInfinityInAnEmbeddingAreRejects()
    {
        assertThat(rejects()).as("rejects")
                .containsEntry("X-NAN", "non_finite_embedding: embedding value 2 of 4 is NaN")
                .containsEntry("X-INF", "non_finite_embedding: embedding value 2 of 4 is Infinity")
                .containsEntry("X-NEGINF", "non_finite_embedding: embedding value 1 of 4 is -Infinity");
    }

    @Test
    void finiteValuesWhoseSquaresOverflowAreNormalised()
    {
        assertThat(rejects()).as("rejects").doesNotContainKey("X-HUGE");
        // Independently: the genuine listing (not L007, not every tenth) of largest cosine with (1, 1, 0, 0).
        List<double[]> embeddings = goodEmbeddings();
        String bestId = null;
        double best = -2;
        for (int i = 0; i < GOOD_LISTINGS; i++) {
            double[] v = embeddings.get(i);
            double cosine = (v[0] + v[1]) / Math.sqrt(2) / Math.sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2] + v[3] * v[3]);
            if (i % 10 != 0 && i != 7 && cosine > best) {
                best = cosine;
                bestId = id(i);
            }
        }
        Row nearest = tolerated.table("listing_neighbors").where("listing_id = 'X-HUGE' and rank = 1").first();
        assertThat(nearest.<String>getAs("neighbor_id")).as("nearest genuine listing of X-HUGE (2 lists, 2 probes: exhaustive)").isEqualTo(bestId);
        assertThat(nearest.<Double>getAs("cosine")).as("its cosine").isCloseTo(best, within(1e-5));
    }

    @Test
    void anEmbeddingOfAnotherLengthAmongFewIsAReject()
    {
        assertThat(rejects()).as("rejects").containsEntry("X-SHORT", "wrong_dimension: embedding has 3 values, expected 4");
    }

    @Test
    void aLineThatIsNotJsonIsARejectNamingTheFileAndTheLine()
    {
        assertThat(rejects()).as("rejects").containsEntry("null",
                "malformed_record: a line of " + listingsFile + " is not a JSON object of the listings' columns: "
                        + "'{\"listing_id\":\"X-TRUNC\",\"seller_id\":\"s1\",\"brand\":\"b\",\"embedding\":[1.0,2'. Fix or remove the line"
                        + " | malformed_record: a line of " + listingsFile + " is not a JSON object of the listings' columns: "
                        + "'this line is not JSON'. Fix or remove the line");
    }

    // ---- refused: exit code, message, and no table changed

    @Test
    void duplicatesBeyondTheRejectsFractionFailTheRunWithExitThree()
    {
        List<String> lines = new ArrayList<>(goodListings().subList(0, 9));
        lines.add(listing("L003", "s1", 50, "[0.5,0.5,0.5,0.5]"));
        Path listings = work.resolve("duplicates/part-0.jsonl");
        TestFiles.write(listings, lines);
        HarnessRun run = refused(3, listings.getParent(), work.resolve("authorized"));
        assertThat(run.err()).contains("Too many rejected rows for job similarity-scoring: 2 of 10 (20.0000%) exceed rejects.max-fraction = 0.05; "
                + "nothing was published. Inspect the rejects reported above, fix the input input.listings, or raise rejects.max-fraction.");
    }

    @Test
    void mixedEmbeddingLengthsBeyondTheRejectsFractionAreAnError()
    {
        List<String> lines = new ArrayList<>(goodListings().subList(0, 6));
        for (int i = 0; i < 4; i++) {
            lines.add(listing("M" + i, "s1", 10, "[1.0,2.0," + i + ".0]"));
        }
        Path listings = work.resolve("mixed/part-0.jsonl");
        String file = TestFiles.write(listings, lines).toUri().toString();
        HarnessRun run = refused(2, listings.getParent(), work.resolve("authorized"));
        assertThat(run.err()).contains("Cannot read input input.listings: embeddings do not share one dimension: expected 4 (the most common embedding "
                + "length) but found 3 in 4 of 10 listings, e.g. listing_id M0 in " + file + ". All embeddings must come from one model: re-embed "
                + "the listings with the same model, point input.listings at one model's output, or set embedding.dimension to the intended length.");
    }

    @Test
    void authorizedSellersWithoutSellerIdAreAnError()
    {
        Path authorized = work.resolve("authorized-without-seller/sellers.csv");
        // Files are named as Hadoop lists them (file:/...), rows as Spark's input_file_name() gives them (file:///...).
        String file = "file:" + TestFiles.write(authorized, List.of("brand,seller", "b,s1"));
        HarnessRun run = refused(2, work.resolve("listings"), authorized.getParent());
        assertThat(run.err()).contains("Cannot read input input.authorized-sellers: column seller_id is missing in " + file
                + " (authorized sellers are a CSV with brand, seller_id).");
    }

    @Test
    void aListingsFileWithNoJsonLineIsAnError()
    {
        Path listings = work.resolve("not-json/part-0.jsonl");
        String file = "file:" + TestFiles.write(listings, List.of("listing_id,seller_id", "L1,s1"));
        HarnessRun run = refused(2, listings.getParent(), work.resolve("authorized"));
        assertThat(run.err()).contains("Cannot read input input.listings: no line of " + file + " is a JSON object. Write the listings as JSON "
                + "Lines (one object per line with listing_id, seller_id, brand, title, price, embedding, listed_at) or as Parquet.");
    }
}
