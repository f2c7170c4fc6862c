package dev.sparkjobs.similarity;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_compact;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.apache.spark.sql.Column;

import dev.sparkjobs.api.JobConfig;
import dev.sparkjobs.errors.Errors;

/**
 * The counterfeit score of a listing whose seller is not authorized for its brand:
 *
 * <pre>
 * score = (we * E + wt * T + wp * P) / (we + wt + wp), in [0, 1]
 * E = ramp(embedding_similarity, embedding.floor, embedding.near-duplicate)
 * T = ramp(title_similarity, title.floor, title.copied)
 * P = ramp(price_ratio, price.normal-ratio, price.far-below-ratio)   (falls as the ratio rises)
 * ramp(x, from, to) = clamp((x - from) / (to - from), 0, 1); a missing signal counts 0
 * </pre>
 *
 * With the default weights (0.45, 0.20, 0.35) and threshold 0.8, a copied image and title at a
 * normal price scores at most 0.65: the price far below genuine is needed to flag.
 */
public record ScoreFormula(double embeddingWeight, double titleWeight, double priceWeight, double embeddingFloor, double embeddingNearDuplicate,
        double titleFloor, double titleCopied, double priceNormalRatio, double priceFarBelowRatio, double threshold)
{
    public static final String NEAR_DUPLICATE_EMBEDDING = "near_duplicate_embedding";
    public static final String COPIED_TITLE = "copied_title";
    public static final String PRICE_FAR_BELOW_GENUINE = "price_far_below_genuine";

    public ScoreFormula
    {
        List<String> problems = new ArrayList<>();
        if (!(embeddingWeight + titleWeight + priceWeight > 0)) {
            problems.add("score.weight.embedding + score.weight.title + score.weight.price must be positive");
        }
        if (!(embeddingFloor < embeddingNearDuplicate)) {
            problems.add(String.format(Locale.ROOT, "score.embedding.floor (%s) must be below score.embedding.near-duplicate (%s)",
                    embeddingFloor, embeddingNearDuplicate));
        }
        if (!(titleFloor < titleCopied)) {
            problems.add(String.format(Locale.ROOT, "score.title.floor (%s) must be below score.title.copied (%s)", titleFloor, titleCopied));
        }
        if (!(priceFarBelowRatio < priceNormalRatio)) {
            problems.add(String.format(Locale.ROOT, "score.price.far-below-ratio (%s) must be below score.price.normal-ratio (%s)",
                    priceFarBelowRatio, priceNormalRatio));
        }
        if (!problems.isEmpty()) {
            throw Errors.inconsistentSettings("similarity-scoring", problems);
        }
    }

    public static ScoreFormula from(JobConfig config)
    {
        return new ScoreFormula(config.get(SimilarityKeys.WEIGHT_EMBEDDING), config.get(SimilarityKeys.WEIGHT_TITLE),
                config.get(SimilarityKeys.WEIGHT_PRICE), config.get(SimilarityKeys.EMBEDDING_FLOOR),
                config.get(SimilarityKeys.EMBEDDING_NEAR_DUPLICATE), config.get(SimilarityKeys.TITLE_FLOOR), config.get(SimilarityKeys.TITLE_COPIED),
                config.get(SimilarityKeys.PRICE_NORMAL_RATIO), config.get(SimilarityKeys.PRICE_FAR_BELOW_RATIO),
                config.get(SimilarityKeys.SCORE_THRESHOLD));
    }

    /** The score column from the three signal columns (doubles, possibly null). */
    public Column score(Column embeddingSimilarity, Column titleSimilarity, Column priceRatio)
    {
        double total = embeddingWeight + titleWeight + priceWeight;
        Column weighted = ramp(embeddingSimilarity, embeddingFloor, embeddingNearDuplicate).multiply(embeddingWeight / total)
                .plus(ramp(titleSimilarity, titleFloor, titleCopied).multiply(titleWeight / total))
                .plus(ramp(priceRatio, priceNormalRatio, priceFarBelowRatio).multiply(priceWeight / total));
        return least(lit(1.0), greatest(lit(0.0), weighted));
    }

    public Column flagged(Column score)
    {
        return score.geq(lit(threshold));
    }

    /** The names of the signals that fired, in a fixed order; empty when none did. */
    public Column reasons(Column embeddingSimilarity, Column titleSimilarity, Column priceRatio)
    {
        return array_compact(array(
                when(embeddingSimilarity.geq(lit(embeddingNearDuplicate)), lit(NEAR_DUPLICATE_EMBEDDING)),
                when(titleSimilarity.geq(lit(titleCopied)), lit(COPIED_TITLE)),
                when(priceRatio.leq(lit(priceFarBelowRatio)), lit(PRICE_FAR_BELOW_GENUINE))));
    }

    /** One line for describe and the README. */
    public static String documentation()
    {
        return "score = (we*E + wt*T + wp*P) / (we+wt+wp); E = ramp(embedding_similarity, score.embedding.floor -> "
                + "score.embedding.near-duplicate), T = ramp(title_similarity, score.title.floor -> score.title.copied), "
                + "P = ramp(price_ratio, score.price.normal-ratio -> score.price.far-below-ratio); ramp clamps to [0, 1], a missing signal is 0";
    }

    /** clamp((x - from) / (to - from), 0, 1), null as 0; {@code to} may be below {@code from} (a falling ramp). */
    private static Column ramp(Column value, double from, double to)
    {
        Column scaled = value.minus(lit(from)).divide(lit(to - from));
        return coalesce(least(lit(1.0), greatest(lit(0.0), scaled)), lit(0.0));
    }
}
