package dev.sparkjobs.similarity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import dev.sparkjobs.errors.ExitCode;
import dev.sparkjobs.errors.SparkJobsException;
import dev.sparkjobs.testing.CliRun;

/** How the IVF index is sized from the settings: lists, cells and coarse probes as the input grows. */
class AnnSettingsTest
{
    @Test
    void automaticCoarseProbesAreAQuarterOfTheCellsAndAtLeastEight()
    {
        AnnSettings automatic = AnnSettings.defaults(128, 8, 0);
        assertThat(automatic.coarseProbesFor(10)).as("10 cells: at least 8").isEqualTo(8);
        assertThat(automatic.coarseProbesFor(34)).as("34 cells: ceil(34 / 4)").isEqualTo(9);
        assertThat(automatic.coarseProbesFor(76)).as("76 cells: 76 / 4").isEqualTo(19);
        assertThat(AnnSettings.defaults(128, 8, 5).coarseProbesFor(76)).as("configured").isEqualTo(5);
    }

    @Test
    void defaultListsKeepAboutListSizeVectorsPerListInSqrtCells()
    {
        AnnSettings defaults = AnnSettings.defaults(128, 8, 4);
        // 149,700 / 128 = 1,169.5 -> 1,170 lists; sqrt(1,170) = 34.2 -> 34 cells
        assertThat(defaults.listsFor(149_700)).isEqualTo(1170);
        assertThat(AnnSettings.cellsFor(1170)).isEqualTo(34);
        // 750,000 / 128 = 5,859.4 -> 5,859 lists; sqrt = 76.5 -> 77 cells
        assertThat(defaults.listsFor(750_000)).isEqualTo(5859);
        assertThat(AnnSettings.cellsFor(5859)).isEqualTo(77);
        // fewer genuine listings than a list: one list, one cell
        assertThat(defaults.listsFor(100)).as("100 / 128 rounds to 1").isEqualTo(1);
        assertThat(defaults.listsFor(0)).as("at least one list").isEqualTo(1);
        assertThat(AnnSettings.cellsFor(1)).isEqualTo(1);
        // a configured number wins, but never more lists than vectors
        AnnSettings configured = new AnnSettings(10, 40, 128, 8, 4, 5000, 32, 3, "random", 42, 500, 0.95);
        assertThat(configured.listsFor(1_000_000)).isEqualTo(40);
        assertThat(configured.listsFor(3)).isEqualTo(3);
    }

    @Test
    void moreProbesThanConfiguredListsIsAUsageErrorThatSaysWhatToSet()
    {
        assertThatThrownBy(() -> new AnnSettings(10, 4, 128, 8, 4, 5000, 32, 3, "random", 42, 500, 0.95))
                .isInstanceOfSatisfying(SparkJobsException.class, error -> assertThat(error.exitCode()).isEqualTo(ExitCode.USAGE))
                .hasMessage("Cannot run similarity-scoring: its configuration contradicts itself: ann.probes (8) is more than ann.lists (4): a query "
                        + "cannot search more lists than the index has; set ann.probes to at most 4, or raise ann.lists (0 sizes the index from the data). "
                        + "Fix these keys (see 'spark-jobs describe similarity-scoring').");
        assertThat(new AnnSettings(10, 4, 128, 4, 4, 5000, 32, 3, "random", 42, 500, 0.95).probes()).as("as many probes as lists").isEqualTo(4);
        assertThat(new AnnSettings(10, 0, 128, 8, 4, 5000, 32, 3, "random", 42, 500, 0.95).probes()).as("lists sized from the data").isEqualTo(8);
    }

    @Test
    void zeroNeighboursAndANegativeSampleScaleAreRefusedBeforeSparkStarts()
    {
        CliRun zero = CliRun.of("run", SimilarityScoringJob.NAME, "--date", "2024-09-30", "--set", "k=0");
        assertThat(zero.exitCode()).as(zero.transcript()).isEqualTo(2);
        assertThat(zero.err()).as(zero.transcript()).contains("Invalid value for k (--set k): expected integer, between 1 and 1000 but got '0'");
        CliRun negative = CliRun.of("sample-data", SimilarityScoringJob.NAME, "--out", "/nowhere/samples", "--scale", "-5");
        assertThat(negative.exitCode()).as(negative.transcript()).isEqualTo(2);
        assertThat(negative.err()).as(negative.transcript()).contains("Cannot generate sample data: --scale must be at least 1, got -5.");
    }
}
