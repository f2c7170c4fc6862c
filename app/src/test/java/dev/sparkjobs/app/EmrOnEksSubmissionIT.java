package dev.sparkjobs.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.sparkjobs.app.SparkJobsLauncher.Result;

/**
 * Every job's StartJobRun request, rendered by the real launcher for every environment with
 * deployment values, submitted exactly as the README says ({@code aws emr-containers start-job-run
 * --cli-input-json file://request.json}) to moto's EMR on EKS API: the AWS CLI's botocore
 * validates each request against the service model, and the run moto records is described back
 * with {@code aws emr-containers describe-job-run}.
 */
class EmrOnEksSubmissionIT
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DATE = "2024-09-30";
    private static final Set<String> ENVIRONMENTS_WITH_DEPLOYMENT = Set.of("dev", "prod");
    private static final Set<String> ENVIRONMENTS_WITHOUT_DEPLOYMENT = Set.of("local");

    @RegisterExtension
    static final MotoServer MOTO = new MotoServer();
    private static final boolean AWS_CLI_INSTALLED = AwsCli.installed();

    private static AwsCli aws;
    private static SparkJobsLauncher launcher;
    private static Path work;
    private static String virtualClusterId;

    @BeforeAll
    static void createVirtualCluster()
            throws IOException, InterruptedException
    {
        if (!MOTO.running() || !AWS_CLI_INSTALLED) {
            return;
        }
        work = Files.createDirectories(MOTO.folder().resolve("work"));
        aws = new AwsCli(MOTO.endpoint(), Files.createDirectories(MOTO.folder().resolve("aws")));
        launcher = new SparkJobsLauncher(Files.createDirectories(MOTO.folder().resolve("launcher")));
        JsonNode cluster = aws.call(work, "emr-containers", "create-virtual-cluster", "--name", "spark-jobs-it",
                "--container-provider", "{\"id\":\"spark-jobs-it-eks\",\"type\":\"EKS\",\"info\":{\"eksInfo\":{\"namespace\":\"spark-jobs-it\"}}}");
        virtualClusterId = cluster.get("id").asText();
        assertThat(virtualClusterId).as("moto's virtual cluster id").isNotBlank();
    }

    @BeforeEach
    void requireTheAwsCli()
    {
        assumeTrue(AWS_CLI_INSTALLED, "the AWS CLI (aws) is not installed, so the submission through it is not tested here; CI has it");
    }

    @Test
    void theEnvironmentsWithDeploymentValuesAreDevAndProd()
            throws IOException, InterruptedException
    {
        Set<String> environments = new TreeSet<>();
        try (Stream<Path> files = Files.list(SparkJobsLauncher.PROJECT.resolve("conf/env"))) {
            files.map(file -> file.getFileName().toString()).filter(name -> name.endsWith(".conf")).forEach(name -> environments.add(name.substring(0, name.length() - ".conf".length())));
        }
        Set<String> known = new TreeSet<>(ENVIRONMENTS_WITH_DEPLOYMENT);
        known.addAll(ENVIRONMENTS_WITHOUT_DEPLOYMENT);
        assertThat(environments).as("conf/env: a new environment belongs in ENVIRONMENTS_WITH_DEPLOYMENT or ENVIRONMENTS_WITHOUT_DEPLOYMENT of this test")
                .containsExactlyInAnyOrderElementsOf(known);

        for (String environment : ENVIRONMENTS_WITHOUT_DEPLOYMENT) {
            Result render = launcher.launch("render", "emr-on-eks", "smoke-test", "--date", DATE, "--env", environment);
            assertThat(render.exitCode()).as("render in %s, which has no deployment values: %s", environment, render.transcript()).isEqualTo(2);
            assertThat(render.err()).as(render.transcript()).contains("emr.virtual-cluster-id is not set").contains("conf/env/" + environment + ".conf");
        }
    }

    @TestFactory
    Stream<DynamicTest> everyJobsRequestIsAcceptedAndDescribedBackInEveryEnvironmentWithDeploymentValues()
            throws IOException, InterruptedException
    {
        List<String> jobs = launcher.jobs();
        assertThat(jobs).as("the jobs 'list' prints").contains("cost-analysis", "defect-image-stats", "similarity-scoring", "smoke-test");
        List<DynamicTest> submissions = new ArrayList<>();
        for (String environment : new TreeSet<>(ENVIRONMENTS_WITH_DEPLOYMENT)) {
            for (String job : jobs) {
                submissions.add(dynamicTest(job + " in " + environment, () -> submitAndDescribe(job, environment)));
            }
        }
        return submissions.stream();
    }

    private static void submitAndDescribe(String job, String environment)
            throws IOException, InterruptedException
    {
        Result render = launcher.launch("render", "emr-on-eks", job, "--date", DATE, "--env", environment, "--set", "emr.virtual-cluster-id=" + virtualClusterId);
        assertThat(render.exitCode()).as(render.transcript()).isZero();
        Path folder = Files.createDirectories(work.resolve(environment + "-" + job));
        Files.writeString(folder.resolve("request.json"), render.out());
        JsonNode request = JSON.readTree(render.out());
        assertThat(request.get("virtualClusterId").asText()).as("the request's virtual cluster (--set emr.virtual-cluster-id)").isEqualTo(virtualClusterId);

        JsonNode started = aws.call(folder, "emr-containers", "start-job-run", "--cli-input-json", "file://request.json");
        assertThat(started.get("virtualClusterId").asText()).as("start-job-run answer").isEqualTo(virtualClusterId);
        JsonNode run = aws.call(folder, "emr-containers", "describe-job-run", "--id", started.get("id").asText(), "--virtual-cluster-id", virtualClusterId).get("jobRun");

        String context = job + " in " + environment + ": " + run.toPrettyString();
        assertThat(run.get("name")).as("name of the run of %s", context).isEqualTo(request.get("name"));
        assertThat(run.get("releaseLabel")).as("release label of the run of %s", context).isEqualTo(request.get("releaseLabel"));
        assertThat(run.at("/jobDriver/sparkSubmitJobDriver/entryPoint")).as("entry point of the run of %s", context)
                .isEqualTo(request.at("/jobDriver/sparkSubmitJobDriver/entryPoint"));
        assertThat(run.at("/jobDriver/sparkSubmitJobDriver/entryPointArguments")).as("entry-point arguments of the run of %s", context)
                .isEqualTo(request.at("/jobDriver/sparkSubmitJobDriver/entryPointArguments"));
        assertThat(run.get("tags")).as("tags of the run of %s", context).isEqualTo(request.get("tags"));

        // what the README promises of every request
        assertThat(run.get("name").asText()).as("name of %s", context).isEqualTo(job + "-" + DATE);
        assertThat(strings(run.at("/jobDriver/sparkSubmitJobDriver/entryPointArguments"))).as("arguments of %s", context)
                .startsWith("run", job, "--date", DATE, "--env", environment);
        assertThat(run.at("/tags/job").asText()).as("job tag of %s", context).isEqualTo(job);
        assertThat(run.at("/tags/env").asText()).as("env tag of %s", context).isEqualTo(environment);
        assertThat(run.at("/tags/date").asText()).as("date tag of %s", context).isEqualTo(DATE);
    }

    private static List<String> strings(JsonNode array)
    {
        List<String> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asText()));
        return values;
    }
}
