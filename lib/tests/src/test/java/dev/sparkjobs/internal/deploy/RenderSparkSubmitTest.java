package dev.sparkjobs.internal.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.sparkjobs.testing.CliRun;

/** 'render spark-submit': the same run as the StartJobRun request, as a command line bash reads back exactly. */
class RenderSparkSubmitTest
{
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theKubernetesCommandCarriesTheSameRunAndPropertiesAsTheStartJobRunRequest()
    {
        List<String> command = renderAndParseWithBash("smoke-test", "2024-09-30", "prod", List.of("--set", "rows=7"));
        JsonNode request = RenderEmrOnEksTest.render("smoke-test", "2024-09-30", "prod", "--set", "rows=7");

        assertThat(command.subList(0, 5)).containsExactly("/usr/lib/spark/bin/spark-submit",
                "--master", "k8s://https://FEDCBA9876543210FEDCBA9876543210.gr7.eu-west-1.eks.amazonaws.com", "--deploy-mode", "cluster");
        int jar = command.indexOf("local:///opt/spark-jobs/spark-jobs.jar");
        assertThat(jar).as("position of the application jar in %s", command).isPositive();
        assertThat(command.subList(jar + 1, command.size())).as("run arguments")
                .isEqualTo(JSON.convertValue(request.at("/jobDriver/sparkSubmitJobDriver/entryPointArguments"), List.class));
        Map<String, String> options = options(command.subList(1, jar));
        assertThat(options).containsEntry("--class", "dev.sparkjobs.cli.Main")
                .containsEntry("--name", "smoke-test-2024-09-30")
                .containsEntry("--jars", "local:///usr/share/aws/delta/lib/delta-spark.jar,local:///usr/share/aws/delta/lib/delta-storage.jar");
        Map<String, String> conf = conf(command.subList(1, jar));
        Map<String, String> expected = new LinkedHashMap<>(JSON.convertValue(request.at("/configurationOverrides/applicationConfiguration/0/properties"), Map.class));
        expected.put("spark.kubernetes.namespace", "spark-jobs-prod");
        expected.put("spark.kubernetes.authenticate.driver.serviceAccountName", "spark-jobs");
        assertThat(conf).as("--conf of spark-submit vs spark-defaults of the request").isEqualTo(expected);
    }

    @Test
    void theLocalCommandUsesTheImagePathsAndNoKubernetesProperties()
    {
        List<String> command = renderAndParseWithBash("smoke-test", "2024-09-30", "local", List.of("--master", "local[2]", "--set", "output.root=/tmp/it's here"));
        assertThat(command.subList(0, 5)).containsExactly("/usr/lib/spark/bin/spark-submit", "--master", "local[2]", "--deploy-mode", "client");
        int jar = command.indexOf("local:///opt/spark-jobs/spark-jobs.jar");
        assertThat(command.subList(jar + 1, command.size())).as("arguments, the quote survives the shell")
                .containsExactly("run", "smoke-test", "--date", "2024-09-30", "--env", "local", "--set", "output.root=/tmp/it's here");
        Map<String, String> conf = conf(command.subList(1, jar));
        assertThat(conf).containsEntry("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
                .containsEntry("spark.sql.shuffle.partitions", "8");
        assertThat(conf.keySet()).as("no Kubernetes or dynamic allocation settings for a local master")
                .noneMatch(key -> key.startsWith("spark.kubernetes.") || key.startsWith("spark.dynamicAllocation."));
    }

    @Test
    void kubernetesNeedsTheApiServer()
    {
        CliRun run = CliRun.of("render", "spark-submit", "smoke-test", "--date", "2024-09-30", "--env", "local");
        assertThat(run.exitCode()).as(run.transcript()).isEqualTo(2);
        assertThat(run.err()).contains("emr.kubernetes-api-url is not set").contains("conf/env/local.conf");
        CliRun given = CliRun.of("render", "spark-submit", "smoke-test", "--date", "2024-09-30", "--env", "dev", "--master", "k8s://https://10.0.0.1:6443");
        assertThat(given.exitCode()).as(given.transcript()).isZero();
        assertThat(given.out()).contains("--master k8s://https://10.0.0.1:6443 \\\n");
        CliRun badMaster = CliRun.of("render", "spark-submit", "smoke-test", "--date", "2024-09-30", "--master", "yarn");
        assertThat(badMaster.exitCode()).as(badMaster.transcript()).isEqualTo(2);
        assertThat(badMaster.err()).contains("--master 'yarn' is neither local[N] nor k8s://");
    }

    @Test
    void aSecretIsNeverPutOnACommandLine()
    {
        for (List<String> target : List.of(List.of("--env", "prod"), List.of("--env", "local", "--master", "local[2]"))) {
            List<String> arguments = new ArrayList<>(List.of("render", "spark-submit", "smoke-test", "--date", "2024-09-01"));
            arguments.addAll(target);
            arguments.addAll(List.of("--set", "s3.secret-key=SuperSecret123"));
            CliRun run = CliRun.of(arguments);
            assertThat(run.exitCode()).as(run.transcript()).isEqualTo(2);
            assertThat(run.out()).as("nothing printed on stdout for %s", target).isEmpty();
            assertThat(run.err()).as(run.transcript())
                    .contains("Cannot render a spark-submit command: s3.secret-key holds a secret")
                    .contains("conf/env/" + target.get(1) + ".conf")
                    .doesNotContain("SuperSecret123");
        }
    }

    @Test
    void quotingLeavesSafeWordsAloneAndQuotesTheRest()
    {
        assertThat(SparkSubmitRenderer.quote("spark.executor.memory=8g")).isEqualTo("spark.executor.memory=8g");
        assertThat(SparkSubmitRenderer.quote("local[2]")).as("a glob pattern").isEqualTo("'local[2]'");
        assertThat(SparkSubmitRenderer.quote("it's")).isEqualTo("'it'\\''s'");
    }

    /** Renders, then lets bash split the printed command: printf prints each argument bash sees on its own line. */
    private static List<String> renderAndParseWithBash(String job, String date, String env, List<String> extra)
    {
        List<String> arguments = new ArrayList<>(List.of("render", "spark-submit", job, "--date", date, "--env", env));
        arguments.addAll(extra);
        CliRun run = CliRun.of(arguments);
        assertThat(run.exitCode()).as(run.transcript()).isZero();
        String rendered = run.out().strip();
        assertThat(rendered).startsWith("/usr/lib/spark/bin/spark-submit \\\n  --master ");
        try {
            Process bash = new ProcessBuilder("bash", "-c", "printf '%s\\0' " + rendered).redirectErrorStream(true).start();
            String output = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(bash.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(bash.exitValue()).as(output).isZero();
            return List.of(output.substring(0, output.length() - 1).split("\0", -1));
        }
        catch (IOException e) {
            throw new AssertionError("cannot run bash", e);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static Map<String, String> options(List<String> options)
    {
        Map<String, String> values = new LinkedHashMap<>();
        for (int index = 0; index + 1 < options.size(); index += 2) {
            if (!options.get(index).equals("--conf")) {
                values.put(options.get(index), options.get(index + 1));
            }
        }
        return values;
    }

    private static Map<String, String> conf(List<String> options)
    {
        Map<String, String> values = new LinkedHashMap<>();
        for (int index = 0; index + 1 < options.size(); index += 2) {
            if (options.get(index).equals("--conf")) {
                String setting = options.get(index + 1);
                values.put(setting.substring(0, setting.indexOf('=')), setting.substring(setting.indexOf('=') + 1));
            }
        }
        return values;
    }
}
