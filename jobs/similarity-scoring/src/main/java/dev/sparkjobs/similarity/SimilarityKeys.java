package dev.sparkjobs.similarity;

import java.util.List;

import dev.sparkjobs.api.ConfigKey;
import dev.sparkjobs.api.RejectsPolicy;

/** The configuration keys of similarity-scoring, relative to the job. */
public final class SimilarityKeys
{
    public static final ConfigKey<Integer> K = ConfigKey.ofInteger("k", 10, "Nearest genuine listings kept per listing (top-k by cosine)")
            .withRange(1, 1000);
    public static final ConfigKey<Integer> EMBEDDING_DIMENSION = ConfigKey.ofInteger("embedding.dimension", 0,
            "Expected embedding length; 0 infers it as the most common length in the input").withRange(0, 65_536);

    public static final ConfigKey<Integer> ANN_LISTS = ConfigKey.ofInteger("ann.lists", 0,
            "Inverted lists (fine k-means centroids) of the IVF index; 0 means round(genuine listings / ann.list-size)").withRange(0, 1_000_000);
    public static final ConfigKey<Integer> ANN_LIST_SIZE = ConfigKey.ofInteger("ann.list-size", 128,
            "Genuine listings per list when ann.lists is 0: lists grow with the input, so the candidates a query compares stay about "
                    + "ann.probes x ann.list-size; the lists are grouped into round(sqrt(lists)) cells (first-level centroids)")
            .withRange(1, 10_000_000);
    public static final ConfigKey<Integer> ANN_COARSE_PROBES = ConfigKey.ofInteger("ann.coarse-probes", 0,
            "Nearest cells whose lists a listing is compared with to choose its ann.probes lists (routing cost: cells + this x lists per cell); "
                    + "0 means max(8, cells / 4 rounded up), so routing keeps up with the cells as the input grows")
            .withRange(0, 1_000_000);
    public static final ConfigKey<Integer> ANN_PROBES = ConfigKey.ofInteger("ann.probes", 8,
            "Nearest lists each query searches; more probes: higher recall, more candidates").withRange(1, 1_000_000);
    public static final ConfigKey<Integer> ANN_MAX_LIST_SIZE = ConfigKey.ofInteger("ann.max-list-size", 5000,
            "Lists of a cell are packed into blocks (units of work) of at most this many genuine vectors; a larger list is split into "
                    + "chunks of at most this many, so one skewed list cannot stall a task")
            .withRange(1, 10_000_000);
    public static final ConfigKey<Integer> ANN_TRAIN_POINTS_PER_LIST = ConfigKey.ofInteger("ann.train-points-per-list", 32,
            "Genuine vectors sampled per list to train the k-means quantiser").withRange(1, 100_000);
    public static final ConfigKey<Integer> ANN_KMEANS_ITERATIONS = ConfigKey.ofInteger("ann.kmeans-iterations", 3,
            "Maximum iterations of k-means when training the quantiser (MLlib KMeans for the cells, local k-means per cell for the lists)")
            .withRange(1, 1000);
    public static final ConfigKey<String> ANN_KMEANS_INIT = ConfigKey.ofChoice("ann.kmeans-init", "random",
            "Initialisation of MLlib KMeans: random (k sampled points; enough for a coarse quantiser searched with several probes) "
                    + "or k-means|| (better-spread centroids, slow for hundreds of lists)", "random", "k-means||");
    public static final ConfigKey<Long> ANN_SEED = ConfigKey.ofLong("ann.seed", 42, "Seed of the training sample, KMeans and the quality sample");
    public static final ConfigKey<Integer> ANN_QUALITY_SAMPLE = ConfigKey.ofInteger("ann.quality-sample", 500,
            "Random queries whose approximate top-k is compared with exact brute force for ann_quality; 0 skips it")
            .withRange(0, 100_000);
    public static final ConfigKey<Double> ANN_MIN_RECALL = ConfigKey.ofDouble("ann.min-recall", 0.95,
            "A measured recall@k below this is a warning in the run summary").withRange(0.0, 1.0);

