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
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.broadcast.Broadcast;
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
                        DataTypes.LongType).apply(col("list"), col("listing_id")).as("block"),
                // Fresh aliases: when queries and genuine vectors share lineage, the cogroup's self-join
                // deduplication would otherwise rewrite attributes its deserializer is bound to.
                col("listing_id").as("listing_id"), col("vector").as("vector"));
        return new Index(quantiser, assigned, blocked, listSizes, chunks);
    }

    /**
     * Partial results (see {@link NeighborRows#PARTIAL}) of every query ({@code listing_id}, binary
     * {@code vector}) against the blocks of its {@code probes} nearest lists; a listing is never
     * its own neighbour.
     */
    public static Dataset<Row> search(SparkSession spark, Index index, Dataset<Row> queries, int k, int probes)
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
        return routed.groupByKey((MapFunction<Row, Long>) row -> row.getLong(0), Encoders.LONG())
                .cogroup(index.blocked().groupByKey((MapFunction<Row, Long>) row -> row.getLong(0), Encoders.LONG()),
                        (CoGroupFunction<Long, Row, Row, Row>) (block, blockQueries, blockGenuine) ->
                                scoreBlock(blockQueries, blockGenuine, dimension, k),
                        Encoders.row(NeighborRows.PARTIAL));
    }

    /** Exact top-k of each query of a block against the block's genuine vectors, as one dense matrix. */
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
        int size = ids.size();
        float[] matrix = new float[size * dimension];
        for (int i = 0; i < size; i++) {
            Vectors.copyInto(vectors.get(i), matrix, i, dimension);
        }
        String[] neighborIds = ids.toArray(String[]::new);
        return new Iterator<>()
        {
            private Row next = advance();

            private Row advance()
            {
                while (queries.hasNext()) {
                    Row query = queries.next();
                    String queryId = query.getString(1);
                    float[] vector = Vectors.fromBytes((byte[]) query.get(2));
                    TopK best = new TopK(k);
                    for (int i = 0; i < size; i++) {
                        float cosine = Vectors.dot(vector, matrix, i * dimension);
                        if (best.admits(cosine) && !neighborIds[i].equals(queryId)) {
                            best.offer(neighborIds[i], cosine);
                        }
                    }
                    if (!best.isEmpty()) {
                        return RowFactory.create(queryId, best.toBytes());
                    }
                }
                return null;
            }

            @Override
            public boolean hasNext()
            {
                return next != null;
            }

            @Override
            public Row next()
            {
                Row current = next;
                next = advance();
                return current;
            }
        };
    }

    static long block(int list, int chunk)
    {
        return ((long) list << 32) | chunk;
    }
}
