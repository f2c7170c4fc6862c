package dev.sparkjobs.bench.similarity;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.udf;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

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
import dev.sparkjobs.similarity.IvfQuantiser;
import dev.sparkjobs.similarity.IvfSearch;
import dev.sparkjobs.similarity.NeighborRows;
import dev.sparkjobs.similarity.SampleListings;
import dev.sparkjobs.similarity.Vectors;

/**
 * Top-10 nearest genuine listings for every listing, side by side on generated 128-d listings:
 * the job's IVF search, exact blocked brute force (the same block kernel with one list, so every
 * query meets every genuine block) and MLlib BucketedRandomProjectionLSH.approxSimilarityJoin.
 *
 * <pre>
 * bench/run.sh similarity.SimilarityBenchmark compare 200000 [probes] [lshTables] [lshBucket] [lshThreshold]
 * bench/run.sh similarity.SimilarityBenchmark scale 100000 200000 500000 1000000
 * </pre>
 */
public final class SimilarityBenchmark
{
    private static final int K = 10;
    private static final int DIMENSION = 128;

    private SimilarityBenchmark() {}

    public static void main(String[] args)
            throws Exception
    {
        SparkSession spark = SparkSession.builder().master("local[2]").appName("similarity benchmark")
                .config("spark.driver.host", "127.0.0.1").config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "8").config("spark.sql.adaptive.enabled", "false").getOrCreate();
        spark.sparkContext().setLogLevel("WARN");
        if (args[0].equals("compare")) {
            compare(spark, Integer.parseInt(args[1]), args.length > 2 ? Integer.parseInt(args[2]) : 8, args.length > 3 ? Integer.parseInt(args[3]) : 8,
                    args.length > 4 ? Double.parseDouble(args[4]) : 0.5, args.length > 5 ? Double.parseDouble(args[5]) : 0.6);
        }
        else {
            for (int i = 1; i < args.length; i++) {
                int listings = Integer.parseInt(args[i]);
                Data data = load(spark, listings);
                long started = System.nanoTime();
                Result ivf = ivf(spark, data, 8);
                System.out.printf(Locale.ROOT, "scale n=%d genuine=%d: IVF top-10 %.1f s (lists %d), heap used after %.0f MiB%n", listings,
                        data.genuineCount(), seconds(started), ivf.lists(), usedMiB());
                data.release();
            }
        }
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

    private static Result ivf(SparkSession spark, Data data, int probes)
    {
        AnnSettings settings = new AnnSettings(K, 0, probes, 5000, 64, 10, "k-means||", 42, 0, 0.95);
        int lists = settings.listsFor(data.genuineCount());
        IvfQuantiser quantiser = IvfQuantiser.train(data.genuine(), data.genuineCount(), DIMENSION, lists, settings);
        IvfSearch.Index index = IvfSearch.index(spark, data.genuine(), quantiser, settings.maxListSize());
        Dataset<Row> neighbors = NeighborRows.merge(IvfSearch.search(spark, index, data.queries(), K, probes), K).persist(StorageLevel.MEMORY_AND_DISK());
        neighbors.count();
        index.release();
        return new Result(neighbors, lists);
    }

    private static void compare(SparkSession spark, int listings, int probes, int lshTables, double lshBucket, double lshThreshold)
            throws Exception
    {
        Data data = load(spark, listings);
        System.out.printf(Locale.ROOT, "n=%d queries, %d genuine, dim %d, k %d%n", data.queries().count(), data.genuineCount(), DIMENSION, K);

        long started = System.nanoTime();
        Result ivf = ivf(spark, data, probes);
        double ivfSeconds = seconds(started);

        started = System.nanoTime();
        IvfQuantiser single = new IvfQuantiser(DIMENSION, new float[][] {new float[DIMENSION]});
        IvfSearch.Index blocks = IvfSearch.index(spark, data.genuine(), single, 4096);
        Dataset<Row> exact = NeighborRows.merge(IvfSearch.search(spark, blocks, data.queries(), K, 1), K).persist(StorageLevel.MEMORY_AND_DISK());
        exact.count();
        blocks.release();
        double exactSeconds = seconds(started);

        started = System.nanoTime();
        UDF1<byte[], Vector> toVector = bytes -> {
            float[] values = Vectors.fromBytes(bytes);
            double[] doubles = new double[values.length];
            for (int i = 0; i < values.length; i++) {
                doubles[i] = values[i];
            }
            return org.apache.spark.ml.linalg.Vectors.dense(doubles);
        };
        Dataset<Row> lshQueries = data.queries().select(col("listing_id"), udf(toVector, SQLDataTypes.VectorType()).apply(col("vector")).as("features"));
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

        double ivfRecall = AnnQuality.recall(ivf.neighbors(), exact);
        double lshRecall = AnnQuality.recall(lsh, exact);
        System.out.printf(Locale.ROOT, "IVF (lists %d, probes %d): %.1f s, recall@10 %.4f%n", ivf.lists(), probes, ivfSeconds, ivfRecall);
        System.out.printf(Locale.ROOT, "exact blocked brute force: %.1f s (%.1fx the IVF time)%n", exactSeconds, exactSeconds / ivfSeconds);
        System.out.printf(Locale.ROOT, "MLlib BucketedRandomProjectionLSH (tables %d, bucket %.2f, threshold %.2f): %.1f s, recall@10 %.4f (%.1fx the IVF time)%n",
                lshTables, lshBucket, lshThreshold, lshSeconds, lshRecall, lshSeconds / ivfSeconds);
        System.out.printf(Locale.ROOT, "heap used %.0f MiB%n", usedMiB());
        data.release();
    }

    private static double seconds(long started)
    {
        return (System.nanoTime() - started) / 1e9;
    }

    private static double usedMiB()
    {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1048576.0;
    }
}
