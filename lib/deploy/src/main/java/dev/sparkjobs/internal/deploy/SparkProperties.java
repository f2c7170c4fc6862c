package dev.sparkjobs.internal.deploy;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

import dev.sparkjobs.api.JobConfig;
import dev.sparkjobs.config.FrameworkKeys;
import dev.sparkjobs.internal.delta.logstore.LogStores;

/**
 * The Spark properties of a submitted run. Those the deployment needs (image, pod templates,
 * Delta, dynamic allocation, decommissioning) come first; the spark.* keys of the job's
 * configuration (application.conf, the env file, the job's file, --set) are added after them and
 * win, so a team can still override any of them.
 */
final class SparkProperties
{
    static final String VECTOR_MODULE = "--add-modules=jdk.incubator.vector";
    private static final java.util.List<String> JAVA_OPTIONS = java.util.List.of("spark.driver.extraJavaOptions", "spark.executor.extraJavaOptions");

    private SparkProperties() {}

    static Map<String, String> forKubernetes(Submission submission, DeploymentSettings deployment)
    {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("spark.kubernetes.container.image", deployment.imageUri());
        properties.put("spark.kubernetes.driver.podTemplateFile", deployment.driverPodTemplate());
        properties.put("spark.kubernetes.executor.podTemplateFile", deployment.executorPodTemplate());
        properties.put("spark.kubernetes.driverEnv.SPARK_JOBS_CONF_DIR", ImageLayout.CONF_DIR);
        properties.put("spark.executorEnv.SPARK_JOBS_CONF_DIR", ImageLayout.CONF_DIR);
        putDelta(properties, submission);
        // Executors come and go with the work; shuffle tracking replaces the external shuffle
        // service, which Kubernetes does not have.
        properties.put("spark.dynamicAllocation.enabled", "true");
        properties.put("spark.dynamicAllocation.shuffleTracking.enabled", "true");
        properties.put("spark.dynamicAllocation.minExecutors", "1");
        properties.put("spark.dynamicAllocation.maxExecutors", Integer.toString(deployment.maxExecutors()));
        // Executors run on Spot: when a node is reclaimed, move its shuffle and cached blocks to
        // the remaining executors within the pod's termination grace period instead of recomputing them.
        properties.put("spark.decommission.enabled", "true");
        properties.put("spark.storage.decommission.enabled", "true");
        properties.put("spark.storage.decommission.shuffleBlocks.enabled", "true");
        properties.put("spark.storage.decommission.rddBlocks.enabled", "true");
        properties.putAll(configured(submission.config()));
        putJavaOptions(properties, submission);
        return properties;
    }

    static Map<String, String> forLocal(Submission submission)
    {
        Map<String, String> properties = new LinkedHashMap<>();
        putDelta(properties, submission);
        properties.putAll(configured(submission.config()));
        putJavaOptions(properties, submission);
        return properties;
    }

    /**
     * The Java Vector API in the driver and the executors, for the BLAS Spark ships (VectorBLAS;
     * without it MLlib falls back to slow loops), before the Java options a team configures.
     */
    private static void putJavaOptions(Map<String, String> properties, Submission submission)
    {
        for (String key : JAVA_OPTIONS) {
            String configured = submission.config().raw(key).map(String::trim).orElse("");
            properties.put(key, configured.contains(VECTOR_MODULE) ? configured : (VECTOR_MODULE + " " + configured).trim());
        }
    }

    private static void putDelta(Map<String, String> properties, Submission submission)
    {
        properties.put("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension");
        properties.put("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog");
        // commits safe with many drivers (the run sets them too; a session started by spark-submit has them from the start)
        properties.putAll(LogStores.sparkProperties(submission.config().get(FrameworkKeys.DELTA_LOG_STORE)));
    }

    private static Map<String, String> configured(JobConfig config)
    {
        Map<String, String> properties = new TreeMap<>();
        config.unredacted().forEach((key, value) -> {
            if (FrameworkKeys.isSparkProperty(key)) {
                properties.put(key, value);
            }
        });
        return properties;
    }
}
