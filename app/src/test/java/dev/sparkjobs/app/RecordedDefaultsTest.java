package dev.sparkjobs.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import dev.sparkjobs.api.ConfigKey;
import dev.sparkjobs.api.Job;
import dev.sparkjobs.internal.registry.JobRegistry;

/**
 * Every key of every job the application jar registers has its default pinned (the manner of
 * Trino's assertRecordedDefaults): in {@code src/test/resources/recorded-defaults/<job>.properties}
 * of the module that defines the job. A new key, a changed default or a new job without such a
 * file fails the build until the default is recorded there, where a reviewer sees it.
 */
class RecordedDefaultsTest
{
    private static final Path PROJECT = Path.of(System.getProperty("spark-jobs.conf.dir")).toAbsolutePath().getParent().normalize();

    @Test
    void everyJobsDefaultsAreRecorded()
            throws IOException
    {
        List<Job> jobs = List.copyOf(JobRegistry.load().jobs());
        assertThat(jobs).extracting(Job::name).as("the registered jobs").contains("cost-analysis", "defect-image-stats", "similarity-scoring", "smoke-test");
        for (Job job : jobs) {
            Path recorded = recordedDefaults(job.name());
            Map<String, String> actual = new TreeMap<>();
            for (ConfigKey<?> key : job.configKeys()) {
                actual.put(key.name(), key.formatDefault());
            }
            assertThat(actual).as("defaults of %s's keys, against %s (record a new or changed default there)", job.name(), PROJECT.relativize(recorded))
                    .isEqualTo(read(recorded));
        }
    }

    private static Path recordedDefaults(String job)
            throws IOException
    {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(PROJECT, 8)) {
            files = walk.filter(file -> file.endsWith(Path.of("src", "test", "resources", "recorded-defaults", job + ".properties")))
                    .filter(file -> !file.toString().contains("/target/"))
                    .toList();
        }
        assertThat(files).as("the file pinning the defaults of job %s: src/test/resources/recorded-defaults/%s.properties in the job's module", job, job)
                .hasSize(1);
        return files.get(0);
    }

    private static Map<String, String> read(Path file)
            throws IOException
    {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        }
        Map<String, String> recorded = new TreeMap<>();
        properties.forEach((key, value) -> recorded.put((String) key, (String) value));
        return recorded;
    }
}
