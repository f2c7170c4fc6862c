package dev.sparkjobs.similarity;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.udf;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.CoGroupFunction;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * Approximate top-k search with an inverted-file (IVF) index. Each genuine vector sits in the list
 * of its nearest centroid; lists larger than {@code maxListSize} are split by a hash of the
 * listing id into chunks (blocks). Each query is sent to every block of its {@code probes}
 * nearest lists: an equi-join on the block key (a cogroup), never a cartesian product. Within a
 * block the genuine vectors form one dense matrix, every query is scored exactly against it and
 * keeps its best k in a bounded heap; the partial results of a query are then merged.
 */
public final class IvfSearch
{
    private static final StructType BLOCKED = new StructType()
            .add("block", DataTypes.LongType, false)
            .add("listing_id", DataTypes.StringType, false)
            .add("vector", DataTypes.BinaryType, false);

    private IvfSearch() {}

    /**
     * The index built over the genuine vectors: the assigned and blocked genuine vectors
     * (persisted: unpersist with {@link #release()} once the neighbours are materialised) and the
     * sizes of its lists.
     */
    public record Index(IvfQuantiser quantiser, Dataset<Row> assigned, Dataset<Row> blocked, long[] listSizes, int[] chunks)
    {
        public long largestList()
        {
            long largest = 0;
            for (long size : listSizes) {
                largest = Math.max(largest, size);
            }
            return largest;
        }

        public int totalChunks()
        {
            int total = 0;
            for (int chunk : chunks) {
                total += chunk;
            }
            return total;
        }

        /** Genuine vectors compared by a query probing {@code lists}. */
        public long candidates(int[] lists)
        {
            long total = 0;
            for (int list : lists) {
                total += listSizes[list];
            }
            return total;
        }

        public void release()
        {
            assigned.unpersist(false);
        }
    }

    /** Assigns every genuine vector ({@code listing_id}, binary {@code vector}) to its list and block. */
    public static Index index(SparkSession spark, Dataset<Row> genuine, IvfQuantiser quantiser, int maxListSize)
    {
        JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Broadcast<IvfQuantiser> shared = context.broadcast(quantiser);
        Dataset<Row> assigned = genuine.select(col("listing_id"), col("vector"),
                        udf((UDF1<byte[], Integer>) bytes -> shared.value().nearest(Vectors.fromBytes(bytes)), DataTypes.IntegerType)
                                .apply(col("vector")).as("list"))
                .persist(StorageLevel.MEMORY_AND_DISK());
        long[] listSizes = new long[quantiser.lists()];
        for (Row row : assigned.groupBy("list").agg(count(lit(1))).collectAsList()) {
            listSizes[row.getInt(0)] = row.getLong(1);
        }
        int[] chunks = new int[quantiser.lists()];
        for (int list = 0; list < chunks.length; list++) {
            chunks[list] = (int) Math.max(1, (listSizes[list] + maxListSize - 1) / maxListSize);
        }
        Broadcast<int[]> sharedChunks = context.broadcast(chunks);
        Dataset<Row> blocked = assigned.select(
                udf((UDF2<Integer, String, Long>) (list, id) -> block(list, Math.floorMod(id.hashCode(), sharedChunks.value()[list])),
                        DataTypes.LongType).asNonNullable().apply(col("list"), col("listing_id")).as("block"),
                // Fresh aliases: when queries and genuine vectors share lineage, the cogroup's self-join
                // deduplication would otherwise rewrite attributes its deserializer is bound to.
                col("listing_id").as("listing_id"), col("vector").as("vector"));
        return new Index(quantiser, assigned, blocked, listSizes, chunks);
    }

