package dev.sparkjobs.similarity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** The pure-Java pieces: MinHash against exact Jaccard, shingles, the bounded heap, the quantiser. */
class UnitsTest
{
    private static double exactJaccard(Set<String> left, Set<String> right)
    {
        Set<String> union = new HashSet<>(left);
        union.addAll(right);
        Set<String> intersection = new HashSet<>(left);
        intersection.retainAll(right);
        return (double) intersection.size() / union.size();
    }

    @Test
    void minHashEstimatesJaccardWithinFiveStandardErrors()
    {
        MinHash minHash = new MinHash(256, 99);
        Random random = new Random(5);
        String[] words = {"acme", "trail", "runner", "sneakers", "black", "size", "42", "new", "original", "sale", "best", "price"};
        double totalError = 0;
        int pairs = 300;
        for (int i = 0; i < pairs; i++) {
            String left = sentence(random, words);
            String right = random.nextBoolean() ? left.substring(0, left.length() / 2) + sentence(random, words) : sentence(random, words);
            Set<String> leftShingles = TitleShingles.of(left);
            Set<String> rightShingles = TitleShingles.of(right);
            double exact = exactJaccard(leftShingles, rightShingles);
            double estimate = MinHash.estimate(minHash.signature(leftShingles), minHash.signature(rightShingles));
            // Standard error of the estimate: sqrt(J (1 - J) / 256) <= 0.031; 5 of them, plus one position of rounding.
            double tolerance = 5 * Math.sqrt(exact * (1 - exact) / 256) + 1.0 / 256;
            assertThat(estimate).as("'%s' vs '%s' (exact %s)", left, right, exact).isCloseTo(exact, within(tolerance));
            totalError += Math.abs(estimate - exact);
        }
        assertThat(totalError / pairs).as("mean absolute error, expected about 0.8 * 0.031 at most").isLessThan(0.03);
    }

    private static String sentence(Random random, String[] words)
    {
        StringBuilder sentence = new StringBuilder();
        for (int i = 0; i < 3 + random.nextInt(5); i++) {
            sentence.append(words[random.nextInt(words.length)]).append(' ');
        }
        return sentence.toString().trim();
    }

    @Test
    void titlesAreNormalisedBeforeShingling()
    {
        assertThat(TitleShingles.normalise("  Crème-BRÛLÉE!!  Pot ")).isEqualTo("creme brulee pot");
        assertThat(TitleShingles.of("Abc")).containsExactly("abc");
        assertThat(TitleShingles.of("abcdefg")).containsExactly("abcde", "bcdef", "cdefg");
        assertThat(TitleShingles.of(" ?! ")).isEmpty();
        assertThat(new MinHash(16, 1).titleSimilarity("Acme Runner", "ACME runner!")).as("same after normalising").isEqualTo(1.0);
        assertThat(new MinHash(16, 1).titleSimilarity("Acme", null)).isNull();
    }

    @Test
    void topKKeepsTheBestAndBreaksTiesById()
    {
        TopK best = new TopK(3);
        best.offer("e", 0.1f);
        best.offer("d", 0.9f);
        best.offer("c", 0.5f);
        best.offer("b", 0.5f);
        best.offer("a", 0.2f);
        assertThat(best.sorted()).containsExactly(new TopK.Neighbor("d", 0.9f), new TopK.Neighbor("b", 0.5f), new TopK.Neighbor("c", 0.5f));
        TopK merged = new TopK(2);
        merged.merge(best.toBytes());
        assertThat(merged.sorted()).containsExactly(new TopK.Neighbor("d", 0.9f), new TopK.Neighbor("b", 0.5f));
    }

