package dev.sparkjobs.bench.similarity;

import java.util.ArrayList;
import java.util.List;

import com.github.jelmerk.hnswlib.core.DistanceFunctions;
import com.github.jelmerk.hnswlib.core.Item;
import com.github.jelmerk.hnswlib.core.SearchResult;
import com.github.jelmerk.hnswlib.core.hnsw.HnswIndex;

import dev.sparkjobs.similarity.TopK;

/**
 * What a user with one machine would pick instead of Spark: {@code com.github.jelmerk:hnswlib-core}
 * (Java HNSW) in one JVM, built over the genuine vectors with {@code threads} threads and queried
 * by all listings on as many threads. Inner-product distance on the unit vectors (1 - cosine).
 */
final class HnswBaseline
{
    private HnswBaseline() {}

    /** A genuine listing as hnswlib's item. */
    record Listing(String id, float[] vector)
            implements Item<String, float[]>
    {
        private static final long serialVersionUID = 1L;

        @Override
        public int dimensions()
        {
            return vector.length;
        }
    }

    static HnswIndex<String, float[], Listing, Float> build(ExactBaselines.Genuine genuine, int m, int efConstruction, int threads)
            throws InterruptedException
    {
        int dimension = genuine.dimension();
        HnswIndex<String, float[], Listing, Float> index = HnswIndex.newBuilder(dimension, DistanceFunctions.FLOAT_INNER_PRODUCT, genuine.ids().length)
                .withM(m).withEfConstruction(efConstruction).withEf(efConstruction).build();
        List<Listing> items = new ArrayList<>(genuine.ids().length);
        for (int i = 0; i < genuine.ids().length; i++) {
            items.add(new Listing(genuine.ids()[i], java.util.Arrays.copyOfRange(genuine.vectors(), i * dimension, (i + 1) * dimension)));
        }
        index.addAll(items, threads, (done, max) -> {}, Integer.MAX_VALUE);
        return index;
    }

    /** The top-k of every query, best first, without itself: k + 1 are asked for (a genuine listing finds itself first). */
    static List<List<TopK.Neighbor>> query(HnswIndex<String, float[], Listing, Float> index, int ef, float[] queries, String[] queryIds, int dimension, int k,
            int threads)
            throws Exception
    {
        index.setEf(ef);
        int count = queryIds.length;
        List<List<TopK.Neighbor>> result = new ArrayList<>(java.util.Collections.nCopies(count, null));
        ExactBaselines.forEachIndex(threads, count, q -> {
            float[] vector = java.util.Arrays.copyOfRange(queries, q * dimension, (q + 1) * dimension);
            TopK best = new TopK(k);
            for (SearchResult<Listing, Float> found : index.findNearest(vector, k + 1)) {
                if (!found.item().id().equals(queryIds[q])) {
                    best.offer(found.item().id(), 1f - found.distance());
                }
            }
            result.set(q, best.sorted());
        });
        return result;
    }
}