    public static final ConfigKey<Integer> TITLE_MINHASH_FUNCTIONS = ConfigKey.ofInteger("title.minhash-functions", 128,
            "Hash functions of the MinHash title-similarity estimate (standard error <= 0.5/sqrt(n))").withRange(1, 4096);

    public static final ConfigKey<Double> WEIGHT_EMBEDDING = ConfigKey.ofDouble("score.weight.embedding", 0.45,
            "Weight of the embedding signal in the score (weights are divided by their sum)").withRange(0.0, 1000.0);
    public static final ConfigKey<Double> WEIGHT_TITLE = ConfigKey.ofDouble("score.weight.title", 0.20,
            "Weight of the title signal in the score").withRange(0.0, 1000.0);
    public static final ConfigKey<Double> WEIGHT_PRICE = ConfigKey.ofDouble("score.weight.price", 0.35,
            "Weight of the price signal in the score").withRange(0.0, 1000.0);
    public static final ConfigKey<Double> EMBEDDING_FLOOR = ConfigKey.ofDouble("score.embedding.floor", 0.80,
            "Cosine at which the embedding signal starts (0 below); also the minimum cosine of a genuine match counted in the median price")
            .withRange(-1.0, 1.0);
    public static final ConfigKey<Double> EMBEDDING_NEAR_DUPLICATE = ConfigKey.ofDouble("score.embedding.near-duplicate", 0.95,
            "Cosine at which the embedding signal is full (1) and the reason near_duplicate_embedding fires").withRange(-1.0, 1.0);
    public static final ConfigKey<Double> TITLE_FLOOR = ConfigKey.ofDouble("score.title.floor", 0.20,
            "Title Jaccard estimate at which the title signal starts").withRange(0.0, 1.0);
    public static final ConfigKey<Double> TITLE_COPIED = ConfigKey.ofDouble("score.title.copied", 0.60,
            "Title Jaccard estimate at which the title signal is full and the reason copied_title fires").withRange(0.0, 1.0);
    public static final ConfigKey<Double> PRICE_NORMAL_RATIO = ConfigKey.ofDouble("score.price.normal-ratio", 0.90,
            "price_ratio at or above which the price signal is 0").withRange(0.0, 1000.0);
    public static final ConfigKey<Double> PRICE_FAR_BELOW_RATIO = ConfigKey.ofDouble("score.price.far-below-ratio", 0.60,
            "price_ratio at or below which the price signal is full and the reason price_far_below_genuine fires").withRange(0.0, 1000.0);
    public static final ConfigKey<Double> SCORE_THRESHOLD = ConfigKey.ofDouble("score.threshold", 0.8,
            "A listing is flagged when its score is at least this").withRange(0.0, 1.0);

    public static final ConfigKey<Double> REJECTS_MAX_FRACTION = RejectsPolicy.key(0.05);

    private SimilarityKeys() {}

    public static List<ConfigKey<?>> all()
    {
        return List.of(K, EMBEDDING_DIMENSION, ANN_LISTS, ANN_LIST_SIZE, ANN_PROBES, ANN_COARSE_PROBES, ANN_MAX_LIST_SIZE, ANN_TRAIN_POINTS_PER_LIST, ANN_KMEANS_ITERATIONS,
                ANN_KMEANS_INIT, ANN_SEED, ANN_QUALITY_SAMPLE, ANN_MIN_RECALL, TITLE_MINHASH_FUNCTIONS, WEIGHT_EMBEDDING, WEIGHT_TITLE,
                WEIGHT_PRICE, EMBEDDING_FLOOR, EMBEDDING_NEAR_DUPLICATE, TITLE_FLOOR, TITLE_COPIED, PRICE_NORMAL_RATIO, PRICE_FAR_BELOW_RATIO,
                SCORE_THRESHOLD, REJECTS_MAX_FRACTION);
    }
}
