package dev.sparkjobs.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.sparkjobs.app.SparkJobsLauncher.Result;

/**
 * The packaged application jar run the way users run it: bin/spark-jobs, which goes through the
 * real org.apache.spark.deploy.SparkSubmit with a local master and the provided jars. (The demo,
 * the README's first command, runs through it in AnalystsIT, which checks the lake it makes.)
 */
class LauncherIT
{
    @TempDir
    Path work;

    private Result launch(String... args)
            throws IOException, InterruptedException
    {
        return new SparkJobsLauncher(work).launch(args);
    }

    @Test
    void runsAJobThroughSparkSubmitAndExportsItsTable()
            throws Exception
    {
        Path lake = work.resolve("lake");
        Result run = launch("run", "smoke-test", "--date", "2024-09-30", "--set", "output.root=" + lake, "--set", "rows=100");
        assertThat(run.exitCode()).as(run.transcript()).isZero();
        assertThat(run.out()).as(run.transcript()).contains("smoke-test succeeded").contains("smoke_test").contains("run ledger:");
        assertThat(run.err()).as("no pages of Spark INFO lines").doesNotContain(" INFO ");

        Path csv = work.resolve("smoke.csv");
        Result export = launch("export", lake.resolve("smoke_test").toString(), "--format", "csv", "--out", csv.toString());
        assertThat(export.exitCode()).as(export.transcript()).isZero();
        List<String> lines = Files.readAllLines(csv);
        assertThat(lines).as("header and one row").hasSize(2);
        assertThat(lines.get(0)).isEqualTo("run_date,run_id,spark_version,numbers,total");
        assertThat(lines.get(1)).startsWith("2024-09-30,smoke-test-").endsWith(",100,5050");
    }

    @Test
    void usageErrorsExitWithTwo()
            throws Exception
    {
        Result badDate = launch("run", "smoke-test", "--date", "30/09/2024", "--set", "output.root=" + work.resolve("lake"));
        assertThat(badDate.exitCode()).as(badDate.transcript()).isEqualTo(2);
        assertThat(badDate.err()).contains("is not a calendar date");

        Result list = launch("list");
        assertThat(list.exitCode()).as(list.transcript()).isZero();
        assertThat(list.out()).contains("smoke-test");
    }
}
