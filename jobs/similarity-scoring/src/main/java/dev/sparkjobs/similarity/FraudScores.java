package dev.sparkjobs.similarity;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min_by;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.percentile;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.types.DataTypes;

/**
 * Scores the valid listings of unauthorized sellers against their genuine matches: the best
 * same-brand neighbour gives the embedding and title signals (MinHash on that one candidate pair
 * only), the same-brand neighbours with cosine at least score.embedding.floor give the median
 * genuine price.
 */
final class FraudScores
{
    private FraudScores() {}

    /**
     * @param valid valid listings: listing_id, seller_id, brand, brand_key, title, price, genuine
     * @param neighbors ranked neighbours: listing_id, rank, neighbor_id, cosine
     */
    static Dataset<Row> score(Dataset<Row> valid, Dataset<Row> neighbors, ScoreFormula formula, MinHash minHash)
    {
        Dataset<Row> suspects = valid.where(not(col("genuine"))).select("listing_id", "seller_id", "brand", "brand_key", "title", "price");
        Dataset<Row> matches = valid.where(col("genuine")).select(col("listing_id").as("match_id"), col("seller_id").as("match_seller_id"),
                col("brand_key").as("match_brand_key"), col("title").as("match_title"), col("price").as("match_price"));
        Dataset<Row> sameBrand = suspects.select(col("listing_id"), col("brand_key"))
                .join(neighbors, "listing_id")
                .join(matches, col("neighbor_id").equalTo(col("match_id")))
                .where(col("brand_key").equalTo(col("match_brand_key")));
        Dataset<Row> perListing = sameBrand.groupBy("listing_id").agg(
                min_by(struct(col("match_id"), col("match_seller_id"), col("match_title"), col("cosine")), col("rank")).as("best"),
                percentile(when(col("cosine").geq(lit(formula.embeddingFloor())), col("match_price")), lit(0.5)).as("median_price"));
        Dataset<Row> joined = suspects.join(perListing, "listing_id", "left")
                .select(col("listing_id"), col("seller_id"), col("brand"), col("title"), col("price"),
                        col("best.match_id").as("best_match_id"), col("best.match_seller_id").as("best_match_seller_id"),
                        col("best.match_title").as("best_match_title"), col("best.cosine").as("embedding_similarity"), col("median_price"));
        Dataset<Row> signals = joined
                .withColumn("title_similarity", udf((UDF2<String, String, Double>) minHash::titleSimilarity, DataTypes.DoubleType)
                        .apply(col("title"), col("best_match_title")))
                .withColumn("price_ratio", col("price").divide(col("median_price")));
        return signals
                .withColumn("score", formula.score(col("embedding_similarity"), col("title_similarity"), col("price_ratio")))
                .withColumn("flagged", formula.flagged(col("score")))
                .withColumn("reasons", formula.reasons(col("embedding_similarity"), col("title_similarity"), col("price_ratio")));
    }
}
