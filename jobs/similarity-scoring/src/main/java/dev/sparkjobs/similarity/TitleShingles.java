package dev.sparkjobs.similarity;

import java.text.Normalizer;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/** Character 5-gram shingles of a normalised title: lower case, accents and punctuation removed. */
public final class TitleShingles
{
    public static final int SHINGLE_LENGTH = 5;

    private TitleShingles() {}

    /** Lower case, accents stripped, anything but letters and digits a single space, trimmed. */
    public static String normalise(String title)
    {
        String decomposed = Normalizer.normalize(title, Normalizer.Form.NFKD).replaceAll("\\p{M}+", "");
        return decomposed.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}]+", " ").trim();
    }

    /** The distinct shingles of the normalised title; a title shorter than a shingle is one shingle; empty for a blank title. */
    public static Set<String> of(String title)
    {
        String normalised = normalise(title);
        Set<String> shingles = new LinkedHashSet<>();
        if (normalised.isEmpty()) {
            return shingles;
        }
        if (normalised.length() <= SHINGLE_LENGTH) {
            shingles.add(normalised);
            return shingles;
        }
        for (int start = 0; start + SHINGLE_LENGTH <= normalised.length(); start++) {
            shingles.add(normalised.substring(start, start + SHINGLE_LENGTH));
        }
        return shingles;
    }
}
