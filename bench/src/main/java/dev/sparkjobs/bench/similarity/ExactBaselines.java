package dev.sparkjobs.bench.similarity;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

import dev.ludovic.netlib.blas.BLAS;
import dev.sparkjobs.similarity.ExactSearch;
import dev.sparkjobs.similarity.NeighborRows;
import dev.sparkjobs.similarity.TopK;
import dev.sparkjobs.similarity.Vectors;

/**
 * Exact top-k by dense matrix multiply, the baselines of the similarity benchmark: every query
 * against every genuine vector, blocked so that a block of genuine vectors and a batch of queries
 * stay in the CPU caches, on as many threads as there are cores. Two kernels: netlib's BLAS
 * {@code sgemm} (the library Spark ships; {@code VectorBLAS} with {@code --add-modules
 * jdk.incubator.vector}) followed by a scan of each query's column of scores, and the job's own
 * block kernel ({@link ExactSearch.Reference}), which compares each score with the query's k-th
 * best as it computes it. Each runs in Spark (the genuine vectors broadcast, the queries' own
 * partitions scored where they are, no shuffle) and in a plain JVM without Spark (the limit).
 */
final class ExactBaselines
{
    /** Queries scored together: 256 x 128 floats = 128 KiB next to a 128 KiB tile of genuine vectors, within L2. */
    static final int QUERY_BATCH = 256;

    /** Genuine vectors per sgemm call: a 1,024 x 256 score block (1 MiB) is then scanned while it is in L2/L3. */
    static final int BLAS_GENUINE_BLOCK = 1024;

    private ExactBaselines() {}

    enum Method
    {
        BLAS, KERNEL
    }

    /** An exact search over the genuine vectors: the top-k of a batch of queries. */
    interface Search
    {
        List<List<TopK.Neighbor>> topK(float[] queries, String[] queryIds, int count, int k);
    }

    static Search search(Method method, String[] ids, float[] vectors, int dimension)
    {
        return method == Method.BLAS ? new BlasSearch(ids, vectors, dimension) : new ExactSearch.Reference(ids, vectors, dimension)::topK;
    }

    /** What the method runs on in this JVM. */
    static String describe(Method method)
    {
        return method == Method.BLAS ? "netlib BLAS sgemm: " + BLAS.getInstance().getClass().getName() : "the job's block kernel: " + ExactSearch.kernel();
    }

    /**
     * {@code sgemm("T", "N")}: a block of genuine vectors (row-major, so column-major d x n: the
     * transposed operand) times a batch of queries gives, per query, a contiguous column of scores;
     * each column is scanned against the query's current k-th best (one comparison per score).
     */
    static final class BlasSearch
            implements Search
    {
        private final String[] ids;
        private final float[] vectors;
        private final int dimension;
        private final BLAS blas = BLAS.getInstance();

        BlasSearch(String[] ids, float[] vectors, int dimension)
        {
            this.ids = ids;
            this.vectors = vectors;
            this.dimension = dimension;
        }

        @Override
        public List<List<TopK.Neighbor>> topK(float[] queries, String[] queryIds, int count, int k)
        {
            int block = BLAS_GENUINE_BLOCK;
            float[] scores = new float[block * count];
            FlatHeaps heaps = new FlatHeaps(count, k);
            for (int from = 0; from < ids.length; from += block) {
                int size = Math.min(block, ids.length - from);
                blas.sgemm("T", "N", size, count, dimension, 1f, vectors, from * dimension, dimension, queries, 0, dimension, 0f, scores, 0, size);
                for (int q = 0; q < count; q++) {
                    float floor = heaps.floor(q);
                    int column = q * size;
                    for (int i = 0; i < size; i++) {
                        float score = scores[column + i];
                        if (score >= floor && !ids[from + i].equals(queryIds[q])) {
                            heaps.offer(q, from + i, score);
                            floor = heaps.floor(q);
                        }
                    }
                }
            }
            List<List<TopK.Neighbor>> result = new ArrayList<>(count);
            for (int q = 0; q < count; q++) {
                TopK best = new TopK(k);
                for (int n = 0; n < heaps.size(q); n++) {
                    best.offer(new TopK.Neighbor(ids[heaps.index(q, n)], heaps.score(q, n)));
                }
                result.add(best.sorted());
            }
            return result;
        }
    }

    /** Per query a bounded min-heap of (score, index), worst at the root (ties are settled by {@link TopK} afterwards). */
    static final class FlatHeaps
    {
        private final int k;
        private final float[] scores;
        private final int[] indices;
        private final int[] sizes;
        private final float[] floors;

        FlatHeaps(int queries, int k)
        {
            this.k = k;
            this.scores = new float[queries * k];
            this.indices = new int[queries * k];
            this.sizes = new int[queries];
            this.floors = new float[queries];
            java.util.Arrays.fill(floors, Float.NEGATIVE_INFINITY);
        }

        float floor(int query)
        {
            return floors[query];
        }

        int size(int query)
        {
            return sizes[query];
        }

        int index(int query, int n)
        {
            return indices[query * k + n];
        }

        float score(int query, int n)
        {
            return scores[query * k + n];
        }

