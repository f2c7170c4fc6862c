package dev.sparkjobs.config;

import java.util.List;

import dev.sparkjobs.api.ConfigKey;
import dev.sparkjobs.api.JobConfig;
import dev.sparkjobs.api.ScopeMode;

/** Keys every job has, set like the job's own keys ({@code --set output.root=s3a://lake/}). */
public final class FrameworkKeys
{
    /** Free-form Spark properties: {@code spark.*} keys are passed to the SparkSession as they are. */
    public static final String SPARK_PREFIX = "spark.";

    public static final ConfigKey<String> OUTPUT_ROOT = ConfigKey.ofString("output.root", "lake",
            "Lake root (file://, s3a:// or a local path); table T of a job is stored at <output.root>/T");
    public static final ConfigKey<ScopeMode> SCOPE = ConfigKey.ofEnum("scope", ScopeMode.class, ScopeMode.DATE,
            "What a run recomputes: date = only the logical date's partition; all = every partition found in the inputs");

    public static final ConfigKey<String> S3_ENDPOINT = ConfigKey.ofString("s3.endpoint", "",
            "S3 endpoint for s3a:// (empty: the AWS endpoint of s3.region)");
    public static final ConfigKey<String> S3_REGION = ConfigKey.ofString("s3.region", "",
            "AWS region of the buckets (empty: the AWS SDK's default region lookup)");
    public static final ConfigKey<Boolean> S3_PATH_STYLE_ACCESS = ConfigKey.ofBoolean("s3.path-style-access", false,
            "Use path-style S3 requests (needed by most S3-compatible servers)");
    /**
     * S3A's own default chain of Hadoop 3.4 (static and session keys, environment variables, container
     * and instance credentials) with web identity added before the container and instance lookups:
     * Hadoop 3.4's default has no web-identity provider, so on EKS with IRSA it would fall through to
     * the node's instance role.
     */
    public static final String DEFAULT_CREDENTIALS_PROVIDERS = String.join(",",
            "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider",
            "org.apache.hadoop.fs.s3a.TemporaryAWSCredentialsProvider",
            "software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider",
            "software.amazon.awssdk.auth.credentials.WebIdentityTokenFileCredentialsProvider",
            "org.apache.hadoop.fs.s3a.auth.IAMInstanceCredentialsProvider");

    public static final ConfigKey<String> S3_CREDENTIALS_PROVIDER = ConfigKey.ofString("s3.credentials-provider", DEFAULT_CREDENTIALS_PROVIDERS,
            "AWS SDK v2 credentials provider classes for s3a://, tried in order; the default covers s3.access-key/s3.secret-key, "
                    + "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, IRSA web identity (AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE) on EKS, "
                    + "EKS Pod Identity and ECS container credentials, and the EC2 instance profile; empty: leave fs.s3a.aws.credentials.provider as the cluster sets it");
    public static final ConfigKey<String> S3_ACCESS_KEY = ConfigKey.ofString("s3.access-key", "",
            "Static access key id, only for S3-compatible servers (on AWS use IRSA); read through ${?VAR} in conf/env/<env>.conf, never passed to render");
    public static final ConfigKey<String> S3_SECRET_KEY = ConfigKey.ofString("s3.secret-key", "",
            "Static secret key matching s3.access-key");

    public static final ConfigKey<String> DELTA_LOG_STORE = ConfigKey.ofChoice("delta.log-store", "conditional-put",
            "Delta log store for s3a:// and s3:// lakes: conditional-put = each commit is one PutObject with If-None-Match, safe with any number "
                    + "of drivers; single-driver = Delta's default S3SingleDriverLogStore, safe only while one driver writes a table",
            "conditional-put", "single-driver");

    public static final ConfigKey<Integer> CHECKS_SAMPLE_ROWS = ConfigKey.ofInteger("checks.sample-rows", 5,
            "Offending rows printed for each failing check").withRange(0, 1000);
    public static final ConfigKey<Integer> STAGE_PARALLELISM = ConfigKey.ofInteger("stage.parallelism", 3,
            "Output tables computed and checked at the same time (their small Spark jobs overlap); 1: one after another").withRange(1, 16);
    public static final ConfigKey<Integer> PUBLISH_PARALLELISM = ConfigKey.ofInteger("publish.parallelism", 3,
            "Output tables committed at the same time (each commit its own Delta transaction, mostly latency); 1: one after another").withRange(1, 16);
    /** Deprecated: it set both {@link #STAGE_PARALLELISM} and {@link #PUBLISH_PARALLELISM}, which it still does when they are not set. */
    public static final ConfigKey<Integer> STAGE_PARALLEL_TABLES = ConfigKey.ofInteger("stage.parallel-tables", 3,
            "Deprecated: sets stage.parallelism and publish.parallelism (where they are not set); set those instead").withRange(1, 16);
    public static final ConfigKey<Integer> LEDGER_ABANDON_AFTER_SECONDS = ConfigKey.ofInteger("ledger.abandon-after-seconds", 600,
            "A RUNNING run whose driver wrote no heartbeat for this long (it writes one every quarter of it, at most every 30 s) is marked "
                    + "ABANDONED in _runs by the next run of the same job").withRange(2, 7 * 24 * 3600);
    public static final ConfigKey<Boolean> PUBLISH_OPTIMIZE = ConfigKey.ofBoolean("publish.optimize", false,
            "Compact the written partition of each table (Delta OPTIMIZE) after publishing");

