package dev.sparkjobs.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.sparkjobs.api.ConfigKey;
import dev.sparkjobs.api.JobConfig;

/** Pins every framework default: changing one is a decision, made here on purpose. */
class FrameworkKeysTest
{
    @Test
    void defaultsArePinned()
    {
        Map<String, String> defaults = new LinkedHashMap<>();
        FrameworkKeys.ALL.forEach(key -> defaults.put(key.name(), key.formatDefault()));
        assertThat(defaults).containsExactly(
                Map.entry("output.root", "lake"),
                Map.entry("scope", "date"),
                Map.entry("s3.endpoint", ""),
                Map.entry("s3.region", ""),
                Map.entry("s3.path-style-access", "false"),
                Map.entry("s3.credentials-provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider,"
                        + "org.apache.hadoop.fs.s3a.TemporaryAWSCredentialsProvider,"
                        + "software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider,"
                        + "software.amazon.awssdk.auth.credentials.WebIdentityTokenFileCredentialsProvider,"
                        + "org.apache.hadoop.fs.s3a.auth.IAMInstanceCredentialsProvider"),
                Map.entry("s3.access-key", ""),
                Map.entry("s3.secret-key", ""),
                Map.entry("delta.log-store", "conditional-put"),
                Map.entry("checks.sample-rows", "5"),
                Map.entry("stage.parallelism", "3"),
                Map.entry("publish.parallelism", "3"),
                Map.entry("stage.parallel-tables", "3"),
                Map.entry("publish.optimize", "false"),
                Map.entry("ledger.abandon-after-seconds", "600"),
                Map.entry("emr.virtual-cluster-id", ""),
                Map.entry("emr.execution-role-arn", ""),
                Map.entry("emr.release-label", "emr-7.12.0-latest"),
                Map.entry("emr.image-uri", ""),
                Map.entry("emr.log-uri", ""),
                Map.entry("emr.log-group", ""),
                Map.entry("emr.pod-template-uri", ""),
                Map.entry("emr.max-attempts", "2"),
                Map.entry("emr.max-executors", "20"),
                Map.entry("emr.kubernetes-api-url", ""),
                Map.entry("emr.kubernetes-namespace", "spark-jobs"),
                Map.entry("emr.kubernetes-service-account", "spark-jobs"));
    }

    @Test
    void everyKeyHasADescriptionAndSecretsAreMarked()
    {
        for (ConfigKey<?> key : FrameworkKeys.ALL) {
            assertThat(key.description()).as("description of %s", key.name()).isNotBlank();
        }
        assertThat(FrameworkKeys.S3_SECRET_KEY.isSecret()).isTrue();
        assertThat(FrameworkKeys.S3_ACCESS_KEY.isSecret()).isTrue();
        assertThat(FrameworkKeys.S3_ENDPOINT.isSecret()).isFalse();
        assertThat(ConfigKey.isSecretName("db.password")).isTrue();
        assertThat(ConfigKey.isSecretName("github.token")).isTrue();
    }

    @Test
    void suggestionsFindCloseNamesOnly()
    {
        assertThat(Suggestions.closest("output.rot", java.util.List.of("output.root", "scope"))).contains("output.root");
        assertThat(Suggestions.closest("zzzzzz", java.util.List.of("output.root", "scope"))).isEmpty();
        assertThat(Suggestions.distance("kitten", "sitting")).isEqualTo(3);
    }

    @Test
    void theDeprecatedParallelTablesKeyStillSetsBothParallelismsWithAWarning()
    {
        List<String> warnings = new ArrayList<>();
        JobConfig old = new JobConfig(Map.of("stage.parallel-tables", "1"));
        assertThat(FrameworkKeys.parallelism(old, FrameworkKeys.STAGE_PARALLELISM, warnings)).as("computed and checked at once").isEqualTo(1);
        assertThat(FrameworkKeys.parallelism(old, FrameworkKeys.PUBLISH_PARALLELISM, warnings)).as("committed at once").isEqualTo(1);
        assertThat(warnings).as("one warning for the run").singleElement().asString()
                .contains("stage.parallel-tables is deprecated").contains("stage.parallelism").contains("publish.parallelism");

        List<String> none = new ArrayList<>();
        JobConfig both = new JobConfig(Map.of("stage.parallel-tables", "1", "stage.parallelism", "2"));
        assertThat(FrameworkKeys.parallelism(both, FrameworkKeys.STAGE_PARALLELISM, none)).as("the new key wins").isEqualTo(2);
        assertThat(FrameworkKeys.parallelism(new JobConfig(Map.of()), FrameworkKeys.PUBLISH_PARALLELISM, none)).as("default").isEqualTo(3);
        assertThat(none).as("no warning without the old key taking effect").isEmpty();
    }
}
