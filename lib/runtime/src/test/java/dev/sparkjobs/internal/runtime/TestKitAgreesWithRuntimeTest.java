package dev.sparkjobs.internal.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.sparkjobs.api.JobConfig;
import dev.sparkjobs.internal.delta.logstore.LogStores;
import dev.sparkjobs.testing.S3Proxy;
import dev.sparkjobs.testing.SharedS3;
import dev.sparkjobs.testing.SharedSpark;

/** The test kit depends on no module of the project, so it names what a run sets: these are the runtime's. */
@ExtendWith(SharedS3.class)
class TestKitAgreesWithRuntimeTest
{
    @Test
    void theSharedSessionUsesTheLogStoresOfARun()
    {
        assertThat(SharedSpark.LOG_STORES).isEqualTo(LogStores.sparkProperties(LogStores.CONDITIONAL_PUT));
    }

    @Test
    void s3ProxysHadoopSettingsAreWhatARunMakesOfItsKeys(S3Proxy s3)
    {
        Map<String, String> keys = new HashMap<>();
        s3.settings().forEach(setting -> keys.put(setting.substring(0, setting.indexOf('=')), setting.substring(setting.indexOf('=') + 1)));
        Configuration configuration = new Configuration(false);
        SparkSessions.configureS3(configuration, new JobConfig(keys));
        Map<String, String> made = new TreeMap<>();
        configuration.forEach(entry -> made.put(entry.getKey(), entry.getValue()));
        assertThat(s3.hadoopSettings()).isEqualTo(made);
    }
}