    // Deployment to EMR on EKS: read by 'render emr-on-eks' and 'render spark-submit', never by a run.
    // Values that differ per account have no usable default and must be set in conf/env/<env>.conf.
    public static final ConfigKey<String> EMR_VIRTUAL_CLUSTER_ID = ConfigKey.ofString("emr.virtual-cluster-id", "",
            "EMR on EKS virtual cluster id (aws emr-containers list-virtual-clusters), e.g. 3f2kbx5hq8r0tmnb9u4w1d7ze");
    public static final ConfigKey<String> EMR_EXECUTION_ROLE_ARN = ConfigKey.ofString("emr.execution-role-arn", "",
            "IAM role the job's pods assume through IRSA, e.g. arn:aws:iam::123456789012:role/spark-jobs-dev-execution");
    public static final ConfigKey<String> EMR_RELEASE_LABEL = ConfigKey.ofString("emr.release-label", "emr-7.12.0-latest",
            "EMR on EKS release label; must match the release of the base image the image is built from");
    public static final ConfigKey<String> EMR_IMAGE_URI = ConfigKey.ofString("emr.image-uri", "",
            "The job image built by docker/build.sh, e.g. 123456789012.dkr.ecr.eu-west-1.amazonaws.com/spark-jobs:1.4.0");
    public static final ConfigKey<String> EMR_LOG_URI = ConfigKey.ofString("emr.log-uri", "",
            "S3 URI where EMR on EKS uploads driver and executor logs, e.g. s3://spark-jobs-dev-logs/emr-on-eks/");
    public static final ConfigKey<String> EMR_LOG_GROUP = ConfigKey.ofString("emr.log-group", "",
            "CloudWatch Logs group for driver and executor logs, e.g. /emr-on-eks/spark-jobs-dev");
    public static final ConfigKey<String> EMR_POD_TEMPLATE_URI = ConfigKey.ofString("emr.pod-template-uri", "",
            "S3 folder holding docker/pod-templates/driver.yaml and executor.yaml, e.g. s3://spark-jobs-dev-artifacts/pod-templates/");
    public static final ConfigKey<Integer> EMR_MAX_ATTEMPTS = ConfigKey.ofInteger("emr.max-attempts", 2,
            "Driver attempts per job run (retryPolicyConfiguration); safe because a run replaces its date's data").withRange(1, 10);
    public static final ConfigKey<Integer> EMR_MAX_EXECUTORS = ConfigKey.ofInteger("emr.max-executors", 20,
            "Upper bound of dynamic allocation (spark.dynamicAllocation.maxExecutors)").withRange(1, 1000);
    public static final ConfigKey<String> EMR_KUBERNETES_API_URL = ConfigKey.ofString("emr.kubernetes-api-url", "",
            "EKS API server endpoint for 'render spark-submit' (without k8s://), e.g. https://ABCD1234.gr7.eu-west-1.eks.amazonaws.com");
    public static final ConfigKey<String> EMR_KUBERNETES_NAMESPACE = ConfigKey.ofString("emr.kubernetes-namespace", "spark-jobs",
            "Kubernetes namespace of the virtual cluster, used by 'render spark-submit'");
    public static final ConfigKey<String> EMR_KUBERNETES_SERVICE_ACCOUNT = ConfigKey.ofString("emr.kubernetes-service-account", "spark-jobs",
            "Service account of the driver pod (bound to the execution role through IRSA), used by 'render spark-submit'");

    public static final List<ConfigKey<?>> ALL = List.of(
            OUTPUT_ROOT,
            SCOPE,
            S3_ENDPOINT,
            S3_REGION,
            S3_PATH_STYLE_ACCESS,
            S3_CREDENTIALS_PROVIDER,
            S3_ACCESS_KEY,
            S3_SECRET_KEY,
            DELTA_LOG_STORE,
            CHECKS_SAMPLE_ROWS,
            STAGE_PARALLELISM,
            PUBLISH_PARALLELISM,
            STAGE_PARALLEL_TABLES,
            PUBLISH_OPTIMIZE,
            LEDGER_ABANDON_AFTER_SECONDS,
            EMR_VIRTUAL_CLUSTER_ID,
            EMR_EXECUTION_ROLE_ARN,
            EMR_RELEASE_LABEL,
            EMR_IMAGE_URI,
            EMR_LOG_URI,
            EMR_LOG_GROUP,
            EMR_POD_TEMPLATE_URI,
            EMR_MAX_ATTEMPTS,
            EMR_MAX_EXECUTORS,
            EMR_KUBERNETES_API_URL,
            EMR_KUBERNETES_NAMESPACE,
            EMR_KUBERNETES_SERVICE_ACCOUNT);

    private FrameworkKeys() {}

    /**
     * The value of a key that the deprecated {@code stage.parallel-tables} used to set: its own when
     * set, else the deprecated key's (with a warning for the run), else its default.
     */
    public static int parallelism(JobConfig config, ConfigKey<Integer> key, List<String> warnings)
    {
        if (config.raw(key.name()).isPresent() || config.raw(STAGE_PARALLEL_TABLES.name()).isEmpty()) {
            return config.get(key);
        }
        String warning = STAGE_PARALLEL_TABLES.name() + " is deprecated: it now stands for " + STAGE_PARALLELISM.name() + " and "
                + PUBLISH_PARALLELISM.name() + ", which set how many tables are computed and checked, and committed, at the same time; set those instead";
        if (!warnings.contains(warning)) {
            warnings.add(warning);
        }
        return config.get(STAGE_PARALLEL_TABLES);
    }

    public static boolean isSparkProperty(String key)
    {
        return key.startsWith(SPARK_PREFIX) && key.length() > SPARK_PREFIX.length();
    }
}
