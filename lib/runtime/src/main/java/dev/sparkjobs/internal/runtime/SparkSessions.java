package dev.sparkjobs.internal.runtime;

import java.util.Map;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.sparkjobs.api.JobConfig;
import dev.sparkjobs.config.FrameworkKeys;
import dev.sparkjobs.internal.delta.logstore.LogStores;

/** Creates (or joins) the SparkSession of a run, with Delta and S3A set up from the run's config. */
public final class SparkSessions
{
    private static final Logger LOG = LoggerFactory.getLogger(SparkSessions.class);
    /** The session this process created, if any: commands that never start Spark never load it. */
    private static final java.util.concurrent.atomic.AtomicReference<SparkSession> CREATED = new java.util.concurrent.atomic.AtomicReference<>();

    private SparkSessions() {}

    /** Stops the session {@link #getOrCreate} created; a session that was already running is left alone. */
    public static void stopIfCreated()
    {
        SparkSession created = CREATED.getAndSet(null);
        if (created != null) {
            created.stop();
        }
    }

    /**
     * The active session when one exists (tests, spark-shell), configured for this run; otherwise
     * a new one. Under spark-submit the master and other properties come from spark-submit; a
     * plain {@code java} launch falls back to {@code local[*]}.
     */
    public static SparkSession getOrCreate(JobConfig config, String appName)
    {
        SparkSession session = SparkSession.getActiveSession().getOrElse(() -> SparkSession.getDefaultSession().getOrElse(() -> null));
        if (session == null) {
            SparkConf conf = new SparkConf();
            SparkSession.Builder builder = SparkSession.builder().appName(appName);
            if (!conf.contains("spark.master")) {
                builder.master("local[*]");
            }
            builder.config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension");
            builder.config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog");
            builder.config("spark.sql.session.timeZone", "UTC");
            builder.config("spark.ui.showConsoleProgress", "false");
            LogStores.sparkProperties(config.get(FrameworkKeys.DELTA_LOG_STORE)).forEach(builder::config);
            sparkProperties(config).forEach(builder::config);
            session = builder.getOrCreate();
            CREATED.set(session);
        }
        else {
            SparkSession existing = session;
            warnIfOtherLogStores(existing, LogStores.sparkProperties(config.get(FrameworkKeys.DELTA_LOG_STORE)));
            sparkProperties(config).forEach((key, value) -> {
                if (!existing.conf().isModifiable(key)) {
                    return;
                }
                existing.conf().set(key, value);
            });
        }
        configureS3(session.sparkContext().hadoopConfiguration(), config);
        return session;
    }

    /** Delta reads its log stores from the SparkConf, fixed when the session started: a joined session keeps its own. */
    private static void warnIfOtherLogStores(SparkSession session, Map<String, String> wanted)
    {
        org.apache.spark.SparkConf running = session.sparkContext().getConf();
        for (String scheme : java.util.List.of("file", "s3a", "s3")) {
            String key = LogStores.key(scheme);
            String actual = running.get(key, "Delta's default");
            String expected = wanted.getOrDefault(key, "Delta's default");
            if (!actual.equals(expected)) {
                LOG.warn("The running SparkSession uses {} as Delta log store for {}:// where the run's configuration asks for {} "
                        + "(set {} before the session starts)", actual, scheme, expected, key);
            }
        }
    }

    private static Map<String, String> sparkProperties(JobConfig config)
    {
        Map<String, String> properties = new java.util.TreeMap<>();
        config.unredacted().forEach((key, value) -> {
            if (FrameworkKeys.isSparkProperty(key)) {
                properties.put(key, value);
            }
        });
        return properties;
    }

    /** Maps the {@code s3.*} keys to S3A settings; empty values leave Hadoop's defaults. */
    public static void configureS3(Configuration hadoop, JobConfig config)
    {
        String endpoint = config.get(FrameworkKeys.S3_ENDPOINT);
        if (!endpoint.isEmpty()) {
            hadoop.set("fs.s3a.endpoint", endpoint);
            hadoop.setBoolean("fs.s3a.connection.ssl.enabled", !endpoint.startsWith("http://"));
        }
        String region = config.get(FrameworkKeys.S3_REGION);
        if (!region.isEmpty()) {
            hadoop.set("fs.s3a.endpoint.region", region);
        }
        hadoop.setBoolean("fs.s3a.path.style.access", config.get(FrameworkKeys.S3_PATH_STYLE_ACCESS));
        String providers = config.get(FrameworkKeys.S3_CREDENTIALS_PROVIDER).trim();
        if (!providers.isEmpty()) {
            hadoop.set("fs.s3a.aws.credentials.provider", providers);
        }
        String accessKey = config.get(FrameworkKeys.S3_ACCESS_KEY);
        if (!accessKey.isEmpty()) {
            hadoop.set("fs.s3a.access.key", accessKey);
            hadoop.set("fs.s3a.secret.key", config.get(FrameworkKeys.S3_SECRET_KEY));
        }
    }
}
