package dev.sparkjobs.internal.deploy;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Renders the spark-submit command line equivalent to a StartJobRun request: for Spark on
 * Kubernetes (cluster mode, from a machine or pod that can reach the EKS API server) or with a
 * local master inside the job image. Both use the image's paths and the same run arguments.
 */
public final class SparkSubmitRenderer
{
    private static final Pattern SHELL_SAFE = Pattern.compile("[A-Za-z0-9_./:=,@%+-]+");

    private SparkSubmitRenderer() {}

    public static List<String> kubernetes(Submission submission, DeploymentSettings deployment)
    {
        requireNonNull(deployment, "deployment is null");
        List<String> command = start("k8s://" + deployment.kubernetesApiUrl(), "cluster", submission);
        conf(command, "spark.kubernetes.namespace", deployment.kubernetesNamespace());
        conf(command, "spark.kubernetes.authenticate.driver.serviceAccountName", deployment.kubernetesServiceAccount());
        SparkProperties.forKubernetes(submission, deployment).forEach((key, value) -> conf(command, key, value));
        command.add(ImageLayout.local(ImageLayout.APPLICATION_JAR));
        command.addAll(submission.runArguments());
        return List.copyOf(command);
    }

    public static List<String> local(Submission submission, String master)
    {
        requireNonNull(master, "master is null");
        List<String> command = start(master, "client", submission);
        Map<String, String> properties = SparkProperties.forLocal(submission);
        properties.forEach((key, value) -> conf(command, key, value));
        command.add(ImageLayout.local(ImageLayout.APPLICATION_JAR));
        command.addAll(submission.runArguments());
        return List.copyOf(command);
    }

    /** spark-submit's options one per line, then the jar and the run's arguments; pasteable into bash. */
    public static String toShell(List<String> command)
    {
        int jar = command.indexOf(ImageLayout.local(ImageLayout.APPLICATION_JAR));
        if (jar < 0) {
            throw new IllegalArgumentException("Not a rendered spark-submit command: no application jar in " + command);
        }
        List<String> lines = new ArrayList<>();
        lines.add(quote(command.get(0)));
        for (int index = 1; index < jar; index += 2) {
            lines.add(quote(command.get(index)) + " " + quote(command.get(index + 1)));
        }
        lines.add(String.join(" ", command.subList(jar, command.size()).stream().map(SparkSubmitRenderer::quote).toList()));
        return String.join(" \\\n  ", lines);
    }

    static String quote(String argument)
    {
        if (SHELL_SAFE.matcher(argument).matches()) {
            return argument;
        }
        return "'" + argument.replace("'", "'\\''") + "'";
    }

    private static List<String> start(String master, String deployMode, Submission submission)
    {
        requireNonNull(submission, "submission is null");
        List<String> command = new ArrayList<>();
        command.add(ImageLayout.SPARK_SUBMIT);
        command.add("--master");
        command.add(master);
        command.add("--deploy-mode");
        command.add(deployMode);
        command.add("--name");
        command.add(submission.runName());
        command.add("--class");
        command.add(ImageLayout.MAIN_CLASS);
        command.add("--jars");
        command.add(ImageLayout.deltaJarsAsLocalUris());
        return command;
    }

    private static void conf(List<String> command, String key, String value)
    {
        command.add("--conf");
        command.add(key + "=" + value);
    }
}
