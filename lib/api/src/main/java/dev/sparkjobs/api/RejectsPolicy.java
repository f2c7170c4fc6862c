package dev.sparkjobs.api;

import dev.sparkjobs.errors.Errors;

/**
 * How many input rows a job may reject before its run fails: {@code rejects.max-fraction}, the
 * largest share of rejected rows (0 to 1) a run tolerates. Above it the run fails with exit 3 and
 * publishes nothing. One key and one meaning for every job that rejects rows; each job picks its
 * default.
 */
public record RejectsPolicy(double maxFraction)
{
    public static final String KEY = "rejects.max-fraction";

    public RejectsPolicy
    {
        if (!(maxFraction >= 0 && maxFraction <= 1)) {
            throw new IllegalArgumentException("maxFraction must be between 0 and 1, got " + maxFraction);
        }
    }

    /** The job's {@code rejects.max-fraction} key, with its default share. */
    public static ConfigKey<Double> key(double defaultMaxFraction)
    {
        return ConfigKey.ofDouble(KEY, defaultMaxFraction,
                "Largest share of input rows rejected as unreadable or invalid (0 to 1); above it the run fails (exit 3) and publishes nothing")
                .withRange(0.0, 1.0);
    }

    /** Fails the run when more than the tolerated share of {@code total} rows of input {@code inputKey} was rejected. */
    public void check(String job, String inputKey, long rejected, long total)
    {
        if (!tolerates(rejected, total)) {
            throw Errors.tooManyRejects(job, inputKey, rejected, total, maxFraction);
        }
    }

    /** Whether {@code rejected} of {@code total} rows is a share this policy tolerates (no rows: always). */
    public boolean tolerates(long rejected, long total)
    {
        return total == 0 || rejected <= maxFraction * total;
    }
}
