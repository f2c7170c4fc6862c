package dev.sparkjobs.internal.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

/** docker/ agrees with what the rendered requests reference (image paths, pod templates). */
class DeployFilesTest
{
    private static final Path PROJECT = Path.of(System.getProperty("spark-jobs.conf.dir")).getParent();

    @Test
    void theDockerfilePutsTheJarAndConfWhereTheRequestsLookAndEndsAsHadoop()
            throws IOException
    {
        List<String> lines = Files.readAllLines(PROJECT.resolve("docker/Dockerfile")).stream()
                .map(String::strip).filter(line -> !line.isEmpty() && !line.startsWith("#")).toList();
        assertThat(lines).contains("ARG BASE_IMAGE=public.ecr.aws/emr-on-eks/spark/emr-7.12.0:latest", "FROM ${BASE_IMAGE}", "USER root",
                "ENV SPARK_JOBS_CONF_DIR=" + ImageLayout.CONF_DIR);
        assertThat(lines).anyMatch(line -> line.startsWith("COPY ") && line.endsWith(" " + ImageLayout.APPLICATION_JAR));
        assertThat(lines).anyMatch(line -> line.startsWith("COPY ") && line.endsWith(" " + ImageLayout.CONF_DIR + "/"));
        assertThat(lines.get(lines.size() - 1)).as("the last instruction").isEqualTo("USER hadoop:hadoop");
        assertThat(String.join("\n", lines)).contains("org.opencontainers.image.version=", "org.opencontainers.image.revision=", "org.opencontainers.image.source=");
        for (String mountedAtRunTime : List.of("/var/log/spark", "/mnt", "/tmp", "/home/hadoop")) {
            assertThat(lines).as("files under %s would be hidden by EMR's volumes", mountedAtRunTime)
                    .noneMatch(line -> line.startsWith("COPY ") && line.contains(" " + mountedAtRunTime));
        }
        String launcher = Files.readString(PROJECT.resolve("docker/spark-jobs"));
        assertThat(launcher).contains(ImageLayout.deltaJarsAsLocalUris(), ImageLayout.local(ImageLayout.APPLICATION_JAR), ImageLayout.MAIN_CLASS);
    }

    @Test
    void podTemplatesPutTheDriverOnDemandAndExecutorsOnSpotPreferringArm64()
            throws IOException
    {
        String driver = Files.readString(PROJECT.resolve("docker/pod-templates/" + DeploymentSettings.DRIVER_POD_TEMPLATE));
        String executor = Files.readString(PROJECT.resolve("docker/pod-templates/" + DeploymentSettings.EXECUTOR_POD_TEMPLATE));
        assertThat(driver).contains("- name: spark-kubernetes-driver", "key: karpenter.sh/capacity-type", "values: [\"on-demand\"]",
                "karpenter.sh/do-not-disrupt: \"true\"", "terminationGracePeriodSeconds:");
        assertThat(executor).contains("- name: spark-kubernetes-executor", "key: karpenter.sh/capacity-type", "values: [\"spot\"]",
                "terminationGracePeriodSeconds: 120");
        for (String template : List.of(driver, executor)) {
            assertThat(template).contains("values: [\"arm64\", \"amd64\"]", "preferredDuringSchedulingIgnoredDuringExecution", "values: [\"arm64\"]")
                    .doesNotContain("\t");
        }
    }
}
