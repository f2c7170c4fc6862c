package dev.sparkjobs.config;

import java.util.Collection;
import java.util.Comparator;
import java.util.Optional;

/** "Did you mean" hints for misspelt names. */
public final class Suggestions
{
    private Suggestions() {}

    /** The closest candidate within a small edit distance, if any. */
    public static Optional<String> closest(String name, Collection<String> candidates)
    {
        int limit = Math.max(2, name.length() / 3);
        return candidates.stream()
                .map(candidate -> new Scored(candidate, distance(name, candidate)))
                .filter(scored -> scored.distance() <= limit)
                .min(Comparator.comparingInt(Scored::distance).thenComparing(Scored::candidate))
                .map(Scored::candidate);
    }

    /** " (did you mean x?)" or the empty string. */
    public static String hint(String name, Collection<String> candidates)
    {
        return closest(name, candidates).map(candidate -> " (did you mean " + candidate + "?)").orElse("");
    }

    private record Scored(String candidate, int distance) {}

    static int distance(String left, String right)
    {
        int[] previous = new int[right.length() + 1];
        int[] current = new int[right.length() + 1];
        for (int j = 0; j <= right.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= left.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= right.length(); j++) {
                int substitution = previous[j - 1] + (left.charAt(i - 1) == right.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[right.length()];
    }
}
