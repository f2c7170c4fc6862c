package dev.sparkjobs.internal.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import io.delta.tables.DeltaTable;

import dev.sparkjobs.api.RunScope;
import dev.sparkjobs.api.ScopeMode;
import dev.sparkjobs.api.TableSpec;
import dev.sparkjobs.errors.SparkJobsException;
import dev.sparkjobs.internal.delta.DeltaPublisher;
import dev.sparkjobs.internal.delta.StagedTable;
import dev.sparkjobs.testing.SharedSpark;
import dev.sparkjobs.testing.TestTables;

/**
 * Two tables written as uncommitted files are committed side by side; the commit of one fails
 * (another writer changed that table meanwhile): the other, committed alongside, is restored.
 */
@ExtendWith(SharedSpark.class)
class SideBySideCommitsTest
{
    private static final LocalDate DAY = LocalDate.of(2024, 9, 1);

    @TempDir
    Path work;

    @Test
    void aFailedCommitRestoresTheTableCommittedAlongside(SparkSession spark)
    {
        TableSpec first = TestTables.dailyTotals("first");
        TableSpec second = TestTables.dailyTotals("second");
        String firstPath = work.resolve("first").toString();
        String secondPath = work.resolve("second").toString();
        DeltaPublisher earlier = new DeltaPublisher(spark, "test", "run-0", new RunScope(DAY, ScopeMode.DATE));
        for (TableSpec spec : List.of(first, second)) {
            String path = work.resolve(spec.name()).toString();
            DeltaPublisher.Pending pending = earlier.writeUncommitted(spec, path, TestTables.dailyTotalsRows(spark, DAY, 1.0));
            earlier.publish(new StagedTable(spec, path, earlier.written(pending), List.of(), Optional.of(pending)));
        }
        long firstBefore = version(spark, firstPath);

        DeltaPublisher publisher = new DeltaPublisher(spark, "test", "run-1", new RunScope(DAY, ScopeMode.DATE));
        DeltaPublisher.Pending firstPending = publisher.writeUncommitted(first, firstPath, TestTables.dailyTotalsRows(spark, DAY, 10.0));
        DeltaPublisher.Pending secondPending = publisher.writeUncommitted(second, secondPath, TestTables.dailyTotalsRows(spark, DAY, 20.0));
        // someone else changes the second table's metadata between this run's write and its commit
        spark.sql("ALTER TABLE delta.`" + secondPath + "` SET TBLPROPERTIES ('owner.note' = 'changed meanwhile')");
        long secondBefore = version(spark, secondPath);
        List<StagedTable> staged = List.of(
                new StagedTable(first, firstPath, publisher.written(firstPending), List.of(), Optional.of(firstPending)),
                new StagedTable(second, secondPath, publisher.written(secondPending), List.of(), Optional.of(secondPending)));
        Set<DeltaPublisher.Pending> attempted = Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        StepLabels steps = new StepLabels(spark.sparkContext(), "test", "run-1",
                new Progress(new PrintStream(progress, true, StandardCharsets.UTF_8), Clock.systemUTC()));

        assertThatThrownBy(() -> JobRunner.publish(staged, publisher, steps, false, List.of(), attempted, 2))
                .isInstanceOf(SparkJobsException.class)
                .hasMessageContaining("Cannot publish table second")
                .hasMessageContaining("Restored first to version " + firstBefore + ".");

        assertThat(progress.toString(StandardCharsets.UTF_8)).as("both commits were started")
                .contains("publish first").contains("publish second");
        assertThat(version(spark, firstPath)).as("first: committed, then restored").isEqualTo(firstBefore + 2);
        assertThat(values(spark, firstPath)).as("first: its rows before the run").containsExactly(1.0);
        assertThat(version(spark, secondPath)).as("second: nothing committed").isEqualTo(secondBefore);
        assertThat(values(spark, secondPath)).as("second: its rows before the run").containsExactly(1.0);
        assertThat(attempted).as("commits attempted: their files are never discarded").hasSize(2);
    }

    private static long version(SparkSession spark, String path)
    {
        return DeltaTable.forPath(spark, path).history(1).first().<Long>getAs("version");
    }

    private static List<Double> values(SparkSession spark, String path)
    {
        return spark.read().format("delta").load(path).collectAsList().stream().map(row -> row.getDouble(1)).toList();
    }
}
