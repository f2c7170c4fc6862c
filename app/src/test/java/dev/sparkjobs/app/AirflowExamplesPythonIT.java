package dev.sparkjobs.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Python tests of examples/airflow (the DAG's submission logic against moto's EMR on EKS API,
 * with boto3), run by {@code ./mvnw verify}: {@code python3 -m unittest discover -s
 * examples/airflow/tests -v}. Skipped where python3, boto3 or moto's server are missing.
 */
class AirflowExamplesPythonIT
{
    private static final List<String> COMMAND = List.of("python3", "-m", "unittest", "discover", "-s", "examples/airflow/tests", "-v");

    @TempDir
    Path work;

    @Test
    void thePythonTestsOfTheAirflowExamplesPass()
            throws IOException, InterruptedException
    {
        assumeTrue(CommandLineTool.runs("python3", "--version"), "python3 is not installed, so the Python tests of examples/airflow do not run here; CI has it");
        assumeTrue(CommandLineTool.runs("python3", "-c", "import boto3, moto"),
                "boto3 or moto is not installed for python3, so the Python tests of examples/airflow do not run here; CI has them");
        assumeTrue(CommandLineTool.runs("moto_server", "--help"), "moto_server is not installed, so the Python tests of examples/airflow do not run here; CI has it");

        Path output = work.resolve("unittest.txt");
        ProcessBuilder builder = new ProcessBuilder(COMMAND).directory(SparkJobsLauncher.PROJECT.toFile())
                .redirectErrorStream(true).redirectOutput(output.toFile());
        OfflineAws.apply(builder.environment(), work);
        // bytecode caches stay out of the source tree
        builder.environment().put("PYTHONDONTWRITEBYTECODE", "1");
        builder.environment().put("PYTHONPYCACHEPREFIX", work.resolve("pycache").toString());
        Process process = builder.start();
        try {
            assertThat(process.waitFor(10, TimeUnit.MINUTES)).as("%s finished", COMMAND).isTrue();
        }
        finally {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
        String transcript = String.join(" ", COMMAND) + " (exit " + process.exitValue() + "):\n" + Files.readString(output);
        assertThat(process.exitValue()).as(transcript).isZero();
        assertThat(transcript).as("tests ran, none skipped (this test checks for the tools first)").containsPattern("Ran [1-9][0-9]* tests").doesNotContain("skipped");
    }
}
