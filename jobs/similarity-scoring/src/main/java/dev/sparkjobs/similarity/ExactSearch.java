package dev.sparkjobs.similarity;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/**
 * Exact top-k of a small set of queries (broadcast) against all genuine vectors: every task
 * scores its partition of genuine vectors against every query, and the partial results are
 * merged. Cost: queries x genuine; used to measure the recall of the approximate search.
 */
public final class ExactSearch
{
    /** A query with its unit vector. */
    public record Query(String listingId, float[] vector)
            implements Serializable
    {
        public Query
        {
            requireNonNull(listingId, "listingId is null");
            requireNonNull(vector, "vector is null");
        }
    }

    private ExactSearch() {}

    /** Ranked neighbours ({@link NeighborRows#RANKED}) of each query among {@code genuine} ({@code listing_id}, binary {@code vector}). */
    public static Dataset<Row> topK(SparkSession spark, Dataset<Row> genuine, List<Query> queries, int k)
    {
        Broadcast<List<Query>> shared = JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(List.copyOf(queries));
        Dataset<Row> partials = genuine.select("listing_id", "vector").mapPartitions((MapPartitionsFunction<Row, Row>) rows -> {
            List<Query> all = shared.value();
            List<TopK> best = new ArrayList<>(all.size());
            for (int i = 0; i < all.size(); i++) {
                best.add(new TopK(k));
            }
            while (rows.hasNext()) {
                Row row = rows.next();
                String id = row.getString(0);
                float[] vector = Vectors.fromBytes((byte[]) row.get(1));
                for (int i = 0; i < all.size(); i++) {
                    float cosine = Vectors.dot(all.get(i).vector(), vector);
                    if (best.get(i).admits(cosine) && !id.equals(all.get(i).listingId())) {
                        best.get(i).offer(id, cosine);
                    }
                }
            }
            List<Row> out = new ArrayList<>();
            for (int i = 0; i < all.size(); i++) {
                if (!best.get(i).isEmpty()) {
                    out.add(RowFactory.create(all.get(i).listingId(), best.get(i).toBytes()));
                }
            }
            return out.iterator();
        }, Encoders.row(NeighborRows.PARTIAL));
        return NeighborRows.merge(partials, k);
    }
}
