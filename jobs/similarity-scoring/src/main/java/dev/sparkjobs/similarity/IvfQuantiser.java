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
    private static final long serialVersionUID = 2L;

    private final int dimension;
    private final Centroids cells;
    private final Centroids lists;
    /** The lists of cell c are cellStarts[c] to cellStarts[c + 1] - 1. */
    private final int[] cellStarts;
    private final int[] cellOfList;
    private final int coarseProbes;

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
        this.cells = new Centroids(dimension, cellCentroids);
        this.lists = new Centroids(dimension, listCentroids);
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

    /** Centroids dimension-major (component j of every centroid contiguous), for SIMD-friendly scoring, with their squared norms. */
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
        return lists.count;
    }

    public int cells()
    {
        return cells.count;
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
        int wanted = Math.min(probes, lists.count);
        if (cells.count == 1 || wanted == lists.count) {
            float[] all = new float[lists.count];
            lists.distances(vector, 0, lists.count, all, 0);
            return smallest(all, null, all.length, wanted);
        }
        float[] cellDistances = new float[cells.count];
        cells.distances(vector, 0, cells.count, cellDistances, 0);
        int[] nearestCells;
        int candidates;
        int visit = Math.min(coarseProbes, cells.count);
        while (true) {
            nearestCells = smallest(cellDistances, null, cells.count, visit);
            candidates = 0;
            for (int cell : nearestCells) {
                candidates += cellStarts[cell + 1] - cellStarts[cell];
            }
            if (candidates >= wanted || visit == cells.count) {
                break;
            }
            visit = Math.min(cells.count, visit * 2);
        }
        float[] distances = new float[candidates];
        int[] ids = new int[candidates];
        int at = 0;
        for (int cell : nearestCells) {
            int from = cellStarts[cell];
            int to = cellStarts[cell + 1];
            lists.distances(vector, from, to, distances, at);
            for (int list = from; list < to; list++) {
                ids[at++] = list;
            }
        }
        return smallest(distances, ids, candidates, wanted);
    }

    /** The {@code wanted} smallest of distances[0..count) (insertion into a small sorted array), as ids[i] (or i when ids is null). */
    private static int[] smallest(float[] distances, int[] ids, int count, int wanted)
    {
        int[] nearest = new int[wanted];
        float[] best = new float[wanted];
        int size = 0;
        for (int i = 0; i < count; i++) {
            float distance = distances[i];
            if (size == wanted && distance >= best[size - 1]) {
                continue;
            }
            int position = size == wanted ? size - 1 : size++;
            while (position > 0 && best[position - 1] > distance) {
                best[position] = best[position - 1];
                nearest[position] = nearest[position - 1];
                position--;
            }
            best[position] = distance;
            nearest[position] = ids == null ? i : ids[i];
        }
        return nearest;
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
