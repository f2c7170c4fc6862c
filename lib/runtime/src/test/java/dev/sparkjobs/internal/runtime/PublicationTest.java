package dev.sparkjobs.internal.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import io.delta.tables.DeltaTable;

import dev.sparkjobs.api.RunScope;
import dev.sparkjobs.api.ScopeMode;
import dev.sparkjobs.api.TableSpec;
import dev.sparkjobs.errors.ExitCode;
import dev.sparkjobs.errors.SparkJobsException;
import dev.sparkjobs.internal.checks.CheckEvaluator;
import dev.sparkjobs.internal.publish.RivalRuns;
import dev.sparkjobs.internal.publish.RunIdentity;
import dev.sparkjobs.internal.publish.TableWriter;
import dev.sparkjobs.testing.SharedSpark;
import dev.sparkjobs.testing.TestTables;

/** A run's tables published together: all committed, or those committed restored when one fails. */
@ExtendWith(SharedSpark.class)
class PublicationTest
{
    private static final LocalDate DAY = LocalDate.of(2024, 9, 1);
    private static final TableSpec FIRST = TestTables.dailyTotals("first");
    private static final TableSpec SECOND = TestTables.dailyTotals("second");

    @TempDir
    Path work;

    private Publication publication(SparkSession spark, String runId, RivalRuns rivals, double first, double second, ByteArrayOutputStream progress)
    {
        RunIdentity run = new RunIdentity("test", runId, new RunScope(DAY, ScopeMode.DATE));
        StepLabels steps = new StepLabels(spark.sparkContext(), "test", runId, new Progress(new PrintStream(progress, true, StandardCharsets.UTF_8), Clock.systemUTC()));
        return new Publication("test", DAY.toString(), List.of(
                new Publication.Output(TableWriter.of(spark, FIRST, path("first"), run, rivals), TestTables.dailyTotalsRows(spark, DAY, first)),
                new Publication.Output(TableWriter.of(spark, SECOND, path("second"), run, rivals), TestTables.dailyTotalsRows(spark, DAY, second))),
                steps, 2, 2);
    }

    @Test
    void aFailedCommitRestoresTheTableCommittedAlongside(SparkSession spark)
    {
        try (Publication earlier = publication(spark, "run-0", RivalRuns.NONE, 1.0, 1.0, new ByteArrayOutputStream())) {
            earlier.stageAndCheck(new CheckEvaluator(0));
            earlier.commitAll(false, new ArrayList<>());
        }
        long firstBefore = version(spark, "first");
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        try (Publication publication = publication(spark, "run-1", RivalRuns.NONE, 10.0, 20.0, progress)) {
            publication.stageAndCheck(new CheckEvaluator(0));
            // someone else changes the second table's schema between this run's staging and its commit
            spark.sql("ALTER TABLE delta.`" + path("second") + "` ADD COLUMNS (note STRING)");
            long secondBefore = version(spark, "second");

            assertThatThrownBy(() -> publication.commitAll(false, new ArrayList<>()))
                    .isInstanceOf(SparkJobsException.class)
                    .hasMessageContaining("Cannot publish table second")
                    .hasMessageContaining("column note is in the table but not declared")
                    .hasMessageContaining("Restored what this run had published to first (undone at version " + (firstBefore + 2) + ")");

            assertThat(progress.toString(StandardCharsets.UTF_8)).as("both commits were started").contains("publish first").contains("publish second");
            assertThat(version(spark, "first")).as("first: committed, then undone").isEqualTo(firstBefore + 2);
            assertThat(totals(spark, "first")).as("first: its rows before the run").containsExactly(1.0);
            assertThat(version(spark, "second")).as("second: nothing committed").isEqualTo(secondBefore);
        }
    }

    @Test
    void aRunOfTheSameDateThatPublishedFirstSupersedesThisOneWhichRestoresWhatItCommitted(SparkSession spark)
    {
        try (Publication earlier = publication(spark, "run-0", RivalRuns.NONE, 1.0, 1.0, new ByteArrayOutputStream())) {
            earlier.stageAndCheck(new CheckEvaluator(0));
            earlier.commitAll(false, new ArrayList<>());
        }
        try (Publication ours = publication(spark, "run-1", runIds -> runIds.contains("run-2") ? java.util.Optional.of("run-2") : java.util.Optional.empty(),
                10.0, 20.0, new ByteArrayOutputStream())) {
            ours.stageAndCheck(new CheckEvaluator(0));
            // the other run of the date publishes the second table while this one is computing
            TableWriter rival = TableWriter.of(spark, SECOND, path("second"), new RunIdentity("test", "run-2", new RunScope(DAY, ScopeMode.DATE)), RivalRuns.NONE);
            rival.stage(TestTables.dailyTotalsRows(spark, DAY, 99.0));
            rival.commit();

            assertThatThrownBy(() -> ours.commitAll(false, new ArrayList<>()))
                    .isInstanceOfSatisfying(SparkJobsException.class, thrown -> assertThat(thrown.exitCode()).isEqualTo(ExitCode.SUPERSEDED))
                    .hasMessageContaining("another run of test for 2024-09-01, run-2, committed it first")
                    .hasMessageContaining("This run publishes nothing")
                    .hasMessageContaining("It is safe to re-run the date");
        }
        assertThat(totals(spark, "first")).as("first: its rows before this run").containsExactly(1.0);
        assertThat(totals(spark, "second")).as("second: the other run's rows").containsExactly(99.0);
    }

    private String path(String table)
    {
        return work.resolve(table).toString();
    }

    private long version(SparkSession spark, String table)
    {
        return DeltaTable.forPath(spark, path(table)).history(1).first().<Long>getAs("version");
    }

    private List<Double> totals(SparkSession spark, String table)
    {
        return spark.read().format("delta").load(path(table)).collectAsList().stream().map(row -> row.getDouble(1)).toList();
    }
}
