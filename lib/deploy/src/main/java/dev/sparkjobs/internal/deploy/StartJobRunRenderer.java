package dev.sparkjobs.internal.deploy;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Renders the EMR on EKS StartJobRun request of a submission, in the form of
 * {@code aws emr-containers start-job-run --cli-input-json}.
 */
public final class StartJobRunRenderer
{
    public static final String APPLICATION_NAME = "spark-jobs";

    private static final ObjectMapper JSON = new ObjectMapper();

    private StartJobRunRenderer() {}

    public static ObjectNode render(Submission submission, DeploymentSettings deployment)
    {
        requireNonNull(submission, "submission is null");
        requireNonNull(deployment, "deployment is null");
        ObjectNode request = JSON.createObjectNode();
        request.put("name", submission.runName());
        request.put("virtualClusterId", deployment.virtualClusterId());
        request.put("executionRoleArn", deployment.executionRoleArn());
        request.put("releaseLabel", deployment.releaseLabel());
        request.put("clientToken", clientToken(submission));

        ObjectNode driver = request.putObject("jobDriver").putObject("sparkSubmitJobDriver");
        driver.put("entryPoint", ImageLayout.local(ImageLayout.APPLICATION_JAR));
        ArrayNode arguments = driver.putArray("entryPointArguments");
        submission.runArguments().forEach(arguments::add);
        driver.put("sparkSubmitParameters", "--class " + ImageLayout.MAIN_CLASS + " --jars " + ImageLayout.deltaJarsAsLocalUris());

        ObjectNode overrides = request.putObject("configurationOverrides");
        ObjectNode sparkDefaults = overrides.putArray("applicationConfiguration").addObject();
        sparkDefaults.put("classification", "spark-defaults");
        ObjectNode properties = sparkDefaults.putObject("properties");
        SparkProperties.forKubernetes(submission, deployment).forEach(properties::put);
        ObjectNode monitoring = overrides.putObject("monitoringConfiguration");
        monitoring.put("persistentAppUI", "ENABLED");
        ObjectNode cloudWatch = monitoring.putObject("cloudWatchMonitoringConfiguration");
        cloudWatch.put("logGroupName", deployment.logGroup());
        cloudWatch.put("logStreamNamePrefix", submission.job());
        monitoring.putObject("s3MonitoringConfiguration").put("logUri", deployment.logUri());

        request.putObject("retryPolicyConfiguration").put("maxAttempts", deployment.maxAttempts());
        ObjectNode tags = request.putObject("tags");
        tags.put("app", APPLICATION_NAME);
        tags.put("job", submission.job());
        tags.put("env", submission.env());
        tags.put("date", submission.date().toString());
        return request;
    }

    /**
     * The idempotency token: the same job and date give the same token, so submitting a rendered
     * request twice starts one job run. (Airflow retries use their own token per try.)
     */
    public static String clientToken(Submission submission)
    {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((APPLICATION_NAME + "/" + submission.job() + "/" + submission.date()).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    public static String toJson(JsonNode request)
    {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(request);
        }
        catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("Cannot write a JSON tree built in memory", e);
        }
    }
}