    /**
     * Partial results (see {@link NeighborRows#PARTIAL}) of every query ({@code listing_id}, binary
     * {@code vector}) against the blocks of its {@code probes} nearest lists; a listing is never
     * its own neighbour. {@code queryCount} (the queries, or an estimate) sizes the shuffle.
     */
    public static Dataset<Row> search(SparkSession spark, Index index, Dataset<Row> queries, long queryCount, int k, int probes)
    {
        JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Broadcast<IvfQuantiser> shared = context.broadcast(index.quantiser());
        Broadcast<int[]> sharedChunks = context.broadcast(index.chunks());
        Dataset<Row> routed = queries.select("listing_id", "vector").flatMap((FlatMapFunction<Row, Row>) row -> {
            byte[] bytes = (byte[]) row.get(1);
            int[] lists = shared.value().nearest(Vectors.fromBytes(bytes), probes);
            List<Row> routes = new ArrayList<>();
            for (int list : lists) {
                for (int chunk = 0; chunk < sharedChunks.value()[list]; chunk++) {
                    routes.add(RowFactory.create(block(list, chunk), row.getString(0), bytes));
                }
            }
            return routes.iterator();
        }, Encoders.row(BLOCKED));
        int dimension = index.quantiser().dimension();
        int partitions = partitions(spark, (long) (queryCount * Math.min(probes, index.quantiser().lists()) * (dimension * Float.BYTES + 64.0)));
        Column key = col("block");
        return routed.repartition(partitions, key).groupBy(key).as(Encoders.LONG(), Encoders.row(BLOCKED))
                .cogroup(index.blocked().repartition(partitions, key).groupBy(key).as(Encoders.LONG(), Encoders.row(BLOCKED)),
                        (CoGroupFunction<Long, Row, Row, Row>) (block, blockQueries, blockGenuine) ->
                                scoreBlock(blockQueries, blockGenuine, dimension, k),
                        Encoders.row(NeighborRows.PARTIAL));
    }

    /** Bytes per shuffle partition of the search: small enough that a task sorts its share of the routed queries in memory. */
    static final long PARTITION_BYTES = 32L << 20;

    /** spark.sql.shuffle.partitions, raised so that no partition of an estimated {@code bytes} holds more than {@link #PARTITION_BYTES}. */
    public static int partitions(SparkSession spark, long bytes)
    {
        int configured = Integer.parseInt(spark.conf().get("spark.sql.shuffle.partitions"));
        return (int) Math.max(configured, Math.min(100_000, (bytes + PARTITION_BYTES - 1) / PARTITION_BYTES));
    }

    /** Queries scored together against a block: bounds the memory of a block's query batch. */
    static final int QUERY_BATCH = 2048;

    /** Exact top-k of each query of a block against the block's genuine vectors, as one dense matrix (see {@link BlockKernel}). */
    static Iterator<Row> scoreBlock(Iterator<Row> queries, Iterator<Row> genuine, int dimension, int k)
    {
        List<String> ids = new ArrayList<>();
        List<byte[]> vectors = new ArrayList<>();
        genuine.forEachRemaining(row -> {
            ids.add(row.getString(1));
            vectors.add((byte[]) row.get(2));
        });
        if (ids.isEmpty()) {
            return java.util.Collections.emptyIterator();
        }
        BlockKernel kernel = new BlockKernel(ids.toArray(String[]::new), vectors.toArray(byte[][]::new), dimension);
        return new Iterator<>()
        {
            private final float[] batch = new float[QUERY_BATCH * dimension];
            private final String[] batchIds = new String[QUERY_BATCH];
            private final List<Row> ready = new ArrayList<>();
            private int position;

            @Override
            public boolean hasNext()
            {
                while (position == ready.size() && queries.hasNext()) {
                    fill();
                }
                return position < ready.size();
            }

            @Override
            public Row next()
            {
                if (!hasNext()) {
                    throw new java.util.NoSuchElementException();
                }
                return ready.get(position++);
            }

            private void fill()
            {
                ready.clear();
                position = 0;
                int count = 0;
                while (count < QUERY_BATCH && queries.hasNext()) {
                    Row query = queries.next();
                    batchIds[count] = query.getString(1);
                    Vectors.copyInto((byte[]) query.get(2), batch, count, dimension);
                    count++;
                }
                BlockKernel.Heaps heaps = kernel.search(batch, batchIds, count, k);
                for (int q = 0; q < count; q++) {
                    if (heaps.size(q) > 0) {
                        ready.add(RowFactory.create(batchIds[q], partial(kernel, heaps, q, k)));
                    }
                }
            }
        };
    }

    /** A query's heap in the form of {@link TopK#toBytes()}. */
    static byte[] partial(BlockKernel kernel, BlockKernel.Heaps heaps, int query, int k)
    {
        TopK best = new TopK(k);
        for (int n = 0; n < heaps.size(query); n++) {
            best.offer(new TopK.Neighbor(kernel.id(heaps.index(query, n)), heaps.cosine(query, n)));
        }
        return best.toBytes();
    }

    static long block(int list, int chunk)
    {
        return ((long) list << 32) | chunk;
    }
}
