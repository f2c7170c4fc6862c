package dev.sparkjobs.config;

import java.util.List;

import dev.sparkjobs.api.ConfigKey;

/** Keys every job has, set like the job's own keys ({@code --set output.root=s3a://lake/}). */
public final class FrameworkKeys
{
    /** Free-form Spark properties: {@code spark.*} keys are passed to the SparkSession as they are. */
    public static final String SPARK_PREFIX = "spark.";

    public static final ConfigKey<String> OUTPUT_ROOT = ConfigKey.ofString("output.root", "lake",
            "Lake root (file://, s3a:// or a local path); table T of a job is stored at <output.root>/T");
    public static final ConfigKey<String> SCOPE = ConfigKey.ofChoice("scope", "date",
            "What a run recomputes: date = only the logical date's partition; all = every partition found in the inputs",
            "date", "all");

    public static final ConfigKey<String> S3_ENDPOINT = ConfigKey.ofString("s3.endpoint", "",
            "S3 endpoint for s3a:// (empty: the AWS endpoint of s3.region)");
    public static final ConfigKey<String> S3_REGION = ConfigKey.ofString("s3.region", "",
            "AWS region of the buckets (empty: the AWS SDK's default region lookup)");
    public static final ConfigKey<Boolean> S3_PATH_STYLE_ACCESS = ConfigKey.ofBoolean("s3.path-style-access", false,
            "Use path-style S3 requests (needed by most S3-compatible servers)");
    public static final ConfigKey<String> S3_CREDENTIALS_PROVIDER = ConfigKey.ofString("s3.credentials-provider",
            "com.amazonaws.auth.DefaultAWSCredentialsProviderChain",
            "AWS credentials provider class(es) for s3a://; the default chain covers IRSA (web identity) on EKS, env vars and instance profiles");
    public static final ConfigKey<String> S3_ACCESS_KEY = ConfigKey.ofString("s3.access-key", "",
            "Static access key id, only for S3-compatible servers; set s3.credentials-provider to org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
    public static final ConfigKey<String> S3_SECRET_KEY = ConfigKey.ofString("s3.secret-key", "",
            "Static secret key matching s3.access-key");

    public static final ConfigKey<Integer> CHECKS_SAMPLE_ROWS = ConfigKey.ofInteger("checks.sample-rows", 5,
            "Offending rows printed for each failing check").withRange(0, 1000);
    public static final ConfigKey<Boolean> PUBLISH_OPTIMIZE = ConfigKey.ofBoolean("publish.optimize", false,
            "Compact the written partition of each table (Delta OPTIMIZE) after publishing");

    public static final List<ConfigKey<?>> ALL = List.of(
            OUTPUT_ROOT,
            SCOPE,
            S3_ENDPOINT,
            S3_REGION,
            S3_PATH_STYLE_ACCESS,
            S3_CREDENTIALS_PROVIDER,
            S3_ACCESS_KEY,
            S3_SECRET_KEY,
            CHECKS_SAMPLE_ROWS,
            PUBLISH_OPTIMIZE);

    private FrameworkKeys() {}

    public static boolean isSparkProperty(String key)
    {
        return key.startsWith(SPARK_PREFIX) && key.length() > SPARK_PREFIX.length();
    }
}
