package dev.sparkjobs.similarity;

import java.io.Serializable;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.mllib.clustering.KMeans;
import org.apache.spark.mllib.clustering.KMeansModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

/**
 * The coarse quantiser of the IVF index: k-means centroids of (a sample of) the genuine unit
 * vectors. The only thing the job brings to the driver; it is broadcast to every task.
 */
public final class IvfQuantiser
        implements Serializable
{
    private static final long serialVersionUID = 1L;

    private final int dimension;
    private final float[] squaredNorms;
    /** The centroids dimension-major (component j of every centroid contiguous), for SIMD-friendly scoring. */
    private final float[] transposed;

    public IvfQuantiser(int dimension, float[][] centroids)
    {
        if (centroids.length == 0) {
            throw new IllegalArgumentException("a quantiser needs at least one centroid");
        }
        this.dimension = dimension;
        this.squaredNorms = new float[centroids.length];
        for (int list = 0; list < centroids.length; list++) {
            if (centroids[list].length != dimension) {
                throw new IllegalArgumentException("centroid " + list + " has " + centroids[list].length + " values, expected " + dimension);
            }
            squaredNorms[list] = Vectors.dot(centroids[list], centroids[list]);
        }
        this.transposed = new float[centroids.length * dimension];
        for (int list = 0; list < centroids.length; list++) {
            for (int i = 0; i < dimension; i++) {
                transposed[i * centroids.length + list] = centroids[list][i];
            }
        }
    }

    /** Squared Euclidean distance to every centroid, less the query's own squared norm (the same for all lists). */
    private float[] distances(float[] vector)
    {
        int lists = squaredNorms.length;
        float[] dots = new float[lists];
        for (int i = 0; i < dimension; i++) {
            float value = vector[i];
            int row = i * lists;
            for (int list = 0; list < lists; list++) {
                dots[list] += value * transposed[row + list];
            }
        }
        for (int list = 0; list < lists; list++) {
            dots[list] = squaredNorms[list] - 2 * dots[list];
        }
        return dots;
    }

    /**
     * Trains MLlib KMeans on a sample of {@code genuine} (binary column {@code vector} of unit
     * vectors); Euclidean k-means on unit vectors orders lists like cosine does. The RDD-based
     * trainer is used: the DataFrame one also computes a training summary (one more pass that
     * assigns every sampled point), which a quantiser does not need.
     */
    public static IvfQuantiser train(Dataset<Row> genuine, long genuineCount, int dimension, int lists, AnnSettings settings)
    {
        double fraction = Math.min(1.0, (double) lists * settings.trainPointsPerList() / Math.max(1, genuineCount));
        Dataset<Row> sample = fraction >= 1.0 ? genuine : genuine.sample(false, fraction, settings.seed());
        JavaRDD<org.apache.spark.mllib.linalg.Vector> points = sample.select("vector").javaRDD()
                .map(row -> toMlVector(Vectors.fromBytes((byte[]) row.get(0))))
                .persist(StorageLevel.MEMORY_AND_DISK());
        try {
            KMeansModel model = new KMeans()
                    .setK(lists)
                    .setMaxIterations(settings.kmeansIterations())
                    .setInitializationMode(settings.kmeansInit())
                    .setSeed(settings.seed())
                    .run(points.rdd());
            org.apache.spark.mllib.linalg.Vector[] centers = model.clusterCenters();
            float[][] centroids = new float[centers.length][];
            for (int list = 0; list < centers.length; list++) {
                double[] values = centers[list].toArray();
                centroids[list] = new float[dimension];
                for (int i = 0; i < dimension; i++) {
                    centroids[list][i] = (float) values[i];
                }
            }
            return new IvfQuantiser(dimension, centroids);
        }
        finally {
            points.unpersist(false);
        }
    }

    public int lists()
    {
        return squaredNorms.length;
    }

    public int dimension()
    {
        return dimension;
    }

    /** The list whose centroid is nearest (Euclidean) to the unit vector {@code vector}. */
    public int nearest(float[] vector)
    {
        int best = 0;
        float bestDistance = Float.POSITIVE_INFINITY;
        float[] all = distances(vector);
        for (int list = 0; list < squaredNorms.length; list++) {
            float distance = all[list];
            if (distance < bestDistance) {
                bestDistance = distance;
                best = list;
            }
        }
        return best;
    }

    /** The {@code probes} lists nearest to {@code vector}, nearest first (insertion into a small sorted array). */
    public int[] nearest(float[] vector, int probes)
    {
        int wanted = Math.min(probes, squaredNorms.length);
        int[] nearest = new int[wanted];
        float[] distances = new float[wanted];
        int size = 0;
        float[] all = distances(vector);
        for (int list = 0; list < squaredNorms.length; list++) {
            float distance = all[list];
            if (size == wanted && distance >= distances[size - 1]) {
                continue;
            }
            int position = size == wanted ? size - 1 : size++;
            while (position > 0 && distances[position - 1] > distance) {
                distances[position] = distances[position - 1];
                nearest[position] = nearest[position - 1];
                position--;
            }
            distances[position] = distance;
            nearest[position] = list;
        }
        return nearest;
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
