package dev.sparkjobs.api;

import java.util.function.Supplier;

import org.apache.spark.sql.SparkSession;

import static java.util.Objects.requireNonNull;

/** Session settings that hold for one action only, e.g. a file listing planned with other split sizes. */
public final class SessionConf
{
    private SessionConf() {}

    /**
     * Runs {@code action} with the session conf {@code key} set to {@code value}, then restores the
     * key's earlier value (or unsets it), whatever the outcome. Spark reads most SQL settings when a
     * query is planned or run, so the action should plan and run its query (for a persisted result:
     * persist and materialise it) inside.
     */
    public static <T> T with(SparkSession spark, String key, String value, Supplier<T> action)
    {
        requireNonNull(spark, "spark is null");
        requireNonNull(key, "key is null");
        requireNonNull(value, "value is null");
        requireNonNull(action, "action is null");
        var previous = spark.conf().getOption(key);
        spark.conf().set(key, value);
        try {
            return action.get();
        }
        finally {
            if (previous.isDefined()) {
                spark.conf().set(key, previous.get());
            }
            else {
                spark.conf().unset(key);
            }
        }
    }
}
