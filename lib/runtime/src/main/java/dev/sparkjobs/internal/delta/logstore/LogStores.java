package dev.sparkjobs.internal.delta.logstore;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Delta log stores of a run, as the Spark properties that choose them per scheme (Delta reads
 * them from the SparkConf when the session starts). Local lakes always get the exclusive local
 * store; S3 lakes get the conditional-put store unless {@code delta.log-store = single-driver}
 * asks for Delta's default, which is safe with one driver only.
 */
public final class LogStores
{
    public static final String CONDITIONAL_PUT = "conditional-put";
    public static final String SINGLE_DRIVER = "single-driver";

    private LogStores() {}

    public static Map<String, String> sparkProperties(String s3Store)
    {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put(key("file"), LocalExclusiveLogStore.class.getName());
        switch (s3Store) {
            case CONDITIONAL_PUT -> {
                properties.put(key("s3a"), S3ConditionalPutLogStore.class.getName());
                properties.put(key("s3"), S3ConditionalPutLogStore.class.getName());
            }
            case SINGLE_DRIVER -> {
                // Delta's default for S3 schemes: nothing to set
            }
            default -> throw new IllegalArgumentException("Unknown Delta log store for S3: " + s3Store);
        }
        return properties;
    }

    public static String key(String scheme)
    {
        return "spark.delta.logStore." + scheme + ".impl";
    }
}
