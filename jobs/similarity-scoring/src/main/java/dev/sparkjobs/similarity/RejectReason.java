package dev.sparkjobs.similarity;

import java.util.Arrays;
import java.util.Locale;

/** Why a listing cannot be scored, in the order they are tested. */
public enum RejectReason
{
    MALFORMED_RECORD,
    MISSING_LISTING_ID,
    DUPLICATE_LISTING_ID,
    NULL_EMBEDDING,
    WRONG_DIMENSION,
    NON_FINITE_EMBEDDING,
    ZERO_EMBEDDING,
    MISSING_PRICE,
    NON_POSITIVE_PRICE;

    public String value()
    {
        return name().toLowerCase(Locale.ROOT);
    }

    public static String[] names()
    {
        return Arrays.stream(values()).map(RejectReason::value).toArray(String[]::new);
    }
}
