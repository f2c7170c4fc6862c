package dev.sparkjobs.similarity;

import java.io.Serializable;
import java.util.List;
import java.util.Locale;

import dev.sparkjobs.api.JobConfig;
import dev.sparkjobs.errors.Errors;

/** Settings of the approximate nearest-neighbour search (a two-level IVF index). */
public record AnnSettings(int k, int lists, int listSize, int probes, int coarseProbes, int maxListSize, int trainPointsPerList,
        int kmeansIterations, String kmeansInit, long seed, int qualitySample, double minRecall)
        implements Serializable
{
    public AnnSettings
    {
        if (lists > 0 && probes > lists) {
            throw Errors.inconsistentSettings(SimilarityScoringJob.NAME, List.of(String.format(Locale.ROOT,
                    "ann.probes (%d) is more than ann.lists (%d): a query cannot search more lists than the index has; set ann.probes to at "
                            + "most %d, or raise ann.lists (0 sizes the index from the data)", probes, lists, lists)));
        }
    }

    public static AnnSettings from(JobConfig config)
    {
        return new AnnSettings(config.get(SimilarityKeys.K), config.get(SimilarityKeys.ANN_LISTS), config.get(SimilarityKeys.ANN_LIST_SIZE),
                config.get(SimilarityKeys.ANN_PROBES), config.get(SimilarityKeys.ANN_COARSE_PROBES), config.get(SimilarityKeys.ANN_MAX_LIST_SIZE),
                config.get(SimilarityKeys.ANN_TRAIN_POINTS_PER_LIST), config.get(SimilarityKeys.ANN_KMEANS_ITERATIONS),
                config.get(SimilarityKeys.ANN_KMEANS_INIT), config.get(SimilarityKeys.ANN_SEED), config.get(SimilarityKeys.ANN_QUALITY_SAMPLE),
                config.get(SimilarityKeys.ANN_MIN_RECALL));
    }

    /** The job's defaults (SimilarityKeys) with other probes and list size. */
    public static AnnSettings defaults(int listSize, int probes, int coarseProbes)
    {
        return new AnnSettings(SimilarityKeys.K.defaultValue(), SimilarityKeys.ANN_LISTS.defaultValue(), listSize, probes, coarseProbes,
                SimilarityKeys.ANN_MAX_LIST_SIZE.defaultValue(), SimilarityKeys.ANN_TRAIN_POINTS_PER_LIST.defaultValue(),
                SimilarityKeys.ANN_KMEANS_ITERATIONS.defaultValue(), SimilarityKeys.ANN_KMEANS_INIT.defaultValue(), SimilarityKeys.ANN_SEED.defaultValue(),
                SimilarityKeys.ANN_QUALITY_SAMPLE.defaultValue(), SimilarityKeys.ANN_MIN_RECALL.defaultValue());
    }

    /** Coarse probes below which the automatic rule never goes. */
    public static final int MIN_AUTOMATIC_COARSE_PROBES = 8;

    /**
     * Cells a vector's lists are chosen from: the configured number, else max(8, cells / 4 rounded
     * up). With a fixed share of the cells, routing keeps its recall as the cells grow with the
     * input; a fixed number loses recall there (BENCHMARKS.md, similarity-scoring at 1M).
     */
    public int coarseProbesFor(int cells)
    {
        return coarseProbes > 0 ? coarseProbes : Math.max(MIN_AUTOMATIC_COARSE_PROBES, (cells + 3) / 4);
    }

    /**
     * Lists for {@code genuine} reference vectors: the configured number, else round(genuine /
     * list-size), so a list holds about list-size vectors whatever the input size; at least 1 and
     * never more than the vectors.
     */
    public int listsFor(long genuine)
    {
        long wanted = lists > 0 ? lists : Math.round((double) genuine / listSize);
        return (int) Math.max(1, Math.min(wanted, genuine));
    }

    /** First-level cells of the quantiser for {@code lists} lists: round(sqrt(lists)), at least 1. */
    public static int cellsFor(int lists)
    {
        return (int) Math.max(1, Math.round(Math.sqrt(lists)));
    }
}
