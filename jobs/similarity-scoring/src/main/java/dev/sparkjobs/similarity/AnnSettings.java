package dev.sparkjobs.similarity;

import java.io.Serializable;

import dev.sparkjobs.api.JobConfig;

/** Settings of the approximate nearest-neighbour search (an IVF index). */
public record AnnSettings(int k, int lists, int probes, int maxListSize, int trainPointsPerList, int kmeansIterations, String kmeansInit,
        long seed, int qualitySample, double minRecall)
        implements Serializable
{
    public static AnnSettings from(JobConfig config)
    {
        return new AnnSettings(config.get(SimilarityKeys.K), config.get(SimilarityKeys.ANN_LISTS), config.get(SimilarityKeys.ANN_PROBES),
                config.get(SimilarityKeys.ANN_MAX_LIST_SIZE), config.get(SimilarityKeys.ANN_TRAIN_POINTS_PER_LIST),
                config.get(SimilarityKeys.ANN_KMEANS_ITERATIONS), config.get(SimilarityKeys.ANN_KMEANS_INIT), config.get(SimilarityKeys.ANN_SEED),
                config.get(SimilarityKeys.ANN_QUALITY_SAMPLE), config.get(SimilarityKeys.ANN_MIN_RECALL));
    }

    /** Lists for {@code genuine} reference vectors: the configured number, else round(sqrt(n)); never more than the vectors. */
    public int listsFor(long genuine)
    {
        long wanted = lists > 0 ? lists : Math.round(Math.sqrt(genuine));
        return (int) Math.max(1, Math.min(wanted, genuine));
    }
}
