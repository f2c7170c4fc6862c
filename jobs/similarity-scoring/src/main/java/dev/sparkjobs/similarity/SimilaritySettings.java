package dev.sparkjobs.similarity;

import static java.util.Objects.requireNonNull;

import dev.sparkjobs.api.JobConfig;
import dev.sparkjobs.api.RejectsPolicy;

/** The job's settings for one run, read and validated once from its keys ({@link SimilarityKeys}). */
record SimilaritySettings(AnnSettings ann, ScoreFormula formula, int embeddingDimension, int titleMinHashFunctions, RejectsPolicy rejects)
{
    SimilaritySettings
    {
        requireNonNull(ann, "ann is null");
        requireNonNull(formula, "formula is null");
        requireNonNull(rejects, "rejects is null");
    }

    static SimilaritySettings from(JobConfig config)
    {
        return new SimilaritySettings(AnnSettings.from(config), ScoreFormula.from(config), config.get(SimilarityKeys.EMBEDDING_DIMENSION),
                config.get(SimilarityKeys.TITLE_MINHASH_FUNCTIONS), new RejectsPolicy(config.get(SimilarityKeys.REJECTS_MAX_FRACTION)));
    }
}
