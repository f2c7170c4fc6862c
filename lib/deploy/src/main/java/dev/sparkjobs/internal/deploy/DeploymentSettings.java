package dev.sparkjobs.internal.deploy;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.sparkjobs.api.ConfigKey;
import dev.sparkjobs.api.JobConfig;
import dev.sparkjobs.config.FrameworkKeys;
import dev.sparkjobs.errors.Errors;

/** The emr.* values of one environment, checked to be present and of the right form. */
public record DeploymentSettings(
        String virtualClusterId,
        String executionRoleArn,
        String releaseLabel,
        String imageUri,
        String logUri,
        String logGroup,
        String podTemplateUri,
        int maxAttempts,
        int maxExecutors,
        String kubernetesApiUrl,
        String kubernetesNamespace,
        String kubernetesServiceAccount)
{
    public static final String DRIVER_POD_TEMPLATE = "driver.yaml";
    public static final String EXECUTOR_POD_TEMPLATE = "executor.yaml";

    public DeploymentSettings
    {
        requireNonNull(virtualClusterId, "virtualClusterId is null");
        requireNonNull(executionRoleArn, "executionRoleArn is null");
        requireNonNull(releaseLabel, "releaseLabel is null");
        requireNonNull(imageUri, "imageUri is null");
        requireNonNull(logUri, "logUri is null");
        requireNonNull(logGroup, "logGroup is null");
        requireNonNull(podTemplateUri, "podTemplateUri is null");
        requireNonNull(kubernetesApiUrl, "kubernetesApiUrl is null");
        requireNonNull(kubernetesNamespace, "kubernetesNamespace is null");
        requireNonNull(kubernetesServiceAccount, "kubernetesServiceAccount is null");
    }

    /** What a job run on EMR on EKS needs; every missing or malformed value is reported at once. */
    public static DeploymentSettings forEmrOnEks(JobConfig config, String env, String command)
    {
        Reader reader = new Reader(config, env);
        DeploymentSettings settings = new DeploymentSettings(
                reader.required(FrameworkKeys.EMR_VIRTUAL_CLUSTER_ID),
                reader.required(FrameworkKeys.EMR_EXECUTION_ROLE_ARN),
                reader.required(FrameworkKeys.EMR_RELEASE_LABEL),
                reader.required(FrameworkKeys.EMR_IMAGE_URI),
                reader.s3Uri(FrameworkKeys.EMR_LOG_URI),
                reader.required(FrameworkKeys.EMR_LOG_GROUP),
                reader.s3Uri(FrameworkKeys.EMR_POD_TEMPLATE_URI),
                config.get(FrameworkKeys.EMR_MAX_ATTEMPTS),
                config.get(FrameworkKeys.EMR_MAX_EXECUTORS),
                config.get(FrameworkKeys.EMR_KUBERNETES_API_URL).trim(),
                config.get(FrameworkKeys.EMR_KUBERNETES_NAMESPACE).trim(),
                config.get(FrameworkKeys.EMR_KUBERNETES_SERVICE_ACCOUNT).trim());
        reader.failIfProblems(command);
        return settings;
    }

    /** What spark-submit to Kubernetes needs: the EMR values used by the pods, and the API server (given, or emr.kubernetes-api-url). */
    public static DeploymentSettings forKubernetes(JobConfig config, String env, String command, Optional<String> apiUrlGiven)
    {
        Reader reader = new Reader(config, env);
        reader.required(FrameworkKeys.EMR_IMAGE_URI);
        reader.s3Uri(FrameworkKeys.EMR_POD_TEMPLATE_URI);
        String apiUrl = apiUrlGiven.isPresent() ? apiUrlGiven.get() : reader.required(FrameworkKeys.EMR_KUBERNETES_API_URL);
        if (!apiUrl.isEmpty() && !apiUrl.startsWith("https://")) {
            reader.problem(FrameworkKeys.EMR_KUBERNETES_API_URL, "must be the https:// endpoint of the EKS API server (without k8s://), got '" + apiUrl + "'");
        }
        reader.required(FrameworkKeys.EMR_KUBERNETES_NAMESPACE);
        reader.required(FrameworkKeys.EMR_KUBERNETES_SERVICE_ACCOUNT);
        reader.failIfProblems(command);
        DeploymentSettings settings = withoutChecks(config);
        return new DeploymentSettings(settings.virtualClusterId, settings.executionRoleArn, settings.releaseLabel, settings.imageUri, settings.logUri,
                settings.logGroup, settings.podTemplateUri, settings.maxAttempts, settings.maxExecutors, apiUrl, settings.kubernetesNamespace,
                settings.kubernetesServiceAccount);
    }

    /** The values as configured, unchecked (a local spark-submit needs none of them). */
    public static DeploymentSettings withoutChecks(JobConfig config)
    {
        return new DeploymentSettings(
                config.get(FrameworkKeys.EMR_VIRTUAL_CLUSTER_ID).trim(),
                config.get(FrameworkKeys.EMR_EXECUTION_ROLE_ARN).trim(),
                config.get(FrameworkKeys.EMR_RELEASE_LABEL).trim(),
                config.get(FrameworkKeys.EMR_IMAGE_URI).trim(),
                config.get(FrameworkKeys.EMR_LOG_URI).trim(),
                config.get(FrameworkKeys.EMR_LOG_GROUP).trim(),
                config.get(FrameworkKeys.EMR_POD_TEMPLATE_URI).trim(),
                config.get(FrameworkKeys.EMR_MAX_ATTEMPTS),
                config.get(FrameworkKeys.EMR_MAX_EXECUTORS),
                config.get(FrameworkKeys.EMR_KUBERNETES_API_URL).trim(),
                config.get(FrameworkKeys.EMR_KUBERNETES_NAMESPACE).trim(),
                config.get(FrameworkKeys.EMR_KUBERNETES_SERVICE_ACCOUNT).trim());
    }

    public String driverPodTemplate()
    {
        return folder(podTemplateUri) + DRIVER_POD_TEMPLATE;
    }

    public String executorPodTemplate()
    {
        return folder(podTemplateUri) + EXECUTOR_POD_TEMPLATE;
    }

    private static String folder(String uri)
    {
        return uri.endsWith("/") ? uri : uri + "/";
    }

    private static final class Reader
    {
        private final JobConfig config;
        private final String env;
        private final List<String> problems = new ArrayList<>();

        Reader(JobConfig config, String env)
        {
            this.config = config;
            this.env = env;
        }

        String required(ConfigKey<String> key)
        {
            String value = config.get(key).trim();
            if (value.isEmpty()) {
                problems.add(key.name() + " is not set: " + key.description());
            }
            return value;
        }

        String s3Uri(ConfigKey<String> key)
        {
            String value = required(key);
            if (!value.isEmpty() && !value.startsWith("s3://")) {
                problem(key, "must be an s3:// URI (EMR on EKS reads it with its own S3 client), got '" + value + "'");
            }
            return value;
        }

        void problem(ConfigKey<String> key, String problem)
        {
            problems.add(key.name() + " " + problem);
        }

        void failIfProblems(String command)
        {
            if (!problems.isEmpty()) {
                throw Errors.invalidDeployment(command, env, problems, problems.get(0).split(" ")[0]);
            }
        }
    }
}
