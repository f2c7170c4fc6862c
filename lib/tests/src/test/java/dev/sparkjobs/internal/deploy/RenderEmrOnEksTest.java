package dev.sparkjobs.internal.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

import dev.sparkjobs.internal.registry.JobRegistry;
import dev.sparkjobs.testing.CliRun;

/** 'render emr-on-eks' for every registered job and environment, checked against the AWS service model. */
class RenderEmrOnEksTest
{
    static final List<String> ENVIRONMENTS = List.of("dev", "prod");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final RequestValidator VALIDATOR = new RequestValidator(EmrContainersModel.MODEL);

    @Test
    void everyJobRendersAValidRequestInEveryEnvironment()
    {
        List<String> jobs = new ArrayList<>(JobRegistry.load().names());
        assertThat(jobs).as("registered jobs").isNotEmpty();
        for (String job : jobs) {
            for (String env : ENVIRONMENTS) {
                JsonNode request = render(job, "2024-09-30", env);
                assertThat(VALIDATOR.validate("StartJobRun", request)).as("violations of the request for %s in %s:\n%s", job, env, request.toPrettyString()).isEmpty();
                assertThat(JSON.convertValue(request.at("/jobDriver/sparkSubmitJobDriver/entryPointArguments"), List.class)).as("run arguments of %s", job)
                        .containsExactly("run", job, "--date", "2024-09-30", "--env", env);
            }
        }
    }

    @Test
    void environmentValuesComeFromTheEnvironmentFile()
    {
        // read with Typesafe Config directly, independently of the project's config loader
        Config prod = ConfigFactory.parseFile(confDir().resolve("env/prod.conf").toFile()).resolve();
        JsonNode request = render("smoke-test", "2024-09-30", "prod");
        assertThat(request.get("virtualClusterId").asText()).isEqualTo(prod.getString("emr.virtual-cluster-id"));
        assertThat(request.get("executionRoleArn").asText()).isEqualTo(prod.getString("emr.execution-role-arn"));
        assertThat(request.get("releaseLabel").asText()).isEqualTo("emr-7.12.0-latest");
        assertThat(request.at("/configurationOverrides/monitoringConfiguration/s3MonitoringConfiguration/logUri").asText()).isEqualTo(prod.getString("emr.log-uri"));
        assertThat(request.at("/configurationOverrides/monitoringConfiguration/cloudWatchMonitoringConfiguration/logGroupName").asText())
                .isEqualTo(prod.getString("emr.log-group"));
        JsonNode properties = request.at("/configurationOverrides/applicationConfiguration/0/properties");
        assertThat(request.at("/configurationOverrides/applicationConfiguration/0/classification").asText()).isEqualTo("spark-defaults");
        assertThat(properties.get("spark.kubernetes.container.image").asText()).isEqualTo(prod.getString("emr.image-uri"));
        assertThat(properties.get("spark.kubernetes.driver.podTemplateFile").asText()).isEqualTo(prod.getString("emr.pod-template-uri") + "driver.yaml");
        assertThat(properties.get("spark.kubernetes.executor.podTemplateFile").asText()).isEqualTo(prod.getString("emr.pod-template-uri") + "executor.yaml");
        assertThat(properties.get("spark.dynamicAllocation.maxExecutors").asText()).isEqualTo(String.valueOf(prod.getInt("emr.max-executors")));
        assertThat(properties.get("spark.executor.memory").asText()).as("a spark.* key of prod.conf").isEqualTo(prod.getString("spark.executor.memory"));
        assertThat(properties.get("spark.sql.session.timeZone").asText()).as("a spark.* key of application.conf").isEqualTo("UTC");
        assertThat(JSON.convertValue(properties, Map.class)).as("the deployment's Spark properties").containsAllEntriesOf(Map.of(
                "spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension",
                "spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog",
                "spark.dynamicAllocation.enabled", "true",
                "spark.dynamicAllocation.shuffleTracking.enabled", "true",
                "spark.decommission.enabled", "true",
                "spark.storage.decommission.enabled", "true",
                "spark.storage.decommission.shuffleBlocks.enabled", "true"));
        assertThat(request.at("/jobDriver/sparkSubmitJobDriver/entryPoint").asText()).isEqualTo("local:///opt/spark-jobs/spark-jobs.jar");
        assertThat(request.at("/jobDriver/sparkSubmitJobDriver/sparkSubmitParameters").asText()).isEqualTo(
                "--class dev.sparkjobs.cli.Main --jars local:///usr/share/aws/delta/lib/delta-spark.jar,local:///usr/share/aws/delta/lib/delta-storage.jar");
        assertThat(request.at("/configurationOverrides/monitoringConfiguration/persistentAppUI").asText()).isEqualTo("ENABLED");
        assertThat(request.at("/retryPolicyConfiguration/maxAttempts").asInt()).isEqualTo(2);
        assertThat(JSON.convertValue(request.get("tags"), Map.class)).isEqualTo(Map.of("app", "spark-jobs", "job", "smoke-test", "env", "prod", "date", "2024-09-30"));
        assertThat(request.get("name").asText()).isEqualTo("smoke-test-2024-09-30");
    }

