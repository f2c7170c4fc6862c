package dev.sparkjobs.bench.similarity;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.udf;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.apache.spark.ml.feature.BucketedRandomProjectionLSH;
import org.apache.spark.ml.feature.BucketedRandomProjectionLSHModel;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.storage.StorageLevel;

import dev.sparkjobs.api.SampleDataGenerator;
import dev.sparkjobs.similarity.AnnQuality;
import dev.sparkjobs.similarity.AnnSettings;
import dev.sparkjobs.similarity.ExactSearch;
import dev.sparkjobs.similarity.IvfQuantiser;
import dev.sparkjobs.similarity.IvfSearch;
import dev.sparkjobs.similarity.NeighborRows;
import dev.sparkjobs.similarity.SampleListings;
import dev.sparkjobs.similarity.SimilarityKeys;
import dev.sparkjobs.similarity.TopK;
import dev.sparkjobs.similarity.Vectors;

/**
 * Top-10 nearest genuine listings for every listing, side by side on generated 128-d listings, in
 * one local Spark JVM: the job's IVF search; exact search by dense matrix multiply (netlib BLAS
 * sgemm and the job's block kernel, each in Spark and in the same JVM without Spark: the limit);
 * hnswlib (Java HNSW) in one JVM; MLlib BucketedRandomProjectionLSH.approxSimilarityJoin. Exact
 * search runs on all queries unless a fraction is given (then it is timed on a random sample and
 * extrapolated linearly); the LSH join is timed on a sample drawn from the exact queries. Recall
 * of every method is measured against the exact neighbours.
 *
 * <pre>
 * bench/run.sh similarity.SimilarityBenchmark tune LISTINGS exactQueryFraction listSize:probes:coarseProbes...
 * bench/run.sh similarity.SimilarityBenchmark compare 200000 [probes] [lshTables] [lshBucket] [lshThreshold] [lshQueryFraction] [exactQueryFraction] [hnswEf,...]
 * </pre>
 */
public final class SimilarityBenchmark
{
    private static final int K = 10;
    private static final int DIMENSION = 128;

    private SimilarityBenchmark() {}

    /** CPU time of all finished tasks (executor CPU, deserialisation included): steadier than wall time on a shared machine. */
    private static final java.util.concurrent.atomic.AtomicLong TASK_CPU_NANOS = new java.util.concurrent.atomic.AtomicLong();

    private static double cpuSeconds(long startedNanos)
    {
        return (TASK_CPU_NANOS.get() - startedNanos) / 1e9;
    }

