package dev.sparkjobs.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import dev.sparkjobs.errors.ExitCode;
import dev.sparkjobs.errors.SparkJobsException;

class RejectsPolicyTest
{
    @Test
    void toleratesUpToTheShareAndFailsAboveItWithExitThree()
    {
        RejectsPolicy policy = new RejectsPolicy(0.05);
        assertThat(policy.tolerates(5, 100)).as("5 of 100 is exactly 5%").isTrue();
        assertThat(policy.tolerates(6, 100)).as("6 of 100 is above 5%").isFalse();
        assertThat(policy.tolerates(0, 0)).as("no rows").isTrue();
        policy.check("a-job", "input.rows", 5, 100);
        assertThatThrownBy(() -> policy.check("a-job", "input.rows", 6, 100))
                .isInstanceOfSatisfying(SparkJobsException.class, failure -> assertThat(failure.exitCode()).isEqualTo(ExitCode.CHECK_FAILED))
                .hasMessageContaining("6 of 100")
                .hasMessageContaining("rejects.max-fraction = 0.05")
                .hasMessageContaining("input.rows");
    }

    @Test
    void zeroToleratesNoRejectAndOneToleratesAll()
    {
        assertThat(new RejectsPolicy(0).tolerates(1, 1_000_000)).isFalse();
        assertThat(new RejectsPolicy(1).tolerates(10, 10)).isTrue();
    }

    @Test
    void aShareOutsideZeroToOneIsRefused()
    {
        assertThatThrownBy(() -> new RejectsPolicy(1.5)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1.5");
        assertThatThrownBy(() -> new RejectsPolicy(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    }
}
