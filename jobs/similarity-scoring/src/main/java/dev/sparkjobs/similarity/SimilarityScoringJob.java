package dev.sparkjobs.similarity;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import java.sql.Date;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;

import dev.sparkjobs.api.AggregateCounts;
import dev.sparkjobs.api.ConfigKey;
import dev.sparkjobs.api.InputSpec;
import dev.sparkjobs.api.Job;
import dev.sparkjobs.api.JobContext;
import dev.sparkjobs.api.JobOutputs;
import dev.sparkjobs.api.SampleDataGenerator;
import dev.sparkjobs.api.TableSpec;
import dev.sparkjobs.api.report.JobReport;

/**
 * Finds, for every listing, its nearest genuine listings by embedding (approximate top-k with an
 * IVF index) and scores how counterfeit-like each listing of an unauthorized seller is.
 */
public final class SimilarityScoringJob
        implements Job
{
    public static final String NAME = "similarity-scoring";
    private static final long MINHASH_SEED = 0x5eed_0f_7171eL;

    @Override
    public String name()
    {
        return NAME;
    }

    @Override
    public String description()
    {
        return "Listings with embeddings to nearest genuine matches (IVF approximate top-k) and counterfeit-like fraud scores";
    }

    @Override
    public List<InputSpec> inputs()
    {
        return List.of(
                InputSpec.required(ListingsInput.LISTINGS, "Parquet or JSON Lines: listing_id, seller_id, brand, title, price, "
                        + "embedding (array of float, one dimension), listed_at; listings listed after the run date are left out"),
                InputSpec.required(ListingsInput.AUTHORIZED_SELLERS, "CSV with brand, seller_id: a listing by a seller authorized "
                        + "for its brand is genuine and forms the reference set"));
    }

    @Override
    public List<ConfigKey<?>> configKeys()
    {
        return SimilarityKeys.all();
    }

    @Override
    public List<TableSpec> outputs()
    {
        return SimilarityTables.all();
    }

    @Override
    public Optional<SampleDataGenerator> sampleDataGenerator()
    {
        return Optional.of(new SampleListings());
    }

    @Override
    public Optional<JobReport> report()
    {
        return Optional.of(new SimilarityReport());
    }

    @Override
    public JobOutputs run(JobContext context)
    {
        SparkSession spark = context.spark();
        SimilaritySettings settings = SimilaritySettings.from(context.config());
        AnnSettings ann = settings.ann();
        Column runDate = lit(Date.valueOf(context.logicalDate())).as("run_date");
        JobOutputs.Builder outputs = JobOutputs.builder();

        ListingsInput.Checked checked;
        try (var step = context.step("read listings, check the embedding dimension and find duplicate listing_ids")) {
            checked = ListingsInput.read(context, settings.embeddingDimension(), settings.rejects());
        }
        Dataset<Row> listings = context.persist(checked.listings()
                .withColumn("vector", when(col("reject_reason").isNull(), normalise().apply(col("embedding"))))
                .drop("embedding"));
        Row counts;
        try (var step = context.step("validate listings")) {
            counts = listings.agg(count(lit(1)), count(col("reject_reason")),
                    sum(when(col("reject_reason").isNull().and(col("genuine")), 1L).otherwise(0L))).first();
        }
        long total = AggregateCounts.at(counts, 0);
        long rejected = AggregateCounts.at(counts, 1);
        long genuineCount = AggregateCounts.at(counts, 2);
        settings.rejects().check(NAME, "input." + ListingsInput.LISTINGS, rejected, total);
        outputs.table(SimilarityTables.SIMILARITY_REJECTS.name(), listings.where(col("reject_reason").isNotNull())
                .select(runDate, col("listing_id"), col("seller_id"), col("reject_reason").as("reason"), col("reject_detail").as("detail")));
        if (rejected > 0) {
            outputs.warning(rejected + " of " + total + " listings were rejected (see table similarity_rejects)");
        }

        Dataset<Row> valid = listings.where(col("reject_reason").isNull());
        Dataset<Row> genuine = valid.where(col("genuine")).select("listing_id", "vector");
        long queried = total - rejected;
        Dataset<Row> neighbors;
        Quality quality;
        if (genuineCount == 0) {
            neighbors = spark.createDataFrame(List.of(), NeighborRows.RANKED);
            quality = new Quality(null, null, 0, 0, 0, 0);
            outputs.warning("No valid listing is by a seller authorized for its brand, so there is nothing to match against: "
                    + "check input.authorized-sellers (brand, seller_id) against the listings' brand and seller_id");
        }
        else {
            int lists = ann.listsFor(genuineCount);
            int cells = AnnSettings.cellsFor(lists);
            IvfQuantiser quantiser;
            try (var step = context.step("train the IVF quantiser (" + lists + " lists in " + cells + " cells, MLlib KMeans + k-means per cell)")) {
                quantiser = IvfQuantiser.train(genuine, genuineCount, checked.dimension(), lists, cells, ann);
            }
            IvfSearch.Index index;
            try (var step = context.step("assign " + genuineCount + " genuine listings to lists")) {
                index = IvfSearch.index(spark, genuine, quantiser, ann.maxListSize());
            }
            try (var step = context.step("search top-" + ann.k() + " of " + queried + " listings (" + ann.probes() + " probes)")) {
                // Each query is shipped to the blocks of its probed lists: about 2 (a cell's lists share blocks).
                double routes = Math.min(2.0, Math.min(ann.probes(), index.totalChunks()));
                int mergePartitions = IvfSearch.partitions(spark, (long) (queried * routes * (ann.k() * 24L + 48)));
                neighbors = context.persist(NeighborRows.merge(IvfSearch.search(spark, index, valid.select("listing_id", "vector"), queried, ann.k(),
                        ann.probes(), routes), ann.k(), mergePartitions));
                neighbors.count();
            }
            index.release();
            try (var step = context.step("measure recall@" + ann.k() + " on " + ann.qualitySample() + " sampled queries")) {
                quality = measure(spark, valid, genuine, neighbors, index, ann);
            }
        }
        outputs.table(SimilarityTables.LISTING_NEIGHBORS.name(), neighbors.select(runDate, col("listing_id"), col("rank"), col("neighbor_id"), col("cosine")));
        outputs.table(SimilarityTables.ANN_QUALITY.name(), spark.createDataFrame(List.of(RowFactory.create(Date.valueOf(context.logicalDate()),
                context.runId(), "ivf", ann.k(), quality.sampleQueries(), quality.recall(), quality.meanCandidates(), quality.lists(), Math.min(ann.probes(),
                        Math.max(quality.lists(), 1)), quality.chunks(), quality.largestList(), genuineCount, queried)), SimilarityTables.ANN_QUALITY.schema()));
        if (quality.recall() != null && quality.recall() < ann.minRecall()) {
            outputs.warning(String.format(Locale.ROOT, "ANN recall@%d = %.4f on %d sampled queries is below ann.min-recall = %s: "
                            + "raise ann.probes (now %d) or ann.coarse-probes (now %s), or lower ann.lists (now %d)", ann.k(), quality.recall(),
                    quality.sampleQueries(), ann.minRecall(), ann.probes(), ann.coarseProbes() > 0 ? String.valueOf(ann.coarseProbes()) : "0, automatic", quality.lists()));
        }

        Dataset<Row> scores = context.persist(FraudScores.score(valid, neighbors, settings.formula(),
                new MinHash(settings.titleMinHashFunctions(), MINHASH_SEED)));
        long flagged;
        try (var step = context.step("score listings of unauthorized sellers")) {
            flagged = scores.where(col("flagged")).count();
        }
        outputs.table(SimilarityTables.FRAUD_SCORES.name(), scores.select(runDate, col("listing_id"), col("seller_id"), col("brand"),
                col("best_match_id"), col("best_match_seller_id"), col("embedding_similarity"), col("title_similarity"), col("price_ratio"),
                col("score"), col("flagged"), col("reasons")));
        return outputs
                .counter("listings", total)
                .counter("listings_rejected", rejected)
                .counter("genuine_listings", genuineCount)
                .counter("flagged_listings", flagged)
                .build();
    }

    private record Quality(Double recall, Double meanCandidates, long sampleQueries, int lists, int chunks, long largestList) {}

    private static Quality measure(SparkSession spark, Dataset<Row> valid, Dataset<Row> genuine, Dataset<Row> neighbors, IvfSearch.Index index,
            AnnSettings ann)
    {
        int lists = index.quantiser().lists();
        if (ann.qualitySample() == 0) {
            return new Quality(null, null, 0, lists, index.totalChunks(), index.largestList());
        }
        List<ExactSearch.Query> sample = valid.select("listing_id", "vector")
                .orderBy(xxhash64(col("listing_id"), lit(ann.seed())))
                .limit(ann.qualitySample())
                .collectAsList().stream()
                .map(row -> new ExactSearch.Query(row.getString(0), Vectors.fromBytes((byte[]) row.get(1))))
                .toList();
        double meanCandidates = sample.stream()
                .mapToLong(query -> index.candidates(index.quantiser().nearest(query.vector(), ann.probes())))
                .average().orElse(0);
        Dataset<Row> exact = ExactSearch.topK(spark, genuine, sample, ann.k());
        Dataset<Row> sampled = spark.createDataFrame(sample.stream().map(query -> RowFactory.create(query.listingId())).toList(),
                new org.apache.spark.sql.types.StructType().add("listing_id", DataTypes.StringType));
        Double recall = AnnQuality.recall(neighbors.join(org.apache.spark.sql.functions.broadcast(sampled), "listing_id"), exact);
        return new Quality(recall, meanCandidates, sample.size(), lists, index.totalChunks(), index.largestList());
    }

    private static org.apache.spark.sql.expressions.UserDefinedFunction normalise()
    {
        return udf((UDF1<scala.collection.Seq<Object>, byte[]>) values -> {
            double[] array = new double[values.size()];
            for (int i = 0; i < array.length; i++) {
                array[i] = ((Number) values.apply(i)).doubleValue();
            }
            float[] unit = Vectors.normalised(array);
            return unit == null ? null : Vectors.toBytes(unit);
        }, DataTypes.BinaryType);
    }
}