    @Test
    void blockKernelFindsTheExactTopKAcrossTilesWithTiesAndWithoutSelf()
    {
        // 600 genuine vectors span three tiles (256 + 256 + 88); dimension 37 leaves a remainder after groups of 4.
        int dimension = 37;
        int genuine = 600;
        Random random = new Random(11);
        float[][] vectors = new float[genuine][];
        String[] ids = new String[genuine];
        for (int i = 0; i < genuine; i++) {
            double[] values = new double[dimension];
            for (int j = 0; j < dimension; j++) {
                values[j] = random.nextGaussian();
            }
            vectors[i] = Vectors.normalised(values);
            ids[i] = String.format("g%04d", (i * 7919) % genuine);
        }
        // exact duplicates in other tiles: equal cosines, so the smaller id must come first
        vectors[300] = vectors[10].clone();
        vectors[550] = vectors[10].clone();
        int queries = 40;
        float[] batch = new float[queries * dimension];
        String[] queryIds = new String[queries];
        for (int q = 0; q < queries; q++) {
            // queries near genuine vectors (one of them the duplicated one), and query 0 is genuine vector 10 itself (same id)
            float[] near = vectors[q == 1 ? 10 : random.nextInt(genuine)];
            double[] values = new double[dimension];
            for (int j = 0; j < dimension; j++) {
                values[j] = near[j] + (q == 0 ? 0 : 0.3 * random.nextGaussian());
            }
            System.arraycopy(Vectors.normalised(values), 0, batch, q * dimension, dimension);
            queryIds[q] = q == 0 ? ids[10] : "q" + q;
        }
        byte[][] bytes = new byte[genuine][];
        for (int i = 0; i < genuine; i++) {
            bytes[i] = Vectors.toBytes(vectors[i]);
        }
        BlockKernel kernel = new BlockKernel(ids, bytes, dimension);
        int k = 7;
        BlockKernel.Heaps heaps = kernel.search(batch, queryIds, queries, k);
        for (int q = 0; q < queries; q++) {
            // independent brute force in double precision, sorted by cosine then id
            List<double[]> all = new java.util.ArrayList<>();
            for (int i = 0; i < genuine; i++) {
                if (ids[i].equals(queryIds[q])) {
                    continue;
                }
                double dot = 0;
                for (int j = 0; j < dimension; j++) {
                    dot += (double) batch[q * dimension + j] * vectors[i][j];
                }
                all.add(new double[] {dot, i});
            }
            all.sort((a, b) -> a[0] != b[0] ? Double.compare(b[0], a[0]) : ids[(int) a[1]].compareTo(ids[(int) b[1]]));
            List<String> expected = all.subList(0, k).stream().map(entry -> ids[(int) entry[1]]).toList();
            TopK found = new TopK(k);
            for (int n = 0; n < heaps.size(q); n++) {
                found.offer(kernel.id(heaps.index(q, n)), heaps.cosine(q, n));
            }
            List<TopK.Neighbor> sorted = found.sorted();
            assertThat(sorted.stream().map(TopK.Neighbor::id).toList()).as("top-%d of query %s", k, queryIds[q]).isEqualTo(expected);
            for (int n = 0; n < k; n++) {
                assertThat((double) sorted.get(n).cosine()).as("cosine %d of query %s", n, queryIds[q]).isCloseTo(all.get(n)[0], within(1e-5));
            }
        }
        assertThat(heaps.size(0)).as("a query never finds itself, but still k others").isEqualTo(k);
    }

    @Test
    void vectorsNormaliseAndRoundTrip()
    {
        float[] unit = Vectors.normalised(new double[] {3, 4});
        assertThat(unit).containsExactly(0.6f, 0.8f);
        assertThat(Vectors.fromBytes(Vectors.toBytes(unit))).containsExactly(0.6f, 0.8f);
        assertThat(Vectors.normalised(new double[] {0, 0})).isNull();
        assertThat(Vectors.dot(new float[] {1, 2, 3, 4, 5}, new float[] {5, 4, 3, 2, 1})).isEqualTo(35f);
    }

    @Test
    void quantiserProbesNearestCentroidsFirst()
    {
        IvfQuantiser quantiser = new IvfQuantiser(2, new float[][] {{1, 0}, {0, 1}, {-1, 0}, {0.7f, 0.7f}});
        assertThat(quantiser.nearest(new float[] {0.96f, 0.28f})).isEqualTo(0);
        // squared distances from (0.96, 0.28): list 0: 0.16, list 3: 0.2234, list 1: 1.44, list 2: 3.84
        assertThat(quantiser.nearest(new float[] {0.96f, 0.28f}, 3)).containsExactly(0, 3, 1);
        assertThat(quantiser.nearest(new float[] {0.96f, 0.28f}, 10)).containsExactly(0, 3, 1, 2);
    }

    @Test
    void defaultsArePinned()
    {
        assertThat(SimilarityKeys.K.defaultValue()).isEqualTo(10);
        assertThat(SimilarityKeys.ANN_LISTS.defaultValue()).as("0: sqrt(genuine)").isZero();
        assertThat(SimilarityKeys.ANN_PROBES.defaultValue()).isEqualTo(4);
        assertThat(SimilarityKeys.ANN_KMEANS_ITERATIONS.defaultValue()).isEqualTo(3);
        assertThat(SimilarityKeys.ANN_QUALITY_SAMPLE.defaultValue()).isEqualTo(500);
        assertThat(SimilarityKeys.ANN_KMEANS_INIT.defaultValue()).isEqualTo("random");
        assertThat(SimilarityKeys.ANN_MIN_RECALL.defaultValue()).isEqualTo(0.95);
        assertThat(SimilarityKeys.SCORE_THRESHOLD.defaultValue()).isEqualTo(0.8);
        assertThat(SimilarityKeys.REJECTS_MAX_FRACTION.defaultValue()).isEqualTo(0.05);
        assertThat(List.of(SimilarityKeys.WEIGHT_EMBEDDING.defaultValue(), SimilarityKeys.WEIGHT_TITLE.defaultValue(),
                SimilarityKeys.WEIGHT_PRICE.defaultValue())).containsExactly(0.45, 0.20, 0.35);
        assertThat(new AnnSettings(10, 0, 8, 5000, 64, 10, "random", 42, 500, 0.95).listsFor(1_000_000)).isEqualTo(1000);
        assertThat(new AnnSettings(10, 0, 8, 5000, 64, 10, "random", 42, 500, 0.95).listsFor(3)).isEqualTo(2);
        assertThat(SimilarityKeys.all()).hasSize(23);
    }
}
