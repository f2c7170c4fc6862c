package dev.sparkjobs.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.sparkjobs.api.ConfigKey;
import dev.sparkjobs.api.JobConfig;
import dev.sparkjobs.errors.ExitCode;
import dev.sparkjobs.errors.SparkJobsException;
import dev.sparkjobs.internal.smoke.SmokeTestJob;
import dev.sparkjobs.testing.TestFiles;
import dev.sparkjobs.testjobs.DailyTotalsJob;

class ConfigLoaderTest
{
    @TempDir
    Path conf;

    @TempDir
    Path work;

    private ConfigLoader loader;

    @BeforeEach
    void writeConfTree()
    {
        TestFiles.write(conf.resolve("application.conf"), List.of(
                "output.root = \"from-application\"",
                "scope = all",
                "spark.sql.shuffle.partitions = 3",
                "jobs.daily-totals.repeat = 2",
                "jobs.daily-totals.input.events = \"s3a://application/events\""));
        TestFiles.write(conf.resolve("env/local.conf"), List.of(
                "output.root = \"from-env\"",
                "jobs { daily-totals { repeat = 3 } }"));
        TestFiles.write(conf.resolve("env/prod.conf"), List.of(
                "output.root = \"s3a://prod-lake\"",
                "home = ${?HOME}"));
        TestFiles.write(conf.resolve("jobs/daily-totals.conf"), List.of(
                "repeat = 4",
                "input.events.path = \"s3a://job-file/events\""));
        loader = new ConfigLoader(new ConfigSource.Directory(conf), List.of(new DailyTotalsJob(), new SmokeTestJob()));
    }

    private JobConfig load(String env, Optional<Path> confFile, String... settings)
    {
        return loader.load(new ConfigLoader.Request(DailyTotalsJob.NAME, env, confFile, List.of(settings)));
    }

    @Test
    void laterLayersWinKeyByKey()
    {
        JobConfig config = load("local", Optional.empty());
        assertThat(config.raw("output.root")).as("env overrides application").contains("from-env");
        assertThat(config.raw("scope")).as("application overrides the default").contains("all");
        assertThat(config.raw("spark.sql.shuffle.partitions")).as("spark.* passes through").contains("3");
        assertThat(config.raw("repeat")).as("conf/jobs/<job>.conf overrides the env's jobs section").contains("4");
        assertThat(config.raw("input.events")).as("input.events.path is the file spelling of input.events").contains("s3a://job-file/events");
        assertThat(config.raw("checks.sample-rows")).as("untouched keys keep their default").contains("5");

        Path file = TestFiles.write(work.resolve("run.conf"), List.of("repeat = 5", "output.root = \"from-conf-file\""));
        JobConfig withFile = load("local", Optional.of(file));
        assertThat(withFile.raw("repeat")).as("--conf overrides conf/jobs").contains("5");
        assertThat(withFile.raw("output.root")).contains("from-conf-file");

        JobConfig withSet = load("local", Optional.of(file), "repeat=6", "output.root=s3a://b/lake", "spark.executor.memory=2g");
        assertThat(withSet.raw("repeat")).as("--set overrides everything").contains("6");
        assertThat(withSet.raw("output.root")).contains("s3a://b/lake");
        assertThat(withSet.raw("spark.executor.memory")).contains("2g");
    }

    @Test
    void anInputAndItsOptionCanBothBeSet()
    {
        JobConfig config = load("local", Optional.empty(), "input.events=s3a://a/b", "input.events.path=s3a://c/d");
        assertThat(config.raw("input.events")).as("the later --set wins; .path is the same key").contains("s3a://c/d");
    }

    @Test
    void environmentVariablesAreSubstituted()
    {
        assertThat(System.getenv("HOME")).as("this test needs HOME").isNotBlank();
        SparkJobsException error = configError(() -> load("prod", Optional.empty()));
        assertThat(error.getMessage()).as("the substituted key is still checked").contains("Unknown key home");

        TestFiles.write(conf.resolve("env/prod.conf"), List.of("output.root = ${?HOME}"));
        assertThat(load("prod", Optional.empty()).raw("output.root")).contains(System.getenv("HOME"));
        TestFiles.write(conf.resolve("env/prod.conf"), List.of("output.root = \"kept\"", "output.root = ${?SPARK_JOBS_SURELY_UNSET_VARIABLE}"));
        assertThat(load("prod", Optional.empty()).raw("output.root")).as("an unset ${?VAR} leaves the value").contains("kept");
    }

    @Test
    void unknownKeyInSetIsAnErrorWithAHint()
    {
        SparkJobsException error = configError(() -> load("local", Optional.empty(), "repeet=2"));
        assertThat(error.getMessage())
                .contains("Unknown key repeet (--set repeet)")
                .contains("did you mean repeat?")
                .contains("spark-jobs describe daily-totals");
    }

