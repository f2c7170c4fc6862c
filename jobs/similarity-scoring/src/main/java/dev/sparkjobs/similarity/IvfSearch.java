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
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * Approximate top-k search with a two-level inverted-file (IVF) index. Each genuine vector sits in
 * the list of its nearest centroid; the lists of a cell are packed into blocks of at most
 * {@code maxListSize} vectors, and a list larger than that is split by a hash of the listing id
 * into chunks, each its own block. Each query is sent once to every block holding one of its
 * {@code probes} nearest lists, with the lists it probes there: an equi-join on the block key (a
 * cogroup), never a cartesian product. Since a cell's lists are neighbours, a query's probed lists
 * mostly share one or two blocks. Within a block every query is scored exactly against the dense
 * matrix of each list it probes and keeps its best k in a bounded heap; the partial results of a
 * query (one per block) are then merged.
 */
public final class IvfSearch
{
    private static final StructType BLOCKED = new StructType()
            .add("block", DataTypes.LongType, false)
            .add("list", DataTypes.IntegerType, false)
            .add("listing_id", DataTypes.StringType, false)
            .add("vector", DataTypes.BinaryType, false);

    private static final StructType ROUTED = new StructType()
            .add("block", DataTypes.LongType, false)
            .add("listing_id", DataTypes.StringType, false)
            .add("vector", DataTypes.BinaryType, false)
            .add("lists", DataTypes.BinaryType, false);

    private IvfSearch() {}

    /**
     * Where each list's vectors are: list {@code l} is in blocks {@code firstBlock[l]} to
     * {@code firstBlock[l] + chunks[l] - 1} (one block unless the list was split).
     */
    public record Layout(int[] firstBlock, int[] chunks, int blocks)
            implements java.io.Serializable
    {
        /**
         * Packs the lists of each cell, in order, into blocks of at most {@code maxBlock} vectors;
         * a list larger than that gets ceil(size / maxBlock) blocks of its own.
         */
        public static Layout pack(IvfQuantiser quantiser, long[] listSizes, int maxBlock)
        {
            int[] firstBlock = new int[listSizes.length];
            int[] chunks = new int[listSizes.length];
            int blocks = 0;
            int open = -1;
            long fill = 0;
            int openCell = -1;
            for (int list = 0; list < listSizes.length; list++) {
                long size = listSizes[list];
                int cell = quantiser.cellOf(list);
                if (size > maxBlock) {
                    firstBlock[list] = blocks;
                    chunks[list] = (int) ((size + maxBlock - 1) / maxBlock);
                    blocks += chunks[list];
                    continue;
                }
                chunks[list] = 1;
                if (open < 0 || cell != openCell || fill + size > maxBlock) {
                    open = blocks++;
                    openCell = cell;
                    fill = 0;
                }
                firstBlock[list] = open;
                fill += size;
            }
            return new Layout(firstBlock, chunks, blocks);
        }

        /** The blocks holding {@code lists}, ascending, each with the lists it holds among them: block -> lists. */
        java.util.SortedMap<Integer, List<Integer>> route(int[] lists)
        {
            java.util.SortedMap<Integer, List<Integer>> routes = new java.util.TreeMap<>();
            for (int list : lists) {
                for (int chunk = 0; chunk < chunks[list]; chunk++) {
                    routes.computeIfAbsent(firstBlock[list] + chunk, block -> new ArrayList<>(4)).add(list);
                }
            }
            return routes;
        }
    }

    /**
     * The index built over the genuine vectors: the assigned and blocked genuine vectors
     * (persisted: unpersist with {@link #release()} once the neighbours are materialised), the
     * sizes of its lists and their blocks.
     */
    public record Index(IvfQuantiser quantiser, Dataset<Row> assigned, Dataset<Row> blocked, long[] listSizes, Layout layout)
    {
        public long largestList()
        {
            long largest = 0;
            for (long size : listSizes) {
                largest = Math.max(largest, size);
            }
            return largest;
        }

