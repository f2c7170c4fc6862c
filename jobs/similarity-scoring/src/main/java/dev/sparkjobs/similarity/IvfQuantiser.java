package dev.sparkjobs.similarity;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.mllib.clustering.KMeans;
import org.apache.spark.mllib.clustering.KMeansModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

import scala.Tuple2;

/**
 * The two-level coarse quantiser of the IVF index. The first level has a few cells (k-means
 * centroids trained with MLlib KMeans on a sample of the genuine unit vectors); each cell holds
 * the fine lists trained (local k-means, in one task per cell) on the sample points of that cell,
 * and lists are numbered cell by cell. A vector is routed by scoring the cells, then only the
 * lists of its {@code coarseProbes} nearest cells, so routing costs cells + coarseProbes x
 * lists / cells distances instead of one per list. The quantiser (centroids only) is the one thing
 * the job brings to the driver; it is broadcast to every task.
 */
public final class IvfQuantiser
        implements Serializable
{
    private static final long serialVersionUID = 3L;

    private final int dimension;
    private final int cellCount;
    private final int listCount;
    /** The centroids, row-major: cells, then the lists cell by cell. */
    private final float[] cellCentroids;
    private final float[] listCentroids;
    /** The lists of cell c are cellStarts[c] to cellStarts[c + 1] - 1. */
    private final int[] cellStarts;
    private final int[] cellOfList;
    private final int coarseProbes;
    /** The centroids packed for the block kernel, built once per JVM (the quantiser is broadcast as centroids only). */
    private transient volatile Router router;

    /** A single-level quantiser: one cell holding every list (routing scores every centroid). */
    public IvfQuantiser(int dimension, float[][] centroids)
    {
        this(dimension, new float[][] {new float[dimension]}, centroids, new int[] {0, centroids.length}, 1);
    }

    /**
     * @param cellCentroids the first-level centroids
     * @param listCentroids the lists, cell by cell
     * @param cellStarts the first list of each cell, then the number of lists
     * @param coarseProbes the cells whose lists a vector is compared with (more when they hold fewer lists than asked for)
     */
    public IvfQuantiser(int dimension, float[][] cellCentroids, float[][] listCentroids, int[] cellStarts, int coarseProbes)
    {
        if (listCentroids.length == 0) {
            throw new IllegalArgumentException("a quantiser needs at least one centroid");
        }
        if (cellStarts.length != cellCentroids.length + 1 || cellStarts[0] != 0 || cellStarts[cellCentroids.length] != listCentroids.length) {
            throw new IllegalArgumentException("cellStarts must run from 0 to the " + listCentroids.length + " lists over " + cellCentroids.length + " cells");
        }
        this.dimension = dimension;
        this.cellCount = cellCentroids.length;
        this.listCount = listCentroids.length;
        this.cellCentroids = flatten(dimension, cellCentroids);
        this.listCentroids = flatten(dimension, listCentroids);
        this.cellStarts = cellStarts.clone();
        this.cellOfList = new int[listCentroids.length];
        for (int cell = 0; cell < cellCentroids.length; cell++) {
            if (cellStarts[cell + 1] < cellStarts[cell]) {
                throw new IllegalArgumentException("cellStarts must not decrease");
            }
            for (int list = cellStarts[cell]; list < cellStarts[cell + 1]; list++) {
                cellOfList[list] = cell;
            }
        }
        this.coarseProbes = Math.max(1, coarseProbes);
    }

    private static float[] flatten(int dimension, float[][] centroids)
    {
        float[] matrix = new float[centroids.length * dimension];
        for (int c = 0; c < centroids.length; c++) {
            if (centroids[c].length != dimension) {
                throw new IllegalArgumentException("centroid " + c + " has " + centroids[c].length + " values, expected " + dimension);
            }
            System.arraycopy(centroids[c], 0, matrix, c * dimension, dimension);
        }
        return matrix;
    }

    /** Centroids dimension-major (component j of every centroid contiguous), with their squared norms: the local k-means of a cell. */
    private static final class Centroids
            implements Serializable
    {
        private static final long serialVersionUID = 1L;

        private final int dimension;
        private final int count;
        private final float[] squaredNorms;
        private final float[] transposed;

        Centroids(int dimension, float[][] centroids)
        {
            this.dimension = dimension;
            this.count = centroids.length;
            this.squaredNorms = new float[count];
            this.transposed = new float[count * dimension];
            for (int c = 0; c < count; c++) {
                if (centroids[c].length != dimension) {
                    throw new IllegalArgumentException("centroid " + c + " has " + centroids[c].length + " values, expected " + dimension);
                }
                squaredNorms[c] = Vectors.dot(centroids[c], centroids[c]);
                for (int i = 0; i < dimension; i++) {
                    transposed[i * count + c] = centroids[c][i];
                }
            }
        }

        /** Squared Euclidean distances of centroids from..to-1 into out[at..], less the vector's own squared norm. */
        void distances(float[] vector, int from, int to, float[] out, int at)
        {
            int width = to - from;
            java.util.Arrays.fill(out, at, at + width, 0f);
            for (int i = 0; i < dimension; i++) {
                float value = vector[i];
                int row = i * count + from;
                for (int c = 0; c < width; c++) {
                    out[at + c] += value * transposed[row + c];
                }
            }
            for (int c = 0; c < width; c++) {
                out[at + c] = squaredNorms[from + c] - 2 * out[at + c];
            }
        }
    }

    /**
     * Trains the quantiser on a sample of {@code genuine} (binary column {@code vector} of unit
     * vectors) of {@code lists} x train-points-per-list points: MLlib KMeans (RDD trainer, no
     * training summary) for {@code cells} cells, then, in one task per cell, local k-means (same
     * iterations, seeded random initialisation) for the cell's share of the lists, in proportion to
     * its sample points. Euclidean k-means on unit vectors orders lists like cosine does.
     */
    public static IvfQuantiser train(Dataset<Row> genuine, long genuineCount, int dimension, int lists, int cells, AnnSettings settings)
    {
        double fraction = Math.min(1.0, (double) lists * settings.trainPointsPerList() / Math.max(1, genuineCount));
        Dataset<Row> sample = fraction >= 1.0 ? genuine : genuine.sample(false, fraction, settings.seed());
        JavaRDD<org.apache.spark.mllib.linalg.Vector> points = sample.select("vector").javaRDD()
                .map(row -> toMlVector(Vectors.fromBytes((byte[]) row.get(0))))
                .persist(StorageLevel.MEMORY_AND_DISK());
        try {
            float[][] cellCentroids;
            if (cells <= 1) {
                cellCentroids = new float[][] {new float[dimension]};
            }
            else {
                KMeansModel model = new KMeans()
                        .setK(cells)
                        .setMaxIterations(settings.kmeansIterations())
                        .setInitializationMode(settings.kmeansInit())
                        .setSeed(settings.seed())
                        .run(points.rdd());
                cellCentroids = toFloats(model.clusterCenters(), dimension);
            }
            IvfQuantiser coarse = new IvfQuantiser(dimension, cellCentroids);
            JavaSparkContext context = JavaSparkContext.fromSparkContext(points.context());
            Broadcast<IvfQuantiser> shared = context.broadcast(coarse);
            int iterations = settings.kmeansIterations();
            long seed = settings.seed();
            JavaPairRDD<Integer, float[]> byCell = points.mapToPair(point -> {
                float[] vector = toFloats(point.toArray());
                return new Tuple2<>(shared.value().nearest(vector), vector);
            });
            long[] cellPoints = new long[cellCentroids.length];
            byCell.countByKey().forEach((cell, count) -> cellPoints[cell] = count);
            Broadcast<int[]> cellLists = context.broadcast(allocate(lists, cellPoints));
            List<Tuple2<Integer, float[][]>> trained = byCell
                    .groupByKey(Math.max(1, Math.min(cellCentroids.length, points.getNumPartitions() * 4)))
                    .map(cell -> {
                        List<float[]> members = new ArrayList<>();
                        cell._2().forEach(members::add);
                        return new Tuple2<>(cell._1(), localKMeans(members, cellLists.value()[cell._1()], iterations, seed + cell._1()));
                    })
                    .collect();
            float[][][] byCellIndex = new float[cellCentroids.length][][];
            for (Tuple2<Integer, float[][]> cell : trained) {
                byCellIndex[cell._1()] = cell._2();
            }
            List<float[]> listCentroids = new ArrayList<>();
            int[] cellStarts = new int[cellCentroids.length + 1];
            for (int cell = 0; cell < cellCentroids.length; cell++) {
                cellStarts[cell] = listCentroids.size();
                if (byCellIndex[cell] != null) {
                    listCentroids.addAll(List.of(byCellIndex[cell]));
                }
            }
            cellStarts[cellCentroids.length] = listCentroids.size();
            return new IvfQuantiser(dimension, cellCentroids, listCentroids.toArray(float[][]::new), cellStarts, settings.coarseProbesFor(cellCentroids.length));
        }
        finally {
            points.unpersist(false);
        }
    }

    /**
     * Lists per cell in proportion to the cell's sample points, summing to {@code lists} (largest
     * remainders first); a cell with points gets at least one list, one without gets none.
     */
    static int[] allocate(int lists, long[] cellPoints)
    {
        long total = 0;
        for (long points : cellPoints) {
            total += points;
        }
        int[] allocated = new int[cellPoints.length];
        if (total == 0) {
            return allocated;
        }
        double[] remainders = new double[cellPoints.length];
        int given = 0;
        for (int cell = 0; cell < cellPoints.length; cell++) {
            double exact = (double) lists * cellPoints[cell] / total;
            allocated[cell] = cellPoints[cell] == 0 ? 0 : Math.max(1, (int) Math.floor(exact));
            remainders[cell] = cellPoints[cell] == 0 ? -1 : exact - Math.floor(exact);
            given += allocated[cell];
        }
        while (given < lists) {
            int best = -1;
            for (int cell = 0; cell < cellPoints.length; cell++) {
                if (remainders[cell] >= 0 && (best < 0 || remainders[cell] > remainders[best])) {
                    best = cell;
                }
            }
            allocated[best]++;
            remainders[best] = -0.5;
            given++;
            if (java.util.Arrays.stream(remainders).allMatch(r -> r < 0)) {
                for (int cell = 0; cell < cellPoints.length; cell++) {
                    remainders[cell] = cellPoints[cell] == 0 ? -1 : 0;
                }
            }
        }
        return allocated;
    }

    /**
     * Lloyd's k-means of {@code points} into {@code k} centroids: initial centroids are k distinct
     * points drawn with {@code seed}; an empty cluster keeps its centroid.
     */
    static float[][] localKMeans(List<float[]> points, int k, int iterations, long seed)
    {
        int n = points.size();
        if (n == 0) {
            return new float[0][];
        }
        int dimension = points.get(0).length;
        if (k >= n) {
            return points.stream().map(float[]::clone).toArray(float[][]::new);
        }
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        SplittableRandom random = new SplittableRandom(seed);
        float[][] centroids = new float[k][];
        for (int c = 0; c < k; c++) {
            int pick = c + random.nextInt(n - c);
            int swap = order[c];
            order[c] = order[pick];
            order[pick] = swap;
            centroids[c] = points.get(order[c]).clone();
        }
        int[] assignment = new int[n];
        for (int iteration = 0; iteration < iterations; iteration++) {
            Centroids current = new Centroids(dimension, centroids);
            float[] distances = new float[k];
            for (int i = 0; i < n; i++) {
                current.distances(points.get(i), 0, k, distances, 0);
                int best = 0;
                for (int c = 1; c < k; c++) {
                    if (distances[c] < distances[best]) {
                        best = c;
                    }
                }
                assignment[i] = best;
            }
            double[][] sums = new double[k][dimension];
            int[] counts = new int[k];
            for (int i = 0; i < n; i++) {
                float[] point = points.get(i);
                double[] sum = sums[assignment[i]];
                for (int j = 0; j < dimension; j++) {
                    sum[j] += point[j];
                }
                counts[assignment[i]]++;
            }
            for (int c = 0; c < k; c++) {
                if (counts[c] > 0) {
                    for (int j = 0; j < dimension; j++) {
                        centroids[c][j] = (float) (sums[c][j] / counts[c]);
                    }
                }
            }
        }
        return centroids;
    }

    public int lists()
    {
        return listCount;
    }

    public int cells()
    {
        return cellCount;
    }

    /** The cell whose lists include {@code list}. */
    public int cellOf(int list)
    {
        return cellOfList[list];
    }

    public int dimension()
    {
        return dimension;
    }

    /** The list whose centroid is nearest (Euclidean) to the unit vector {@code vector} among the lists of its nearest cells. */
    public int nearest(float[] vector)
    {
        return nearest(vector, 1)[0];
    }

    /**
     * The {@code probes} lists nearest to {@code vector}, nearest first, among the lists of its
     * {@code coarseProbes} nearest cells (and of further cells, nearest first, while those hold
     * fewer than {@code probes} lists).
     */
    public int[] nearest(float[] vector, int probes)
    {
        return nearest(vector, 1, probes)[0];
    }

    /**
     * {@link #nearest(float[], int)} of the {@code count} vectors of a row-major batch, scored with
     * the block kernel: the batch against every cell, then, cell by cell, the vectors that visit
     * a cell against its lists.
     */
    public int[][] nearest(float[] vectors, int count, int probes)
    {
        Router router = router();
        int wanted = Math.min(probes, listCount);
        BlockKernel.Heaps heaps = router.lists.heaps(count, wanted);
        int[][] visiting = new int[cellCount][count];
        int[] visitors = new int[cellCount];
        if (cellCount == 1 || wanted == listCount) {
            for (int cell = 0; cell < cellCount; cell++) {
                for (int q = 0; q < count; q++) {
                    visiting[cell][visitors[cell]++] = q;
                }
            }
        }
        else {
            int[][] cellOrder = new int[count][];
            BlockKernel.Heaps cells = router.cells.search(vectors, null, count, cellCount);
            for (int q = 0; q < count; q++) {
                cellOrder[q] = cells.sortedIndices(q);
                int visit = Math.min(coarseProbes, cellCount);
                while (true) {
                    int candidates = 0;
                    for (int n = 0; n < visit; n++) {
                        candidates += cellStarts[cellOrder[q][n] + 1] - cellStarts[cellOrder[q][n]];
                    }
                    if (candidates >= wanted || visit == cellCount) {
                        break;
                    }
                    visit = Math.min(cellCount, visit * 2);
                }
                for (int n = 0; n < visit; n++) {
                    int cell = cellOrder[q][n];
                    visiting[cell][visitors[cell]++] = q;
                }
            }
        }
        for (int cell = 0; cell < cellCount; cell++) {
            if (visitors[cell] > 0) {
                router.lists.search(heaps, vectors, null, visiting[cell], visitors[cell], cell);
            }
        }
        int[][] nearest = new int[count][];
        for (int q = 0; q < count; q++) {
            nearest[q] = heaps.sortedIndices(q);
        }
        return nearest;
    }

    private Router router()
    {
        Router built = router;
        if (built == null) {
            built = new Router(new BlockKernel(PanelKernel.fastest(), null, cellCentroids, halfSquaredNorms(cellCentroids), new int[] {0, cellCount}, dimension),
                    new BlockKernel(PanelKernel.fastest(), null, listCentroids, halfSquaredNorms(listCentroids), cellStarts, dimension));
            router = built;
        }
        return built;
    }

    /** Centroids packed for the block kernel, each scored as q.c - |c|^2 / 2 (highest: nearest); the lists' kernel has one list per cell. */
    private record Router(BlockKernel cells, BlockKernel lists) {}

    private float[] halfSquaredNorms(float[] centroids)
    {
        float[] half = new float[centroids.length / dimension];
        for (int c = 0; c < half.length; c++) {
            double squares = 0;
            for (int j = 0; j < dimension; j++) {
                double value = centroids[c * dimension + j];
                squares += value * value;
            }
            half[c] = (float) (squares / 2);
        }
        return half;
    }

    private static float[][] toFloats(org.apache.spark.mllib.linalg.Vector[] centers, int dimension)
    {
        float[][] centroids = new float[centers.length][];
        for (int c = 0; c < centers.length; c++) {
            centroids[c] = toFloats(centers[c].toArray());
            if (centroids[c].length != dimension) {
                throw new IllegalStateException("KMeans returned a centroid of " + centroids[c].length + " values, expected " + dimension);
            }
        }
        return centroids;
    }

    private static float[] toFloats(double[] values)
    {
        float[] vector = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            vector[i] = (float) values[i];
        }
        return vector;
    }

    private static org.apache.spark.mllib.linalg.Vector toMlVector(float[] vector)
    {
        double[] values = new double[vector.length];
        for (int i = 0; i < vector.length; i++) {
            values[i] = vector[i];
        }
        return org.apache.spark.mllib.linalg.Vectors.dense(values);
    }
}