    @Test
    void unknownKeysInFilesNameTheFileAndLine()
    {
        TestFiles.write(conf.resolve("env/local.conf"), List.of("outptu.root = x", "jobs.daily-totals.inptu.events = y", "jobs.daly-totals.repeat = 1"));
        SparkJobsException error = configError(() -> load("local", Optional.empty()));
        assertThat(error.getMessage())
                .contains("Unknown key outptu.root (" + conf.resolve("env/local.conf") + ":1) (did you mean output.root?)")
                .contains("Unknown key inptu.events (" + conf.resolve("env/local.conf") + ":2) (did you mean input.events?)")
                .contains("Unknown job 'daly-totals' in section jobs (" + conf.resolve("env/local.conf") + ":3) (did you mean daily-totals?)");
    }

    @Test
    void badTypesAreErrors()
    {
        SparkJobsException error = configError(() -> load("local", Optional.empty(), "repeat=many", "scope=week", "checks.sample-rows=-1"));
        assertThat(error.getMessage())
                .contains("Invalid value for repeat (--set repeat): expected integer but got 'many'")
                .contains("Invalid value for scope (--set scope): expected one of date|all but got 'week'")
                .contains("Invalid value for checks.sample-rows (--set checks.sample-rows): expected integer, between 0 and 1000 but got '-1'");
    }

    @Test
    void settingWithoutEqualsIsAnError()
    {
        SparkJobsException error = configError(() -> load("local", Optional.empty(), "repeat"));
        assertThat(error.getMessage()).contains("Cannot apply --set 'repeat': it has no '='. Use --set key=value");
    }

    @Test
    void unknownEnvironmentListsTheKnownOnes()
    {
        SparkJobsException error = configError(() -> load("staging", Optional.empty()));
        assertThat(error.getMessage()).contains("Unknown environment 'staging'").contains("Available environments: local, prod");
    }

    @Test
    void missingConfFileAndBadSyntaxAreErrors()
    {
        assertThat(configError(() -> load("local", Optional.of(work.resolve("nope.conf")))).getMessage())
                .contains("file " + work.resolve("nope.conf") + " does not exist");
        Path broken = TestFiles.write(work.resolve("broken.conf"), List.of("repeat = {"));
        assertThat(configError(() -> load("local", Optional.of(broken))).getMessage())
                .contains("Cannot read configuration " + broken)
                .contains("Fix the HOCON syntax");
    }

    @Test
    void frameworkOnlyLoadRejectsJobKeys()
    {
        assertThat(loader.loadFramework("local", List.of("s3.endpoint=http://x")).raw("s3.endpoint")).contains("http://x");
        assertThat(configError(() -> loader.loadFramework("local", List.of("repeat=1"))).getMessage())
                .contains("Unknown key repeat").contains("only framework keys apply here");
    }

    @Test
    void secretsAreRedacted()
    {
        JobConfig config = load("local", Optional.empty(), "source.api-token=hunter2", "s3.secret-key=abc", "s3.access-key=AKIA123");
        assertThat(config.redacted())
                .containsEntry("source.api-token", "***")
                .containsEntry("s3.secret-key", "***")
                .containsEntry("s3.access-key", "***")
                .containsEntry("repeat", "4");
        assertThat(config.toString()).doesNotContain("hunter2").doesNotContain("abc").doesNotContain("AKIA123");
        assertThat(config.unredacted()).containsEntry("source.api-token", "hunter2");
        assertThat(load("local", Optional.empty(), "spark.hadoop.fs.s3a.access.key=AKIA999").redacted())
                .as("Spark-style secret names are redacted too").containsEntry("spark.hadoop.fs.s3a.access.key", "***");
    }

    @Test
    void invalidSecretValuesAreNotEchoed()
    {
        ConfigKey<Integer> secret = ConfigKey.ofInteger("vault.token", 0, "a numeric token");
        assertThat(secret.problemWith("s3cr3t")).contains("expected integer but got '***'");
        assertThat(ConfigKey.ofInteger("retries", 0, "n").problemWith("many")).contains("expected integer but got 'many'");
    }

    private static SparkJobsException configError(Runnable action)
    {
        try {
            action.run();
        }
        catch (SparkJobsException e) {
            assertThat(e.exitCode()).as("config errors exit with 2: %s", e.getMessage()).isEqualTo(ExitCode.USAGE);
            return e;
        }
        throw new AssertionError("expected a configuration error");
    }

    @Test
    void configErrorHelperFailsWithoutError()
    {
        assertThatThrownBy(() -> configError(() -> {})).isInstanceOf(AssertionError.class);
    }
}
