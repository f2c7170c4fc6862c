package dev.sparkjobs.similarity;

import java.util.List;

import org.apache.spark.sql.types.DataTypes;

import dev.sparkjobs.api.Check;
import dev.sparkjobs.api.Granularity;
import dev.sparkjobs.api.TableSpec;
import dev.sparkjobs.api.WriteMode;

/** The output tables of similarity-scoring, each partitioned by run_date and replaced per run date. */
public final class SimilarityTables
{
    public static final TableSpec LISTING_NEIGHBORS = TableSpec.builder("listing_neighbors")
            .comment("Approximate top-k nearest genuine listings of every valid listing by cosine of L2-normalised embeddings (IVF index)")
            .column("run_date", DataTypes.DateType, "Logical date of the listings snapshot")
            .column("listing_id", DataTypes.StringType, "The listing searched for")
            .column("rank", DataTypes.IntegerType, "1 for the most similar genuine listing")
            .column("neighbor_id", DataTypes.StringType, "A genuine listing (seller authorized for its brand), never the listing itself")
            .column("cosine", DataTypes.DoubleType, "Cosine similarity of the two embeddings, in [-1, 1]")
            .partitionedBy("run_date")
            .writeMode(WriteMode.replacePartition("run_date", Granularity.DAY))
            .check(Check.notNull("listing_id", "rank", "neighbor_id", "cosine"), Check.uniqueKey("run_date", "listing_id", "rank"),
                    Check.range("cosine", -1.0, 1.0), Check.range("rank", 1, 1000))
            .build();

    public static final TableSpec FRAUD_SCORES = TableSpec.builder("fraud_scores")
            .comment("Counterfeit-like score of every valid listing whose seller is not authorized for its brand, with the signals behind it. "
                    + ScoreFormula.documentation())
            .column("run_date", DataTypes.DateType, "Logical date of the listings snapshot")
            .column("listing_id", DataTypes.StringType, "Scored listing")
            .column("seller_id", DataTypes.StringType, "Its seller, not authorized for the brand")
            .column("brand", DataTypes.StringType, "Brand the listing claims")
            .column("best_match_id", DataTypes.StringType, "Most similar genuine listing of the same brand among the top-k, null when none")
            .column("best_match_seller_id", DataTypes.StringType, "Seller of the best match")
            .column("embedding_similarity", DataTypes.DoubleType, "Cosine to the best match")
            .column("title_similarity", DataTypes.DoubleType, "MinHash estimate of the Jaccard similarity of 5-gram title shingles with the best match")
            .column("price_ratio", DataTypes.DoubleType,
                    "price / median price of the genuine same-brand matches with cosine >= score.embedding.floor; null when none")
            .column("score", DataTypes.DoubleType, "Counterfeit-like score in [0, 1] (formula: spark-jobs describe similarity-scoring)")
            .column("flagged", DataTypes.BooleanType, "score >= score.threshold")
            .column("reasons", DataTypes.createArrayType(DataTypes.StringType),
                    "Signals that fired: near_duplicate_embedding, copied_title, price_far_below_genuine")
            .partitionedBy("run_date")
            .writeMode(WriteMode.replacePartition("run_date", Granularity.DAY))
            .check(Check.notNull("listing_id", "score", "flagged"), Check.uniqueKey("run_date", "listing_id"), Check.range("score", 0.0, 1.0))
            .build();

    public static final TableSpec ANN_QUALITY = TableSpec.builder("ann_quality")
            .comment("Per run: recall@k of the approximate search against exact brute force on a random sample of queries")
            .column("run_date", DataTypes.DateType, "Logical date of the listings snapshot")
            .column("run_id", DataTypes.StringType, "Run that measured it")
            .column("method", DataTypes.StringType, "Search method (ivf)")
            .column("k", DataTypes.IntegerType, "Neighbours per listing")
            .column("sample_queries", DataTypes.LongType, "Queries compared with brute force (ann.quality-sample, at most the listings)")
            .column("recall_at_k", DataTypes.DoubleType,
                    "Mean fraction of the exact top-k found (a neighbour tied with the exact k-th cosine counts); null without a sample")
            .column("mean_candidates_per_query", DataTypes.DoubleType, "Genuine vectors compared per listing (sum of its probed lists)")
            .column("lists", DataTypes.IntegerType, "Inverted lists of the index (fine k-means centroids)")
            .column("probes", DataTypes.IntegerType, "Lists searched per query")
            .column("list_chunks", DataTypes.IntegerType, "Blocks (units of work): the lists of a cell packed up to ann.max-list-size vectors, larger lists split")
            .column("largest_list", DataTypes.LongType, "Genuine vectors in the largest list before splitting")
            .column("genuine_listings", DataTypes.LongType, "Reference vectors indexed")
            .column("queried_listings", DataTypes.LongType, "Valid listings searched")
            .partitionedBy("run_date")
            .writeMode(WriteMode.replacePartition("run_date", Granularity.DAY))
            .check(Check.minRows(1), Check.range("recall_at_k", 0.0, 1.0))
            .build();

    public static final TableSpec SIMILARITY_REJECTS = TableSpec.builder("similarity_rejects")
            .comment("Listings that could not be scored, with the reason")
            .column("run_date", DataTypes.DateType, "Logical date of the listings snapshot")
            .column("listing_id", DataTypes.StringType, "Rejected listing (null when the id itself is missing)")
            .column("seller_id", DataTypes.StringType, "Its seller")
            .column("reason", DataTypes.StringType, "malformed_record, missing_listing_id, duplicate_listing_id, null_embedding, wrong_dimension, "
                    + "non_finite_embedding, zero_embedding, missing_price or non_positive_price")
            .column("detail", DataTypes.StringType, "What was found, e.g. 'embedding has 31 values, expected 32'")
            .partitionedBy("run_date")
            .writeMode(WriteMode.replacePartition("run_date", Granularity.DAY))
            .check(Check.notNull("reason"), Check.acceptedValues("reason", (Object[]) RejectReason.names()))
            .build();

    private SimilarityTables() {}

    public static List<TableSpec> all()
    {
        return List.of(LISTING_NEIGHBORS, FRAUD_SCORES, ANN_QUALITY, SIMILARITY_REJECTS);
    }
}
