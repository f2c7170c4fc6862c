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
 * Exact top-k of a small set of queries (broadcast as one flat matrix) against all genuine
 * vectors: every task scores chunks of its partition of genuine vectors against every query with
 * the block kernel, and the partial results are merged. Cost: queries x genuine; used to measure
 * the recall of the approximate search.
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

    /** The dot-product kernel of this JVM (Vector API or plain Java), for logs and benchmarks. */
    public static String kernel()
    {
        return PanelKernel.fastest().description();
    }

    /**
     * An in-memory set of unit vectors searched exactly by the block kernel: one list of panels,
     * scored a tile at a time by each batch of queries. Thread-safe: searches share the panels.
     */
    public static final class Reference
    {
        private final BlockKernel block;

        /** @param vectors row-major, {@code ids.length x dimension} */
        public Reference(String[] ids, float[] vectors, int dimension)
        {
            if (vectors.length != ids.length * dimension) {
                throw new IllegalArgumentException("expected " + ids.length + " x " + dimension + " values, got " + vectors.length);
            }
            this.block = new BlockKernel(PanelKernel.fastest(), ids.clone(), vectors, null, new int[] {0, ids.length}, dimension);
        }

        /** The top-k of each of {@code count} queries (row-major), best first; a query never gets itself (same id). */
        public List<List<TopK.Neighbor>> topK(float[] queries, String[] queryIds, int count, int k)
        {
            BlockKernel.Heaps heaps = block.search(queries, queryIds, count, k);
            List<List<TopK.Neighbor>> result = new ArrayList<>(count);
            for (int q = 0; q < count; q++) {
                TopK best = new TopK(k);
                for (int n = 0; n < heaps.size(q); n++) {
                    best.offer(new TopK.Neighbor(block.id(heaps.index(q, n)), heaps.cosine(q, n)));
                }
                result.add(best.sorted());
            }
            return result;
        }
    }

    /** Genuine vectors of a partition scored together against every query. */
    static final int GENUINE_CHUNK = 4096;

    /** Ranked neighbours ({@link NeighborRows#RANKED}) of each query among {@code genuine} ({@code listing_id}, binary {@code vector}). */
    public static Dataset<Row> topK(SparkSession spark, Dataset<Row> genuine, List<Query> queries, int k)
    {
        int dimension = queries.isEmpty() ? 0 : queries.get(0).vector().length;
        float[] flat = new float[queries.size() * dimension];
        String[] queryIds = new String[queries.size()];
        for (int i = 0; i < queries.size(); i++) {
            queryIds[i] = queries.get(i).listingId();
            System.arraycopy(queries.get(i).vector(), 0, flat, i * dimension, dimension);
        }
        JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Broadcast<float[]> sharedVectors = context.broadcast(flat);
        Broadcast<String[]> sharedIds = context.broadcast(queryIds);
        Dataset<Row> partials = genuine.select("listing_id", "vector").mapPartitions((MapPartitionsFunction<Row, Row>) rows -> {
            float[] vectors = sharedVectors.value();
            String[] ids = sharedIds.value();
            List<TopK> best = new ArrayList<>(ids.length);
            for (int i = 0; i < ids.length; i++) {
                best.add(new TopK(k));
            }
            List<String> chunkIds = new ArrayList<>(GENUINE_CHUNK);
            List<byte[]> chunkVectors = new ArrayList<>(GENUINE_CHUNK);
            while (rows.hasNext()) {
                Row row = rows.next();
                chunkIds.add(row.getString(0));
                chunkVectors.add((byte[]) row.get(1));
                if (chunkIds.size() == GENUINE_CHUNK || !rows.hasNext()) {
                    BlockKernel kernel = new BlockKernel(chunkIds.toArray(String[]::new), chunkVectors.toArray(byte[][]::new), dimension);
                    BlockKernel.Heaps heaps = kernel.search(vectors, ids, ids.length, k);
                    for (int q = 0; q < ids.length; q++) {
                        for (int n = 0; n < heaps.size(q); n++) {
                            best.get(q).offer(kernel.id(heaps.index(q, n)), heaps.cosine(q, n));
                        }
                    }
                    chunkIds.clear();
                    chunkVectors.clear();
                }
            }
            List<Row> out = new ArrayList<>();
            for (int i = 0; i < ids.length; i++) {
                if (!best.get(i).isEmpty()) {
                    out.add(RowFactory.create(ids[i], best.get(i).toBytes()));
                }
            }
            return out.iterator();
        }, Encoders.row(NeighborRows.PARTIAL));
        return NeighborRows.merge(partials, k);
    }
}
