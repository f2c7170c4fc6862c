package dev.sparkjobs.internal.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.sparkjobs.api.ConfigKey;
import dev.sparkjobs.api.Job;
import dev.sparkjobs.api.JobContext;
import dev.sparkjobs.api.JobOutputs;
import dev.sparkjobs.api.TableSpec;
import dev.sparkjobs.errors.ExitCode;
import dev.sparkjobs.errors.SparkJobsException;
import dev.sparkjobs.internal.smoke.SmokeTestJob;
import dev.sparkjobs.testjobs.DailyTotalsJob;

class JobRegistryTest
{
    @Test
    void serviceLoaderFindsTheRegisteredJobs()
    {
        assertThat(JobRegistry.load().names()).as("jobs on the test classpath").containsExactly("daily-totals", "smoke-test");
    }

    @Test
    void unknownJobListsTheKnownOnesWithAHint()
    {
        JobRegistry registry = JobRegistry.of(List.of(new DailyTotalsJob(), new SmokeTestJob()));
        assertThatThrownBy(() -> registry.get("daily-total"))
                .isInstanceOf(SparkJobsException.class)
                .hasMessage("Unknown job 'daily-total' (did you mean daily-totals?). Known jobs: daily-totals, smoke-test ('spark-jobs list' describes them).")
                .extracting(error -> ((SparkJobsException) error).exitCode()).isEqualTo(ExitCode.USAGE);
    }

    @Test
    void emptyRegistryIsAnError()
    {
        assertThatThrownBy(() -> JobRegistry.of(List.of()))
                .isInstanceOf(SparkJobsException.class)
                .hasMessageContaining("no job is registered")
                .hasMessageContaining("META-INF/services/dev.sparkjobs.api.Job");
    }

    @Test
    void duplicateNameIsAnErrorNamingBothClasses()
    {
        assertThatThrownBy(() -> JobRegistry.of(List.of(new DailyTotalsJob(), new Impostor(DailyTotalsJob.NAME, List.of()))))
                .isInstanceOf(SparkJobsException.class)
                .hasMessageContaining("job name 'daily-totals' is registered by more than one class")
                .hasMessageContaining(DailyTotalsJob.class.getName())
                .hasMessageContaining(Impostor.class.getName());
    }

    @Test
    void keysCollidingWithFrameworkKeysAreRejected()
    {
        assertThatThrownBy(() -> JobRegistry.of(List.of(new Impostor("bad", List.of(ConfigKey.ofString("output.root", "", "clash"))))))
                .isInstanceOf(SparkJobsException.class)
                .hasMessageContaining("config key output.root collides with a framework key");
        assertThatThrownBy(() -> JobRegistry.of(List.of(new Impostor("Bad_Name", List.of()))))
                .hasMessageContaining("is not kebab-case");
    }

    private record Impostor(String name, List<ConfigKey<?>> configKeys)
            implements Job
    {
        @Override
        public String description()
        {
            return "impostor";
        }

        @Override
        public List<TableSpec> outputs()
        {
            return List.of();
        }

        @Override
        public JobOutputs run(JobContext context)
        {
            throw new UnsupportedOperationException();
        }
    }
}
