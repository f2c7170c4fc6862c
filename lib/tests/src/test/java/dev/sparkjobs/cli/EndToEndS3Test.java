package dev.sparkjobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dev.sparkjobs.testing.CliRun;
import dev.sparkjobs.testing.S3Proxy;
import dev.sparkjobs.testing.SharedS3;
import dev.sparkjobs.testing.SharedSpark;
import dev.sparkjobs.testing.TestFiles;

/** The CLI main, inputs on s3a:// and Delta output on s3a://, against a real S3 API server. */
@ExtendWith({SharedSpark.class, SharedS3.class})
class EndToEndS3Test
{
    @TempDir
    Path work;

    @Test
    void runReadsAndWritesS3(SparkSession spark, S3Proxy s3)
            throws Exception
    {
        String bucket = s3.createBucket("e2e");
        Path events = work.resolve("events");
        TestFiles.write(events.resolve("2024/09/part-1.csv"), List.of("event_date,account,amount", "2024-09-01,a,10.0", "2024-09-01,b,1.0"));
        TestFiles.write(events.resolve("2024/09/part-2.csv"), List.of("event_date,account,amount", "2024-09-01,a,5.5", "2024-09-02,c,7.0"));
        TestFiles.write(events.resolve("_SUCCESS"), List.of());
        s3.upload(events, bucket, "raw/events");

        String lake = "s3a://" + bucket + "/lake";
        List<String> settings = new ArrayList<>(s3.settings());
        settings.add("input.events=s3a://" + bucket + "/raw/events/");
        settings.add("output.root=" + lake);
        CliRun run = CliRun.withSettings(List.of("run", "daily-totals", "--date", "2024-09-01"), settings);
        assertThat(run.exitCode()).as(run.transcript()).isZero();
        assertThat(run.out()).doesNotContain(S3Proxy.secretKey());

        List<String> rows = spark.read().format("delta").load(lake + "/daily_totals").orderBy("account").collectAsList().stream()
                .map(row -> row.get(0) + " " + row.get(1) + " " + row.get(2) + " " + row.get(3)).toList();
        assertThat(rows).containsExactly("2024-09-01 a 15.5 2", "2024-09-01 b 1.0 1");
        assertThat(s3.keys(bucket, "lake/")).as("Delta logs written through the S3 API")
                .contains("lake/daily_totals/_delta_log/00000000000000000000.json", "lake/_runs/_delta_log/00000000000000000000.json");
        assertThat(spark.read().format("delta").load(lake + "/_runs").first().<String>getAs("status")).isEqualTo("SUCCEEDED");

        Path exported = work.resolve("daily.csv");
        List<String> exportArgs = new ArrayList<>(List.of("export", lake + "/daily_totals", "--format", "csv", "--out", exported.toString()));
        CliRun export = CliRun.withSettings(exportArgs, s3.settings());
        assertThat(export.exitCode()).as(export.transcript()).isZero();
        assertThat(Files.readAllLines(exported)).containsExactly("event_date,account,total,events", "2024-09-01,a,15.5,2", "2024-09-01,b,1.0,1");
    }

    @Test
    void wrongCredentialsAreAClearErrorNamingTheLake(SparkSession spark, S3Proxy s3)
    {
        String bucket = s3.createBucket("denied");
        Path events = TestFiles.write(work.resolve("events/a.csv"), List.of("event_date,account,amount", "2024-09-01,a,1.0"));
        List<String> settings = new ArrayList<>(s3.settings());
        settings.add("s3.secret-key=wrong-secret");
        settings.add("input.events=" + events.getParent());
        settings.add("output.root=s3a://" + bucket + "/lake");
        CliRun run = CliRun.withSettings(List.of("run", "daily-totals", "--date", "2024-09-01"), settings);
        assertThat(run.exitCode()).as(run.transcript()).isEqualTo(1);
        assertThat(run.err())
                .contains("Cannot start the run: writing the run ledger s3a://" + bucket + "/lake/_runs failed")
                .contains("The lake refused the credentials")
                .contains("s3.access-key/s3.secret-key")
                .doesNotContain("wrong-secret");
        assertThat(s3.keys(bucket, "lake/")).as("nothing written").isEmpty();
    }

    @Test
    void missingInputPrefixIsAClearError(SparkSession spark, S3Proxy s3)
    {
        String bucket = s3.createBucket("missing");
        List<String> settings = new ArrayList<>(s3.settings());
        settings.add("input.events=s3a://" + bucket + "/nothing/here/");
        settings.add("output.root=s3a://" + bucket + "/lake");
        CliRun run = CliRun.withSettings(List.of("run", "daily-totals", "--date", "2024-09-01"), settings);
        assertThat(run.exitCode()).as(run.transcript()).isEqualTo(2);
        assertThat(run.err()).contains("Cannot read input input.events: s3a://" + bucket + "/nothing/here does not exist. Check the value of input.events.");
    }
}
