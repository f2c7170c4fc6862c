package dev.sparkjobs.similarity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** MinHash against exact Jaccard, and the title shingles it hashes. */
class MinHashTest
{
    private static double exactJaccard(Set<String> left, Set<String> right)
    {
        Set<String> union = new HashSet<>(left);
        union.addAll(right);
        Set<String> intersection = new HashSet<>(left);
        intersection.retainAll(right);
        return (double) intersection.size() / union.size();
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
}