    @Test
    void theClientTokenDependsOnJobAndDateOnly()
    {
        String token = render("smoke-test", "2024-09-30", "dev").get("clientToken").asText();
        assertThat(token).as("token length (ClientToken allows 64)").hasSizeBetween(1, 64);
        assertThat(render("smoke-test", "2024-09-30", "dev").get("clientToken").asText()).as("the same render again").isEqualTo(token);
        assertThat(render("smoke-test", "2024-09-30", "dev", "--set", "rows=5").get("clientToken").asText()).as("other settings, same run").isEqualTo(token);
        assertThat(render("smoke-test", "2024-10-01", "dev").get("clientToken").asText()).as("the next date").isNotEqualTo(token);
        assertThat(render("daily-totals", "2024-09-30", "dev").get("clientToken").asText()).as("another job").isNotEqualTo(token);
    }

    @Test
    void settingsArePassedToTheRunExceptDeploymentKeys()
    {
        JsonNode request = render("smoke-test", "2024-09-30", "dev", "--set", "rows=50", "--set", "spark.executor.memory=16g",
                "--set", "emr.max-executors=3");
        assertThat(JSON.convertValue(request.at("/jobDriver/sparkSubmitJobDriver/entryPointArguments"), List.class))
                .containsExactly("run", "smoke-test", "--date", "2024-09-30", "--env", "dev", "--set", "rows=50", "--set", "spark.executor.memory=16g");
        JsonNode properties = request.at("/configurationOverrides/applicationConfiguration/0/properties");
        assertThat(properties.get("spark.executor.memory").asText()).isEqualTo("16g");
        assertThat(properties.get("spark.dynamicAllocation.maxExecutors").asText()).isEqualTo("3");
    }

    @Test
    void aMissingEnvironmentValueIsAClearErrorNamingKeyAndFile()
    {
        CliRun run = CliRun.of("render", "emr-on-eks", "smoke-test", "--date", "2024-09-30", "--env", "local");
        assertThat(run.exitCode()).as(run.transcript()).isEqualTo(2);
        assertThat(run.out()).as("nothing rendered").isEmpty();
        assertThat(run.err())
                .contains("Cannot render a StartJobRun request for environment local:")
                .contains("emr.virtual-cluster-id is not set")
                .contains("emr.execution-role-arn is not set")
                .contains("emr.image-uri is not set")
                .contains("emr.log-uri is not set")
                .contains("emr.log-group is not set")
                .contains("emr.pod-template-uri is not set")
                .contains("in conf/env/local.conf");
    }

    @Test
    void aLogUriThatIsNotS3IsRejected()
    {
        CliRun run = CliRun.of("render", "emr-on-eks", "smoke-test", "--date", "2024-09-30", "--env", "dev", "--set", "emr.log-uri=/var/log/spark");
        assertThat(run.exitCode()).as(run.transcript()).isEqualTo(2);
        assertThat(run.err()).contains("emr.log-uri must be an s3:// URI").contains("got '/var/log/spark'").contains("conf/env/dev.conf");
    }

    @Test
    void aValueTheServiceWouldRejectIsRefusedBeforeAnythingIsPrinted()
    {
        CliRun run = CliRun.of("render", "emr-on-eks", "smoke-test", "--date", "2024-09-30", "--env", "dev",
                "--set", "emr.log-group=spark jobs logs", "--set", "emr.virtual-cluster-id=VC-1");
        assertThat(run.exitCode()).as(run.transcript()).isEqualTo(2);
        assertThat(run.out()).as("nothing rendered").isEmpty();
        assertThat(run.err())
                .contains("Cannot render a StartJobRun request for smoke-test in environment dev: the AWS EMR on EKS API would reject it")
                .contains("virtualClusterId")
                .contains("configurationOverrides.monitoringConfiguration.cloudWatchMonitoringConfiguration.logGroupName")
                .contains("Fix the emr.* values in conf/env/dev.conf");
    }

