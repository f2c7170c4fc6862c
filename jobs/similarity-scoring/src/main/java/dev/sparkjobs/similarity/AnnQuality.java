package dev.sparkjobs.similarity;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * Recall@k of approximate neighbours against exact ones: for each sampled query, the approximate
 * neighbours whose cosine reaches the exact k-th cosine (so a tie with the k-th counts), at most
 * as many as the exact list holds; summed over the queries and divided by the exact neighbours.
 */
public final class AnnQuality
{
    /** Cosines are float dot products computed in different orders: allow their rounding. */
    static final double COSINE_TOLERANCE = 1e-5;

    private AnnQuality() {}

    /** Recall of {@code approximate} against {@code exact} (both {@link NeighborRows#RANKED}); null when exact is empty. */
    public static Double recall(Dataset<Row> approximate, Dataset<Row> exact)
    {
        Dataset<Row> expected = exact.groupBy("listing_id").agg(count(lit(1)).as("expected"), min("cosine").as("threshold"));
        Dataset<Row> hits = expected.join(approximate.select(col("listing_id"), col("cosine").as("found_cosine")), "listing_id")
                .groupBy("listing_id")
                .agg(sum(when(col("found_cosine").geq(col("threshold").minus(lit(COSINE_TOLERANCE))), 1).otherwise(0)).as("hits"));
        Row totals = expected.join(hits, expected.col("listing_id").equalTo(hits.col("listing_id")), "left")
                .agg(sum("expected").as("expected"), sum(least(col("expected"), org.apache.spark.sql.functions.coalesce(col("hits"), lit(0L)))
                        .cast(DataTypes.LongType)).as("found"))
                .first();
        if (totals.isNullAt(0) || totals.getLong(0) == 0) {
            return null;
        }
        return (double) totals.getLong(1) / totals.getLong(0);
    }
}
