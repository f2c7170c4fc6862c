package dev.sparkjobs.similarity;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;

/**
 * MinHash signatures of shingle sets. The fraction of equal signature positions of two sets is an
 * unbiased estimate of their Jaccard similarity J, with standard error sqrt(J (1 - J) / functions).
 */
public final class MinHash
        implements Serializable
{
    private static final long serialVersionUID = 1L;

    private final long[] seeds;

    public MinHash(int functions, long seed)
    {
        if (functions < 1) {
            throw new IllegalArgumentException("functions must be at least 1, got " + functions);
        }
        this.seeds = new long[functions];
        long state = seed;
        for (int i = 0; i < functions; i++) {
            state += 0x9E3779B97F4A7C15L;
            seeds[i] = mix(state);
        }
    }

    public int functions()
    {
        return seeds.length;
    }

    /** The signature of a shingle set; every position is Long.MAX_VALUE for an empty set. */
    public long[] signature(Set<String> shingles)
    {
        long[] signature = new long[seeds.length];
        Arrays.fill(signature, Long.MAX_VALUE);
        for (String shingle : shingles) {
            long base = fnv1a(shingle);
            for (int i = 0; i < seeds.length; i++) {
                long hash = mix(base ^ seeds[i]);
                if (hash < signature[i]) {
                    signature[i] = hash;
                }
            }
        }
        return signature;
    }

    /** Estimated Jaccard similarity of two signatures of this MinHash. */
    public static double estimate(long[] left, long[] right)
    {
        int equal = 0;
        for (int i = 0; i < left.length; i++) {
            if (left[i] == right[i]) {
                equal++;
            }
        }
        return (double) equal / left.length;
    }

    /** Estimated Jaccard similarity of the 5-gram shingles of two titles; null when either title has no shingle. */
    public Double titleSimilarity(String left, String right)
    {
        if (left == null || right == null) {
            return null;
        }
        Set<String> leftShingles = TitleShingles.of(left);
        Set<String> rightShingles = TitleShingles.of(right);
        if (leftShingles.isEmpty() || rightShingles.isEmpty()) {
            return null;
        }
        return estimate(signature(leftShingles), signature(rightShingles));
    }

    private static long fnv1a(String text)
    {
        long hash = 0xcbf29ce484222325L;
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            hash ^= b & 0xff;
            hash *= 0x100000001b3L;
        }
        return hash;
    }

    /** SplitMix64's finaliser: a bijective mix, so distinct seeds give independent-looking hash functions. */
    private static long mix(long value)
    {
        long z = value;
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
