package dev.sparkjobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.sparkjobs.testing.CliRun;

/** Commands and usage errors that do not start Spark. */
class CliTest
{
    @Test
    void listPrintsEveryJobWithItsDescription()
    {
        CliRun run = CliRun.of("list");
        assertThat(run.exitCode()).as(run.transcript()).isZero();
        assertThat(run.out().lines().toList()).as(run.transcript()).containsExactly(
                "daily-totals  Test job: daily totals per account",
                "smoke-test    Installation check: sums 1..rows on the executors and publishes one row per date to Delta");
    }

    @Test
    void describePrintsInputsTablesColumnsChecksAndKeys()
    {
        CliRun run = CliRun.of("describe", "daily-totals");
        assertThat(run.exitCode()).as(run.transcript()).isZero();
        assertThat(run.out())
                .contains("input.events")
                .contains("required")
                .contains("daily_totals: Amount per account and day")
                .contains("partitioned by: event_date; published by: replace-partition on event_date (day of --date)")
                .contains("account_totals: Latest day and total per account")
                .contains("published by: merge on account")
                .containsPattern("total +double +Sum of amounts")
                .contains("check unique_key(event_date, account) [error]")
                .containsPattern("repeat += 1 +Copies of each event")
                .containsPattern("output.root += lake")
                .containsPattern("s3.secret-key += \"\"");
    }

    @Test
    void describeNeverPrintsSecretDefaults()
    {
        assertThat(dev.sparkjobs.api.ConfigKey.ofString("x.password", "s3cr3t", "a secret").isSecret()).isTrue();
        CliRun run = CliRun.of("describe", "daily-totals");
        assertThat(run.out()).containsPattern("source.api-token += \"\"");
    }

    @Test
    void badDateExitsWithTwoAndSaysHowToFixIt()
    {
        CliRun run = CliRun.of("run", "daily-totals", "--date", "2024-13-01", "--set", "input.events=/nowhere");
        assertThat(run.exitCode()).as(run.transcript()).isEqualTo(2);
        assertThat(run.err()).contains("--date '2024-13-01' is not a calendar date. Use the form YYYY-MM-DD");
    }

    @Test
    void aDateThatIsNotOnTheCalendarExitsWithTwo()
    {
        CliRun run = CliRun.of("run", "daily-totals", "--date", "2024-02-30", "--set", "input.events=/nowhere");
        assertThat(run.exitCode()).as(run.transcript()).isEqualTo(2);
        assertThat(run.err()).contains("Cannot run: --date '2024-02-30' is not a calendar date. Use the form YYYY-MM-DD, e.g. --date 2024-09-30.");
    }

    @Test
    void aConfFileThatDoesNotExistExitsWithTwoAndNamesIt()
    {
        CliRun run = CliRun.of("run", "daily-totals", "--date", "2024-09-30", "--conf", "/nowhere/job.conf");
        assertThat(run.exitCode()).as(run.transcript()).isEqualTo(2);
        assertThat(run.err()).contains("Cannot read configuration: file /nowhere/job.conf does not exist. Check the path given to --conf.");
    }

    @Test
    void unknownJobExitsWithTwo()
    {
        CliRun run = CliRun.of("run", "nope", "--date", "2024-01-01");
        assertThat(run.exitCode()).as(run.transcript()).isEqualTo(2);
        assertThat(run.err()).contains("Unknown job 'nope'").contains("Known jobs: daily-totals, smoke-test");
    }

    @Test
    void unknownKeyExitsWithTwoBeforeSparkStarts()
    {
        CliRun run = CliRun.of("run", "daily-totals", "--date", "2024-01-01", "--set", "input.event=/x");
        assertThat(run.exitCode()).as(run.transcript()).isEqualTo(2);
        assertThat(run.err()).contains("Unknown key input.event (--set input.event) (did you mean input.events?)");
    }

    @Test
    void missingRequiredInputExitsWithTwo()
    {
        CliRun run = CliRun.of("run", "daily-totals", "--date", "2024-01-01");
        assertThat(run.exitCode()).as(run.transcript()).isEqualTo(2);
        assertThat(run.err()).contains("input input.events is not set").contains("--set input.events=s3a://bucket/prefix/");
    }

    @Test
    void missingOptionAndUnknownCommandAreUsageErrors()
    {
        assertThat(CliRun.of("run", "daily-totals").exitCode()).as("--date is required").isEqualTo(2);
        assertThat(CliRun.of("frobnicate").exitCode()).isEqualTo(2);
        CliRun export = CliRun.of("export", "/tmp/x", "--format", "xml", "--out", "/tmp/y");
        assertThat(export.exitCode()).as(export.transcript()).isEqualTo(2);
        assertThat(export.err()).contains("--format 'xml' is not supported. Use --format csv or --format json.");
    }
}