        /** Admits ties with the k-th best (so that TopK can order them by id), replacing the root. */
        void offer(int query, int index, float score)
        {
            int base = query * k;
            int size = sizes[query];
            int position;
            if (size < k) {
                position = size;
                while (position > 0 && scores[base + (position - 1) / 2] > score) {
                    scores[base + position] = scores[base + (position - 1) / 2];
                    indices[base + position] = indices[base + (position - 1) / 2];
                    position = (position - 1) / 2;
                }
                sizes[query] = ++size;
            }
            else {
                position = 0;
                while (true) {
                    int child = 2 * position + 1;
                    if (child >= k) {
                        break;
                    }
                    if (child + 1 < k && scores[base + child + 1] < scores[base + child]) {
                        child++;
                    }
                    if (scores[base + child] >= score) {
                        break;
                    }
                    scores[base + position] = scores[base + child];
                    indices[base + position] = indices[base + child];
                    position = child;
                }
            }
            scores[base + position] = score;
            indices[base + position] = index;
            if (size == k) {
                floors[query] = scores[base];
            }
        }
    }

    /** The genuine side, collected once on the driver: ids and a row-major matrix. */
    record Genuine(String[] ids, float[] vectors, int dimension)
            implements java.io.Serializable
    {
        private static final long serialVersionUID = 1L;
    }

    static Genuine collect(Dataset<Row> genuine, int dimension)
    {
        List<Row> rows = genuine.select("listing_id", "vector").collectAsList();
        String[] ids = new String[rows.size()];
        float[] vectors = new float[rows.size() * dimension];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = rows.get(i).getString(0);
            Vectors.copyInto((byte[]) rows.get(i).get(1), vectors, i, dimension);
        }
        return new Genuine(ids, vectors, dimension);
    }

    /** Searches built once per JVM and broadcast: tasks of one executor share them. */
    private static final Map<Long, Search> SEARCHES = new ConcurrentHashMap<>();

    /**
     * Ranked neighbours ({@link NeighborRows#RANKED}) of every query ({@code listing_id}, binary
     * {@code vector}) in Spark: the genuine vectors are broadcast (collected on the driver first,
     * counted in the time), and each task scores its partition of queries a batch at a time.
     */
    static Dataset<Row> inSpark(SparkSession spark, Method method, Dataset<Row> genuine, Dataset<Row> queries, int dimension, int k)
    {
        Genuine collected = collect(genuine, dimension);
        JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Broadcast<Genuine> shared = context.broadcast(collected);
        long key = shared.id();
        return queries.select("listing_id", "vector").mapPartitions((MapPartitionsFunction<Row, Row>) rows -> {
            Search search = SEARCHES.computeIfAbsent(key, id -> {
                Genuine value = shared.value();
                return search(method, value.ids(), value.vectors(), value.dimension());
            });
            List<Row> out = new ArrayList<>();
            float[] batch = new float[QUERY_BATCH * dimension];
            String[] batchIds = new String[QUERY_BATCH];
            while (rows.hasNext()) {
                int count = 0;
                while (count < QUERY_BATCH && rows.hasNext()) {
                    Row row = rows.next();
                    batchIds[count] = row.getString(0);
                    Vectors.copyInto((byte[]) row.get(1), batch, count++, dimension);
                }
                List<List<TopK.Neighbor>> found = search.topK(batch, batchIds, count, k);
                for (int q = 0; q < count; q++) {
                    int rank = 1;
                    for (TopK.Neighbor neighbor : found.get(q)) {
                        out.add(RowFactory.create(batchIds[q], rank++, neighbor.id(), (double) neighbor.cosine()));
                    }
                }
            }
            return out.iterator();
        }, Encoders.row(NeighborRows.RANKED));
    }

    static void release()
    {
        SEARCHES.clear();
    }

    /** The top-k of every query in a plain JVM: {@code threads} threads take batches of queries in turn. */
    static List<List<TopK.Neighbor>> inOneJvm(Search search, float[] queries, String[] queryIds, int dimension, int k, int threads)
            throws Exception
    {
        int count = queryIds.length;
        int batches = (count + QUERY_BATCH - 1) / QUERY_BATCH;
        List<List<TopK.Neighbor>> result = new ArrayList<>(java.util.Collections.nCopies(count, null));
        forEachIndex(threads, batches, batch -> {
            int from = batch * QUERY_BATCH;
            int size = Math.min(QUERY_BATCH, count - from);
            float[] rows = java.util.Arrays.copyOfRange(queries, from * dimension, (from + size) * dimension);
            String[] ids = java.util.Arrays.copyOfRange(queryIds, from, from + size);
            List<List<TopK.Neighbor>> found = search.topK(rows, ids, size, k);
            for (int q = 0; q < size; q++) {
                result.set(from + q, found.get(q));
            }
        });
        return result;
    }

    /** Runs {@code body} for 0 to {@code count - 1} on {@code threads} threads, each taking the next index in turn. */
    static void forEachIndex(int threads, int count, java.util.function.IntConsumer body)
            throws Exception
    {
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                workers.add(pool.submit(() -> {
                    for (int index = next.getAndIncrement(); index < count; index = next.getAndIncrement()) {
                        body.accept(index);
                    }
                }));
            }
            for (Future<?> worker : workers) {
                worker.get();
            }
        }
        finally {
            pool.shutdown();
        }
    }
}