    public static void main(String[] args)
            throws Exception
    {
        SparkSession spark = SparkSession.builder().master("local[2]").appName("similarity benchmark")
                .config("spark.driver.host", "127.0.0.1").config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "8").config("spark.sql.adaptive.enabled", "false").getOrCreate();
        spark.sparkContext().setLogLevel("WARN");
        spark.sparkContext().addSparkListener(new org.apache.spark.scheduler.SparkListener()
        {
            @Override
            public void onTaskEnd(org.apache.spark.scheduler.SparkListenerTaskEnd taskEnd)
            {
                if (taskEnd.taskMetrics() != null) {
                    TASK_CPU_NANOS.addAndGet(taskEnd.taskMetrics().executorCpuTime() + taskEnd.taskMetrics().executorDeserializeCpuTime());
                }
            }
        });
        if (args[0].equals("tune")) {
            tune(spark, Integer.parseInt(args[1]), Double.parseDouble(args[2]), List.of(args).subList(3, args.length));
            spark.stop();
            return;
        }
        if (!args[0].equals("compare")) {
            throw new IllegalArgumentException("usage: compare LISTINGS [probes] [lshTables] [lshBucket] [lshThreshold] [lshQueryFraction] [exactQueryFraction] [hnswEf,...]");
        }
        compare(spark, Integer.parseInt(args[1]), args.length > 2 ? Integer.parseInt(args[2]) : SimilarityKeys.ANN_PROBES.defaultValue(), args.length > 3 ? Integer.parseInt(args[3]) : 8,
                args.length > 4 ? Double.parseDouble(args[4]) : 0.1, args.length > 5 ? Double.parseDouble(args[5]) : 1.0,
                args.length > 6 ? Double.parseDouble(args[6]) : 0.0005, args.length > 7 ? Double.parseDouble(args[7]) : 1.0,
                java.util.Arrays.stream((args.length > 8 ? args[8] : "50,100").split(",")).mapToInt(Integer::parseInt).toArray());
        spark.stop();
    }

    private record Data(Dataset<Row> queries, Dataset<Row> genuine, long genuineCount)
    {
        void release()
        {
            queries.unpersist();
            genuine.unpersist();
        }
    }

    private record Result(Dataset<Row> neighbors, int lists) {}

    private static Data load(SparkSession spark, int listings)
            throws Exception
    {
        Path folder = Files.createTempDirectory("similarity-bench");
        new SampleListings(DIMENSION).generate(new SampleDataGenerator.Request(spark, folder.toString(), listings, 42));
        Dataset<Row> raw = spark.read().parquet(folder.resolve("listings").toString());
        Dataset<Row> sellers = spark.read().option("header", "true").csv(folder.resolve("authorized_sellers").toString());
        Dataset<Row> authorized = sellers.select(col("brand").as("authorized_brand"), col("seller_id").as("authorized_seller"));
        Dataset<Row> valid = raw.where("embedding IS NOT NULL AND size(embedding) = " + DIMENSION + " AND NOT exists(embedding, x -> isnan(x))")
                .join(authorized, col("brand").equalTo(col("authorized_brand")).and(col("seller_id").equalTo(col("authorized_seller"))), "left")
                .select(col("listing_id"), col("authorized_seller").isNotNull().as("genuine"),
                        udf((UDF1<scala.collection.Seq<Object>, byte[]>) values -> {
                            double[] array = new double[values.size()];
                            for (int i = 0; i < array.length; i++) {
                                array[i] = ((Number) values.apply(i)).doubleValue();
                            }
                            return Vectors.toBytes(Vectors.normalised(array));
                        }, DataTypes.BinaryType).apply(col("embedding")).as("vector"))
                .persist(StorageLevel.MEMORY_AND_DISK());
        // Both sides derive from one persisted frame, as in the job: the cogroup then resolves its attributes.
        Dataset<Row> queries = valid.select("listing_id", "vector");
        Dataset<Row> genuine = valid.where(col("genuine")).select("listing_id", "vector");
        queries.count();
        return new Data(queries, genuine, genuine.count());
    }

    private static Result ivf(SparkSession spark, Data data, long queries, int probes)
    {
        return ivf(spark, data, queries, AnnSettings.defaults(SimilarityKeys.ANN_LIST_SIZE.defaultValue(), probes,
                SimilarityKeys.ANN_COARSE_PROBES.defaultValue()), false);
    }

    /**
     * The job's search (as SimilarityScoringJob runs it) with {@code settings}; prints the time of
     * each phase. With {@code breakdown}, the partial results are persisted before the merge, to time
     * routing + search apart from the merge (the job does not: search and merge are one pass).
     */
    private static Result ivf(SparkSession spark, Data data, long queries, AnnSettings settings, boolean breakdown)
    {
        int lists = settings.listsFor(data.genuineCount());
        int cells = AnnSettings.cellsFor(lists);
        long started = System.nanoTime();
        long cpu = TASK_CPU_NANOS.get();
        IvfQuantiser quantiser = IvfQuantiser.train(data.genuine(), data.genuineCount(), DIMENSION, lists, cells, settings);
        double trainSeconds = seconds(started);
        double trainCpu = cpuSeconds(cpu);
        started = System.nanoTime();
        cpu = TASK_CPU_NANOS.get();
        IvfSearch.Index index = IvfSearch.index(spark, data.genuine(), quantiser, settings.maxListSize());
        double indexSeconds = seconds(started);
        double indexCpu = cpuSeconds(cpu);
        started = System.nanoTime();
        cpu = TASK_CPU_NANOS.get();
        double routes = Math.min(2.0, Math.min(settings.probes(), index.totalChunks()));
        int mergePartitions = IvfSearch.partitions(spark, (long) (queries * routes * (K * 24L + 48)));
        Dataset<Row> partials = IvfSearch.search(spark, index, data.queries(), queries, K, settings.probes(), routes);
        long partialRows = -1;
        if (breakdown) {
            partials = partials.persist(StorageLevel.MEMORY_AND_DISK());
            partialRows = partials.count();
        }
        double searchSeconds = seconds(started);
        double searchCpu = cpuSeconds(cpu);
        started = System.nanoTime();
        cpu = TASK_CPU_NANOS.get();
        Dataset<Row> neighbors = NeighborRows.merge(partials, K, mergePartitions).persist(StorageLevel.MEMORY_AND_DISK());
        neighbors.count();
        double mergeCpu = cpuSeconds(cpu);
        partials.unpersist();
        index.release();
        System.out.printf(Locale.ROOT, "IVF phases (lists %d in %d cells, list size %d, probes %d, coarse probes %d): train %.1f s, assign %.1f s, "
                        + "route + search %.1f s (%.2f partial rows per query), (route + search +) merge %.1f s; largest list %d, %d blocks; "
                        + "task CPU: train %.1f s, assign %.1f s, route + search %.1f s, merge %.1f s%n",
                quantiser.lists(), quantiser.cells(), settings.listSize(), settings.probes(), settings.coarseProbesFor(quantiser.cells()), trainSeconds, indexSeconds,
                searchSeconds, partialRows / (double) queries, seconds(started), index.largestList(), index.totalChunks(), trainCpu, indexCpu,
                searchCpu, mergeCpu);
        return new Result(neighbors, quantiser.lists());
    }

    /**
     * IVF at several settings (listSize:probes:coarseProbes) against exact search on a sample of
     * the queries: time and recall of each, to choose defaults.
     */
    private static void tune(SparkSession spark, int listings, double exactQueryFraction, List<String> settings)
            throws Exception
    {
        Data data = load(spark, listings);
        long queries = data.queries().count();
        Dataset<Row> exactQueries = data.queries().sample(false, exactQueryFraction, 3).persist(StorageLevel.MEMORY_AND_DISK());
        long exactQueryCount = exactQueries.count();
        long started = System.nanoTime();
        long cpu = TASK_CPU_NANOS.get();
        Dataset<Row> exact = ExactBaselines.inSpark(spark, ExactBaselines.Method.KERNEL, data.genuine(), exactQueries, DIMENSION, K)
                .persist(StorageLevel.MEMORY_AND_DISK());
        exact.count();
        ExactBaselines.release();
        double exactSeconds = seconds(started);
        double exactCpu = cpuSeconds(cpu);
        System.out.printf(Locale.ROOT, "n=%d queries, %d genuine; exact on %d queries %.1f s, task CPU %.1f s (all queries extrapolated: %.1f s, "
                        + "CPU %.1f s); load average %s%n", queries, data.genuineCount(), exactQueryCount, exactSeconds, exactCpu,
                exactSeconds * queries / exactQueryCount, exactCpu * queries / exactQueryCount, loadAverage());
        for (String setting : settings) {
            String[] parts = setting.split(":");
            AnnSettings ann = AnnSettings.defaults(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), Integer.parseInt(parts[2]));
            started = System.nanoTime();
            cpu = TASK_CPU_NANOS.get();
            Result ivf = ivf(spark, data, queries, ann, true);
            double ivfSeconds = seconds(started);
            double ivfCpu = cpuSeconds(cpu);
            double recall = AnnQuality.recall(ivf.neighbors().join(exactQueries.select("listing_id"), "listing_id"), exact);
            System.out.printf(Locale.ROOT, "tune %s: IVF %.1f s (task CPU %.1f s), recall@10 %.4f, exact (extrapolated) / IVF %.1fx wall, %.1fx CPU; "
                            + "load average %s%n", setting, ivfSeconds, ivfCpu, recall, exactSeconds * queries / exactQueryCount / ivfSeconds,
                    exactCpu * queries / exactQueryCount / ivfCpu, loadAverage());
            ivf.neighbors().unpersist();
        }
        data.release();
    }

    private static void compare(SparkSession spark, int listings, int probes, int lshTables, double lshBucket, double lshThreshold,
            double lshQueryFraction, double exactQueryFraction, int[] hnswEfs)
            throws Exception
    {
        int cores = spark.sparkContext().defaultParallelism();
        System.out.printf(Locale.ROOT, "JVM %s, %d cores for Spark; BLAS %s; job kernel %s%n", System.getProperty("java.vm.version"), cores,
                dev.ludovic.netlib.blas.BLAS.getInstance().getClass().getName(), ExactSearch.kernel());
        Data data = load(spark, listings);
        long queries = data.queries().count();
        System.out.printf(Locale.ROOT, "n=%d queries, %d genuine, dim %d, k %d; load average %s%n", queries, data.genuineCount(), DIMENSION, K,
                loadAverage());

        long started = System.nanoTime();
        Result ivf = ivf(spark, data, queries, probes);
        double ivfSeconds = seconds(started);
        System.out.printf(Locale.ROOT, "IVF done in %.1f s; load average %s%n", ivfSeconds, loadAverage());

        // Exact search costs queries x genuine. With a fraction below 1 it runs on a random sample of the queries and is
        // extrapolated linearly; the queries are spread over 4 partitions per core first (not timed) so that no core idles.
        Dataset<Row> exactQueries = (exactQueryFraction >= 1.0 ? data.queries() : data.queries().sample(false, exactQueryFraction, 3))
                .repartition(4 * cores).persist(StorageLevel.MEMORY_AND_DISK());
        long exactQueryCount = exactQueries.count();
        double scale = queries / (double) exactQueryCount;
        Map<ExactBaselines.Method, Double> sparkSeconds = new EnumMap<>(ExactBaselines.Method.class);
        Map<ExactBaselines.Method, Dataset<Row>> sparkResults = new EnumMap<>(ExactBaselines.Method.class);
        for (ExactBaselines.Method method : ExactBaselines.Method.values()) {
            started = System.nanoTime();
            Dataset<Row> exact = ExactBaselines.inSpark(spark, method, data.genuine(), exactQueries, DIMENSION, K).persist(StorageLevel.MEMORY_AND_DISK());
            exact.count();
            double elapsed = seconds(started);
            ExactBaselines.release();
            sparkSeconds.put(method, elapsed * scale);
            sparkResults.put(method, exact);
            System.out.printf(Locale.ROOT, "exact in Spark, %s: %d queries in %.1f s (%.0fM dot products/s); load average %s%n",
                    ExactBaselines.describe(method), exactQueryCount, elapsed, exactQueryCount * (double) data.genuineCount() / elapsed / 1e6, loadAverage());
        }
        Dataset<Row> exact = sparkResults.get(ExactBaselines.Method.KERNEL);
        double blasAgreement = AnnQuality.recall(sparkResults.get(ExactBaselines.Method.BLAS), exact);
        double ivfRecall = AnnQuality.recall(ivf.neighbors().join(exactQueries.select("listing_id"), "listing_id"), exact);
        Map<String, Expected> expected = expected(exact);

        // The same exact search in one plain JVM (vectors collected first, not timed): the limit of the machine.
        ExactBaselines.Genuine genuine = ExactBaselines.collect(data.genuine(), DIMENSION);
        List<Row> queryRows = exactQueries.select("listing_id", "vector").collectAsList();
        String[] queryIds = new String[queryRows.size()];
        float[] queryVectors = new float[queryRows.size() * DIMENSION];
        for (int i = 0; i < queryIds.length; i++) {
            queryIds[i] = queryRows.get(i).getString(0);
            Vectors.copyInto((byte[]) queryRows.get(i).get(1), queryVectors, i, DIMENSION);
        }
        queryRows = null;
        Map<ExactBaselines.Method, Double> jvmSeconds = new EnumMap<>(ExactBaselines.Method.class);
        for (ExactBaselines.Method method : ExactBaselines.Method.values()) {
            started = System.nanoTime();
            ExactBaselines.Search search = ExactBaselines.search(method, genuine.ids(), genuine.vectors(), DIMENSION);
            List<List<TopK.Neighbor>> found = ExactBaselines.inOneJvm(search, queryVectors, queryIds, DIMENSION, K, cores);
            double elapsed = seconds(started);
            jvmSeconds.put(method, elapsed * scale);
            System.out.printf(Locale.ROOT, "exact in one JVM (%d threads), %s: %d queries in %.1f s (%.0fM dot products/s), agreement with exact in Spark %.4f; "
                            + "load average %s%n", cores, ExactBaselines.describe(method), exactQueryCount, elapsed,
                    exactQueryCount * (double) data.genuineCount() / elapsed / 1e6, recall(queryIds, found, expected), loadAverage());
        }

        // hnswlib in one JVM: build over the genuine vectors, then every sampled query at each ef.
        started = System.nanoTime();
        var hnsw = HnswBaseline.build(genuine, HNSW_M, HNSW_EF_CONSTRUCTION, cores);
        double hnswBuildSeconds = seconds(started);
        System.out.printf(Locale.ROOT, "hnswlib (M %d, efConstruction %d, %d threads): built over %d genuine in %.1f s; load average %s%n", HNSW_M,
                HNSW_EF_CONSTRUCTION, cores, genuine.ids().length, hnswBuildSeconds, loadAverage());
        List<String> hnswLines = new java.util.ArrayList<>();
        for (int ef : hnswEfs) {
            started = System.nanoTime();
            List<List<TopK.Neighbor>> found = HnswBaseline.query(hnsw, ef, queryVectors, queryIds, DIMENSION, K, cores);
            double elapsed = seconds(started);
            String line = String.format(Locale.ROOT, "hnswlib ef %d: %d queries in %.1f s (all queries %.1f s), recall@10 %.4f; build + query %.1f s "
                            + "(%.1fx the IVF time)", ef, exactQueryCount, elapsed, elapsed * scale, recall(queryIds, found, expected),
                    hnswBuildSeconds + elapsed * scale, (hnswBuildSeconds + elapsed * scale) / ivfSeconds);
            hnswLines.add(line);
            System.out.println(line + "; load average " + loadAverage());
        }
        hnsw = null;

        UDF1<byte[], Vector> toVector = bytes -> {
            float[] values = Vectors.fromBytes(bytes);
            double[] doubles = new double[values.length];
            for (int i = 0; i < values.length; i++) {
                doubles[i] = values[i];
            }
            return org.apache.spark.ml.linalg.Vectors.dense(doubles);
        };
        Dataset<Row> sampledQueries = (lshQueryFraction >= exactQueryFraction ? exactQueries
                : exactQueries.sample(false, lshQueryFraction / exactQueryFraction, 7))
                .persist(StorageLevel.MEMORY_AND_DISK());
        long lshQueryCount = sampledQueries.count();
        started = System.nanoTime();
        Dataset<Row> lshQueries = sampledQueries.select(col("listing_id"), udf(toVector, SQLDataTypes.VectorType()).apply(col("vector")).as("features"));
        Dataset<Row> lshGenuine = data.genuine().select(col("listing_id"), udf(toVector, SQLDataTypes.VectorType()).apply(col("vector")).as("features"));
        BucketedRandomProjectionLSHModel model = new BucketedRandomProjectionLSH().setBucketLength(lshBucket).setNumHashTables(lshTables)
                .setSeed(42).setInputCol("features").setOutputCol("hashes").fit(lshGenuine);
        // Unit vectors: euclidean distance d gives cosine 1 - d^2 / 2.
        Dataset<Row> joined = model.approxSimilarityJoin(lshQueries, lshGenuine, lshThreshold, "distance")
                .select(col("datasetA.listing_id").as("listing_id"), col("datasetB.listing_id").as("neighbor_id"), col("distance"))
                .where(col("listing_id").notEqual(col("neighbor_id")));
        Dataset<Row> lsh = joined.withColumn("rank", row_number().over(Window.partitionBy("listing_id").orderBy(col("distance"), col("neighbor_id"))))
                .where(col("rank").leq(K))
                .select(col("listing_id"), col("rank"), col("neighbor_id"), org.apache.spark.sql.functions.expr("1 - distance * distance / 2").as("cosine"))
                .persist(StorageLevel.MEMORY_AND_DISK());
        lsh.count();
        double lshSeconds = seconds(started);
        // The part of the LSH run that does not grow with the queries: hashing the genuine side.
        started = System.nanoTime();
        model.transform(lshGenuine).select(org.apache.spark.sql.functions.size(col("hashes"))).agg(org.apache.spark.sql.functions.sum(col("size(hashes)")))
                .first();
        double lshGenuineSeconds = seconds(started);
        double lshExtrapolated = lshQueryFraction >= 1.0 ? lshSeconds
                : lshGenuineSeconds + (lshSeconds - lshGenuineSeconds) * queries / (double) lshQueryCount;
        double lshRecall = AnnQuality.recall(lsh, exact.join(sampledQueries.select("listing_id"), "listing_id"));

        String extrapolated = exactQueryFraction >= 1.0 ? "" : " (extrapolated linearly from " + exactQueryCount + " queries)";
        System.out.println("== summary, " + queries + " queries x " + data.genuineCount() + " genuine, top-" + K);
        System.out.printf(Locale.ROOT, "IVF (lists %d, probes %d; the job's defaults otherwise): %.1f s, recall@10 %.4f (on %d exact queries)%n", ivf.lists(),
                probes, ivfSeconds, ivfRecall, exactQueryCount);
        for (ExactBaselines.Method method : ExactBaselines.Method.values()) {
            System.out.printf(Locale.ROOT, "exact, %s: in Spark %.1f s%s (%.1fx the IVF time); in one JVM %.1f s (%.1fx)%n", ExactBaselines.describe(method),
                    sparkSeconds.get(method), extrapolated, sparkSeconds.get(method) / ivfSeconds, jvmSeconds.get(method), jvmSeconds.get(method) / ivfSeconds);
        }
        System.out.printf(Locale.ROOT, "exact by BLAS against exact by the block kernel: recall@10 %.4f (1 when they agree)%n", blasAgreement);
        hnswLines.forEach(System.out::println);
        System.out.printf(Locale.ROOT, "MLlib BucketedRandomProjectionLSH (tables %d, bucket %.2f, threshold %.2f) on %d of %d queries: %.1f s "
                        + "(hashing the genuine side alone %.1f s), recall@10 %.4f; for all queries %s%.1f s (%.1fx the IVF time)%n",
                lshTables, lshBucket, lshThreshold, lshQueryCount, queries, lshSeconds, lshGenuineSeconds, lshRecall,
                lshQueryFraction >= 1.0 ? "" : "extrapolated linearly ", lshExtrapolated, lshExtrapolated / ivfSeconds);
        System.out.printf(Locale.ROOT, "peak heap (sum of pool peaks) %.0f MiB, peak RSS %s; load average %s%n", peakHeapMiB(), peakRss(), loadAverage());
        exactQueries.unpersist();
        data.release();
    }

    static final int HNSW_M = 16;
    static final int HNSW_EF_CONSTRUCTION = 200;

    /** Per query of an exact result: its neighbours and the k-th cosine. */
    private record Expected(int count, double threshold) {}

    private static Map<String, Expected> expected(Dataset<Row> exact)
    {
        Map<String, Expected> expected = new java.util.HashMap<>();
        for (Row row : exact.groupBy("listing_id").agg(org.apache.spark.sql.functions.count("rank"), org.apache.spark.sql.functions.min("cosine")).collectAsList()) {
            expected.put(row.getString(0), new Expected((int) row.getLong(1), row.getDouble(2)));
        }
        return expected;
    }

    /** AnnQuality's recall@k (a neighbour counts when its cosine reaches the exact k-th cosine) of results held in memory. */
    private static double recall(String[] queryIds, List<List<TopK.Neighbor>> found, Map<String, Expected> expected)
    {
        long total = 0;
        long hits = 0;
        for (int q = 0; q < queryIds.length; q++) {
            Expected wanted = expected.get(queryIds[q]);
            if (wanted == null) {
                continue;
            }
            total += wanted.count();
            long reached = found.get(q).stream().filter(neighbor -> neighbor.cosine() >= wanted.threshold() - 1e-5).count();
            hits += Math.min(reached, wanted.count());
        }
        return total == 0 ? Double.NaN : (double) hits / total;
    }

    private static String loadAverage()
            throws java.io.IOException
    {
        return Files.readString(Path.of("/proc/loadavg")).trim();
    }

    private static double peakHeapMiB()
    {
        return ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(pool -> pool.getType() == java.lang.management.MemoryType.HEAP)
                .mapToLong(pool -> pool.getPeakUsage().getUsed()).sum() / 1048576.0;
    }

    private static String peakRss()
            throws java.io.IOException
    {
        return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(line -> line.startsWith("VmHWM"))
                .map(line -> line.substring(6).trim()).findFirst().orElse("?");
    }

    private static double seconds(long started)
    {
        return (System.nanoTime() - started) / 1e9;
    }

}