    @Test
    void badUsageExitsWithTwo()
    {
        CliRun badDate = CliRun.of("render", "emr-on-eks", "smoke-test", "--date", "30/09/2024");
        assertThat(badDate.exitCode()).as(badDate.transcript()).isEqualTo(2);
        assertThat(badDate.err()).contains("is not a calendar date");
        CliRun unknownJob = CliRun.of("render", "emr-on-eks", "smoke-tset", "--date", "2024-09-30");
        assertThat(unknownJob.exitCode()).as(unknownJob.transcript()).isEqualTo(2);
        assertThat(unknownJob.err()).contains("Unknown job 'smoke-tset'");
        CliRun unknownKey = CliRun.of("render", "emr-on-eks", "smoke-test", "--date", "2024-09-30", "--set", "emr.log-uir=s3://x/");
        assertThat(unknownKey.exitCode()).as(unknownKey.transcript()).isEqualTo(2);
        assertThat(unknownKey.err()).contains("Unknown key emr.log-uir").contains("did you mean emr.log-uri?");
    }

    @Test
    void anUnsetRequiredInputIsAWarning()
    {
        CliRun run = CliRun.of("render", "emr-on-eks", "daily-totals", "--date", "2024-09-30", "--env", "dev");
        assertThat(run.exitCode()).as(run.transcript()).isZero();
        assertThat(run.err()).contains("WARNING: input input.events of daily-totals is not set for environment dev");
        CliRun set = CliRun.of("render", "emr-on-eks", "daily-totals", "--date", "2024-09-30", "--env", "dev", "--set", "input.events=s3a://raw/events/");
        assertThat(set.err()).as(set.transcript()).doesNotContain("WARNING");
    }

    @Test
    void theDriverAndExecutorsGetTheVectorApiBeforeTheOptionsATeamConfigures()
    {
        JsonNode request = render("smoke-test", "2024-09-01", "prod");
        JsonNode properties = request.at("/configurationOverrides/applicationConfiguration/0/properties");
        assertThat(properties.get("spark.driver.extraJavaOptions").asText()).as("driver").isEqualTo("--add-modules=jdk.incubator.vector");
        assertThat(properties.get("spark.executor.extraJavaOptions").asText()).as("executors").isEqualTo("--add-modules=jdk.incubator.vector");

        JsonNode configured = render("smoke-test", "2024-09-01", "prod", "--set", "spark.executor.extraJavaOptions=-XX:+UseG1GC");
        assertThat(configured.at("/configurationOverrides/applicationConfiguration/0/properties/spark.executor.extraJavaOptions").asText())
                .as("a team's own executor options stay, after the module").isEqualTo("--add-modules=jdk.incubator.vector -XX:+UseG1GC");
    }

    @Test
    void aSecretGivenToRenderIsRefusedAndNeverPrinted()
    {
        CliRun run = CliRun.of("render", "emr-on-eks", "smoke-test", "--date", "2024-09-01", "--env", "prod", "--set", "s3.secret-key=SuperSecret123");
        assertThat(run.exitCode()).as(run.transcript()).isEqualTo(2);
        assertThat(run.out()).as("nothing printed on stdout").isEmpty();
        assertThat(run.err()).as(run.transcript())
                .contains("Cannot render a StartJobRun request: s3.secret-key holds a secret")
                .contains("DescribeJobRun")
                .contains("IRSA")
                .contains("conf/env/prod.conf (e.g. s3.secret-key = ${?S3_SECRET_KEY})")
                .doesNotContain("SuperSecret123");
        CliRun spark = CliRun.of("render", "emr-on-eks", "smoke-test", "--date", "2024-09-01", "--env", "prod",
                "--set", "spark.hadoop.fs.s3a.secret.key=SuperSecret123", "--set", "s3.access-key=AKIDEXAMPLE");
        assertThat(spark.exitCode()).as(spark.transcript()).isEqualTo(2);
        assertThat(spark.err()).as("every secret is named, spark.* ones too (they would become spark-defaults)")
                .contains("s3.access-key, spark.hadoop.fs.s3a.secret.key hold secrets")
                .doesNotContain("SuperSecret123").doesNotContain("AKIDEXAMPLE");
        CliRun empty = CliRun.of("render", "emr-on-eks", "smoke-test", "--date", "2024-09-01", "--env", "prod", "--set", "s3.secret-key=");
        assertThat(empty.exitCode()).as("an empty secret key carries nothing: " + empty.transcript()).isZero();
    }

    static JsonNode render(String job, String date, String env, String... extra)
    {
        List<String> arguments = new ArrayList<>(List.of("render", "emr-on-eks", job, "--date", date, "--env", env));
        arguments.addAll(List.of(extra));
        CliRun run = CliRun.of(arguments);
        assertThat(run.exitCode()).as(run.transcript()).isZero();
        try {
            return JSON.readTree(run.out());
        }
        catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new AssertionError("render printed no JSON: " + run.transcript(), e);
        }
    }

    static Path confDir()
    {
        return Path.of(System.getProperty("spark-jobs.conf.dir"));
    }
}