        /** Blocks (units of work) of the index. */
        public int totalChunks()
        {
            return layout.blocks();
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

    private static final StructType ASSIGNED = new StructType()
            .add("listing_id", DataTypes.StringType, false)
            .add("vector", DataTypes.BinaryType, false)
            .add("list", DataTypes.IntegerType, false);

    /** Vectors routed together: the quantiser scores a batch against its centroids with the block kernel. */
    static final int ROUTING_BATCH = 1024;

    /** Assigns every genuine vector ({@code listing_id}, binary {@code vector}) to its list and block. */
    public static Index index(SparkSession spark, Dataset<Row> genuine, IvfQuantiser quantiser, int maxListSize)
    {
        JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Broadcast<IvfQuantiser> shared = context.broadcast(quantiser);
        int dimension = quantiser.dimension();
        Dataset<Row> assigned = genuine.select("listing_id", "vector")
                .mapPartitions((MapPartitionsFunction<Row, Row>) rows -> routed(rows, dimension, (batch, count) -> shared.value().nearest(batch, count, 1),
                        (row, lists) -> List.of(RowFactory.create(row.getString(0), row.get(1), lists[0]))), Encoders.row(ASSIGNED))
                .persist(StorageLevel.MEMORY_AND_DISK());
        long[] listSizes = new long[quantiser.lists()];
        for (Row row : assigned.groupBy("list").agg(count(lit(1))).collectAsList()) {
            listSizes[row.getInt(0)] = row.getLong(1);
        }
        Layout layout = Layout.pack(quantiser, listSizes, maxListSize);
        Broadcast<Layout> sharedLayout = context.broadcast(layout);
        Dataset<Row> blocked = assigned.select(
                udf((UDF2<Integer, String, Long>) (list, id) -> (long) sharedLayout.value().firstBlock()[list]
                                + Math.floorMod(id.hashCode(), sharedLayout.value().chunks()[list]), DataTypes.LongType)
                        .asNonNullable().apply(col("list"), col("listing_id")).as("block"),
                // Fresh aliases: when queries and genuine vectors share lineage, the cogroup's self-join
                // deduplication would otherwise rewrite attributes its deserializer is bound to.
                col("list").as("list"), col("listing_id").as("listing_id"), col("vector").as("vector"));
        return new Index(quantiser, assigned, blocked, listSizes, layout);
    }

    /**
     * Partial results (see {@link NeighborRows#PARTIAL}) of every query ({@code listing_id}, binary
     * {@code vector}) against the blocks of its {@code probes} nearest lists; a listing is never
     * its own neighbour. {@code queryCount} (the queries, or an estimate) sizes the shuffle.
     */
    public static Dataset<Row> search(SparkSession spark, Index index, Dataset<Row> queries, long queryCount, int k, int probes)
    {
        return search(spark, index, queries, queryCount, k, probes, Math.min(probes, index.quantiser().lists()));
    }

    /** As {@link #search(SparkSession, Index, Dataset, long, int, int)}; {@code routesPerQuery} (an estimate) sizes the shuffle. */
    public static Dataset<Row> search(SparkSession spark, Index index, Dataset<Row> queries, long queryCount, int k, int probes, double routesPerQuery)
    {
        JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Broadcast<IvfQuantiser> shared = context.broadcast(index.quantiser());
        Broadcast<Layout> sharedLayout = context.broadcast(index.layout());
        int dimension = index.quantiser().dimension();
        Dataset<Row> routed = queries.select("listing_id", "vector").mapPartitions((MapPartitionsFunction<Row, Row>) rows -> routed(rows, dimension,
                (batch, count) -> shared.value().nearest(batch, count, probes), (row, lists) -> {
                    List<Row> routes = new ArrayList<>(2);
                    for (java.util.Map.Entry<Integer, List<Integer>> route : sharedLayout.value().route(lists).entrySet()) {
                        routes.add(RowFactory.create((long) route.getKey(), row.getString(0), row.get(1), encode(route.getValue())));
                    }
                    return routes;
                }), Encoders.row(ROUTED));
        int partitions = partitions(spark, (long) (queryCount * routesPerQuery * (dimension * Float.BYTES + 64.0)));
        Column key = col("block");
        return routed.repartition(partitions, key).groupBy(key).as(Encoders.LONG(), Encoders.row(ROUTED))
                .cogroup(index.blocked().repartition(partitions, key).groupBy(key).as(Encoders.LONG(), Encoders.row(BLOCKED)),
                        (CoGroupFunction<Long, Row, Row, Row>) (block, blockQueries, blockGenuine) ->
                                scoreBlock(blockQueries, blockGenuine, dimension, k),
                        Encoders.row(NeighborRows.PARTIAL));
    }

    /** The quantiser's routing of a row-major batch of {@code count} vectors: the lists of each. */
    interface Router
    {
        int[][] route(float[] batch, int count);
    }

    /** The rows made of an input row and its lists. */
    interface Emitter
    {
        List<Row> emit(Row row, int[] lists);
    }

    /**
     * Rows ({@code listing_id}, binary {@code vector}, ...) routed {@link #ROUTING_BATCH} at a time,
     * lazily: each batch's rows, with the lists the router gives them, become the emitter's rows.
     */
    static Iterator<Row> routed(Iterator<Row> rows, int dimension, Router router, Emitter emitter)
    {
        return new Iterator<>()
        {
            private final float[] batch = new float[ROUTING_BATCH * dimension];
            private final Row[] inputs = new Row[ROUTING_BATCH];
            private final List<Row> ready = new ArrayList<>();
            private int position;

            @Override
            public boolean hasNext()
            {
                while (position == ready.size() && rows.hasNext()) {
                    ready.clear();
                    position = 0;
                    int count = 0;
                    while (count < ROUTING_BATCH && rows.hasNext()) {
                        Row row = rows.next();
                        Vectors.copyInto((byte[]) row.get(1), batch, count, dimension);
                        inputs[count++] = row;
                    }
                    int[][] lists = router.route(batch, count);
                    for (int i = 0; i < count; i++) {
                        ready.addAll(emitter.emit(inputs[i], lists[i]));
                        inputs[i] = null;
                    }
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
        };
    }

    static byte[] encode(List<Integer> lists)
    {
        java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate(lists.size() * Integer.BYTES);
        lists.forEach(buffer::putInt);
        return buffer.array();
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

    /**
     * Exact top-k of each query of a block against the lists of the block it probes, each list one
     * dense matrix (see {@link BlockKernel}). Rows: queries as {@code ROUTED}, genuine as {@code BLOCKED}.
     */
    static Iterator<Row> scoreBlock(Iterator<Row> queries, Iterator<Row> genuine, int dimension, int k)
    {
        List<Row> rows = new ArrayList<>();
        genuine.forEachRemaining(rows::add);
        if (rows.isEmpty()) {
            return java.util.Collections.emptyIterator();
        }
        rows.sort(java.util.Comparator.comparingInt(row -> row.getInt(1)));
        String[] ids = new String[rows.size()];
        byte[][] vectors = new byte[rows.size()][];
        List<Integer> starts = new ArrayList<>();
        java.util.Map<Integer, Integer> localList = new java.util.HashMap<>();
        for (int i = 0; i < ids.length; i++) {
            Row row = rows.get(i);
            ids[i] = row.getString(2);
            vectors[i] = (byte[]) row.get(3);
            if (i == 0 || row.getInt(1) != rows.get(i - 1).getInt(1)) {
                localList.put(row.getInt(1), starts.size());
                starts.add(i);
            }
        }
        starts.add(ids.length);
        rows.clear();
        BlockKernel kernel = new BlockKernel(ids, vectors, starts.stream().mapToInt(Integer::intValue).toArray(), dimension);
        return new Iterator<>()
        {
            private final float[] batch = new float[QUERY_BATCH * dimension];
            private final String[] batchIds = new String[QUERY_BATCH];
            private final int[][] subsets = new int[kernel.lists()][QUERY_BATCH];
            private final int[] subsetSizes = new int[kernel.lists()];
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
                java.util.Arrays.fill(subsetSizes, 0);
                int count = 0;
                while (count < QUERY_BATCH && queries.hasNext()) {
                    Row query = queries.next();
                    batchIds[count] = query.getString(1);
                    Vectors.copyInto((byte[]) query.get(2), batch, count, dimension);
                    java.nio.ByteBuffer lists = java.nio.ByteBuffer.wrap((byte[]) query.get(3));
                    while (lists.hasRemaining()) {
                        Integer list = localList.get(lists.getInt());
                        if (list != null) {
                            subsets[list][subsetSizes[list]++] = count;
                        }
                    }
                    count++;
                }
                BlockKernel.Heaps heaps = kernel.heaps(count, k);
                for (int list = 0; list < subsetSizes.length; list++) {
                    if (subsetSizes[list] > 0) {
                        kernel.search(heaps, batch, batchIds, subsets[list], subsetSizes[list], list);
                    }
                }
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

}
