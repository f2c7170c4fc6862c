package dev.sparkjobs.internal.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.sparkjobs.internal.registry.JobRegistry;

/**
 * examples/airflow without Airflow: the DAG and its helper compile with python3, the DAG uses the
 * Amazon provider's EmrContainerOperator with retries, and what it submits for a date equals what
 * 'render emr-on-eks' prints for that date, for every job of the registry the DAG runs.
 */
class AirflowDagTest
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ENV = "prod";
    private static final String PLACEHOLDER_DATE = "2000-01-01";
    private static final String DATE = "2024-05-06";
    /** The installation check is not scheduled (render-requests.sh skips it too). */
    private static final Set<String> NOT_SCHEDULED = Set.of("smoke-test");

    @TempDir
    Path folder;

    @Test
    void theDagAndItsHelperCompile()
    {
        String output = python(List.of("-m", "py_compile", dags().resolve("spark_jobs_daily.py").toString(), dags().resolve("spark_jobs_submission.py").toString()));
        assertThat(output).as("py_compile output").isEmpty();
    }

    @Test
    void theDagRunsEveryRenderedJobWithEmrContainerOperatorAndRetries()
            throws IOException
    {
        String script = """
                import ast, json, sys
                dag = ast.parse(open(sys.argv[1]).read())
                helper = ast.parse(open(sys.argv[2]).read())
                imports = {(node.module, alias.name) for node in ast.walk(dag) if isinstance(node, ast.ImportFrom) for alias in node.names}
                classes = {node.name: [ast.unparse(base) for base in node.bases] for node in ast.walk(dag) if isinstance(node, ast.ClassDef)}
                retries = [value.value for node in ast.walk(dag) if isinstance(node, ast.Dict)
                           for key, value in zip(node.keys, node.values)
                           if isinstance(key, ast.Constant) and key.value == "retries" and isinstance(value, ast.Constant)]
                helper_functions = sorted(node.name for node in helper.body if isinstance(node, ast.FunctionDef))
                used = sorted(alias for module, alias in imports if module == "spark_jobs_submission")
                print(json.dumps({"imports": sorted(f"{m}.{n}" for m, n in imports), "classes": classes, "retries": retries,
                                  "helper_functions": helper_functions, "used_helpers": used}))
                """;
        JsonNode facts = JSON.readTree(python(List.of("-c", script, dags().resolve("spark_jobs_daily.py").toString(), dags().resolve("spark_jobs_submission.py").toString())));
        assertThat(JSON.convertValue(facts.get("imports"), List.class)).contains("airflow.providers.amazon.aws.operators.emr.EmrContainerOperator");
        assertThat(JSON.convertValue(facts.get("classes"), Map.class)).containsEntry("SparkJobsRunOperator", List.of("EmrContainerOperator"));
        assertThat(facts.get("retries").get(0).asInt()).as("retries of the DAG's tasks").isPositive();
        assertThat(JSON.convertValue(facts.get("helper_functions"), List.class)).as("functions the DAG imports exist in the helper")
                .containsAll(JSON.convertValue(facts.get("used_helpers"), List.class));
    }

    @Test
    void whatTheDagSubmitsForADateIsWhatRenderPrintsForIt()
            throws IOException
    {
        Set<String> scheduled = new TreeSet<>(JobRegistry.load().names());
        scheduled.removeAll(NOT_SCHEDULED);
        assertThat(scheduled).as("jobs the DAG should run").isNotEmpty();
        // what render-requests.sh does: one request per job, rendered at build time for a placeholder date
        Path requests = Files.createDirectories(folder.resolve("spark_jobs_requests"));
        for (String job : scheduled) {
            Files.writeString(requests.resolve(job + ".json"), RenderEmrOnEksTest.render(job, PLACEHOLDER_DATE, ENV).toPrettyString());
        }
        String script = """
                import json, sys
                from pathlib import Path
                sys.path.insert(0, sys.argv[1])
                import spark_jobs_submission as submission
                result = {}
                for job, request in submission.load_requests(Path(sys.argv[2])).items():
                    result[job] = {
                        "template": submission.operator_arguments(job, request),
                        "rendered": submission.operator_arguments(job, request, sys.argv[3]),
                        "tags": submission.run_tags(job, request, sys.argv[3]),
                        "tokens": [submission.client_request_token(job, sys.argv[3], attempt) for attempt in (1, 2, 1)],
                    }
                print(json.dumps(result))
                """;
        JsonNode dag = JSON.readTree(python(List.of("-c", script, dags().toString(), requests.toString(), DATE)));
        assertThat(iterable(dag.fieldNames())).as("jobs in the DAG vs the registry").containsExactlyElementsOf(scheduled);

        for (String job : scheduled) {
            JsonNode expected = RenderEmrOnEksTest.render(job, DATE, ENV);
            JsonNode submitted = dag.get(job).get("rendered");
            assertThat(submitted.get("job_driver")).as("job_driver of %s", job).isEqualTo(expected.get("jobDriver"));
            assertThat(submitted.get("configuration_overrides")).as("configuration_overrides of %s", job).isEqualTo(expected.get("configurationOverrides"));
            assertThat(submitted.get("name").asText()).isEqualTo(expected.get("name").asText());
            assertThat(submitted.get("virtual_cluster_id").asText()).isEqualTo(expected.get("virtualClusterId").asText());
            assertThat(submitted.get("execution_role_arn").asText()).isEqualTo(expected.get("executionRoleArn").asText());
            assertThat(submitted.get("release_label").asText()).isEqualTo(expected.get("releaseLabel").asText());
            assertThat(submitted.get("job_retry_max_attempts").asInt()).isEqualTo(expected.at("/retryPolicyConfiguration/maxAttempts").asInt());
            assertThat(dag.get(job).get("tags")).as("tags of %s", job).isEqualTo(expected.get("tags"));

            JsonNode template = dag.get(job).get("template");
            assertThat(JSON.convertValue(template.at("/job_driver/sparkSubmitJobDriver/entryPointArguments"), List.class))
                    .as("the DAG's arguments, before Airflow renders them").containsSubsequence("--date", "{{ ds }}");
            assertThat(template.get("name").asText()).isEqualTo(job + "-{{ ds }}");
            assertThat(template.toString()).as("no build-time date left in the DAG's arguments").doesNotContain(PLACEHOLDER_DATE);

            List<String> tokens = JSON.convertValue(dag.get(job).get("tokens"), List.class);
            assertThat(tokens.get(0)).as("token of try 1").isEqualTo(tokens.get(2)).isNotEqualTo(tokens.get(1)).hasSizeBetween(1, 64);
        }
    }

    private static <T> List<T> iterable(java.util.Iterator<T> iterator)
    {
        List<T> values = new ArrayList<>();
        iterator.forEachRemaining(values::add);
        return values;
    }

    private String python(List<String> arguments)
    {
        List<String> command = new ArrayList<>(List.of("python3"));
        command.addAll(arguments);
        try {
            ProcessBuilder builder = new ProcessBuilder(command);
            builder.environment().put("PYTHONPYCACHEPREFIX", folder.resolve("pycache").toString());
            builder.environment().put("PYTHONDONTWRITEBYTECODE", "1");
            Process process = builder.start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String errors = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).as("python3 %s failed:\n%s%s", arguments.get(0), output, errors).isZero();
            return output.strip();
        }
        catch (IOException e) {
            throw new AssertionError("Cannot run python3 (needed to check the Airflow DAG): " + e.getMessage(), e);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static Path dags()
    {
        return RenderEmrOnEksTest.confDir().getParent().resolve("examples/airflow/dags");
    }
}
