package dev.sparkjobs.internal.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.parquet.column.Encoding;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import io.delta.tables.DeltaTable;
import scala.Option;
import scala.collection.JavaConverters;

import dev.sparkjobs.api.Granularity;
import dev.sparkjobs.api.RunScope;
import dev.sparkjobs.api.ScopeMode;
import dev.sparkjobs.api.TableSpec;
import dev.sparkjobs.api.WriteMode;
import dev.sparkjobs.testing.SharedSpark;
import dev.sparkjobs.testing.TestTables;

/**
 * One table's lifecycle, driven directly: stage, commit, abort, restore, with other writers
 * committing in between, as other runs do.
 */
@ExtendWith(SharedSpark.class)
class TableWriterTest
{
    private static final LocalDate DAY = LocalDate.of(2024, 9, 1);
    private static final TableSpec TOTALS = TestTables.dailyTotals("totals");

    @TempDir
    Path work;

    private TableWriter writer(SparkSession spark, TableSpec spec, String runId, LocalDate date, RivalRuns rivals)
    {
        return TableWriter.of(spark, spec, work.resolve(spec.name()).toString(), new RunIdentity("test", runId, new RunScope(date, ScopeMode.DATE)), rivals);
    }

    /** Rivals as the ledger would name them: these run ids are runs of the same job and date. */
    private static RivalRuns sameDate(String... runIds)
    {
        Set<String> rivals = Set.of(runIds);
        return candidates -> candidates.stream().filter(rivals::contains).findFirst();
    }

    @Test
    void aTableIsCreatedByItsFirstCommitWithTheRunsRows(SparkSession spark)
    {
        TableWriter writer = writer(spark, TOTALS, "run-1", DAY, RivalRuns.NONE);
        StagedTable staged = writer.stage(rows(spark, DAY, 1.5, 2.5));
        assertThat(staged.rows().count()).as("staged rows, read back from the written files").isEqualTo(2);
        assertThat(staged.checks()).extracting(check -> check.name()).as("checks the write mode implies")
                .contains("not_null(day)", "in_run_partition((day = DATE '2024-09-01'))");
        assertThat(work.resolve("totals/_delta_log")).as("no table before the commit").doesNotExist();

        long version = writer.commit();

        assertThat(version).as("the first commit creates the table").isZero();
        assertThat(totals(spark, "totals")).as("rows after the commit").containsExactly(1.5, 2.5);
        Row commit = DeltaTable.forPath(spark, path("totals")).history(1).first();
        assertThat(commit.<String>getAs("userMetadata")).as("run id of the commit").isEqualTo("run-1");
        assertThat(DeltaTable.forPath(spark, path("totals")).detail().first().<String>getAs("description")).as("table comment").isEqualTo("Totals per day");
    }

    @Test
    void aRunOfAnotherDateCommittingMeanwhileIsNoConflict(SparkSession spark)
    {
        TableWriter first = writer(spark, TOTALS, "run-1", DAY, RivalRuns.NONE);
        TableWriter other = writer(spark, TOTALS, "run-2", DAY.plusDays(1), RivalRuns.NONE);
        first.stage(rows(spark, DAY, 1.5));
        other.stage(rows(spark, DAY.plusDays(1), 4.0));
        other.commit(); // creates the table with its day

        first.commit(); // its first attempt wanted to create the table too: it commits on top of the other run's

        assertThat(totals(spark, "totals")).as("both days").containsExactly(1.5, 4.0);
        assertThat(DeltaTable.forPath(spark, path("totals")).history().count()).as("one commit per run").isEqualTo(2);
    }

    @Test
    void aRunOfTheSameDateThatCommittedFirstWinsAndTheOtherPublishesNothing(SparkSession spark)
    {
        stageAndCommit(writer(spark, TOTALS, "run-0", DAY, RivalRuns.NONE), rows(spark, DAY, 7.0));
        TableWriter late = writer(spark, TOTALS, "run-1", DAY, sameDate("run-2"));
        TableWriter early = writer(spark, TOTALS, "run-2", DAY, sameDate("run-1"));
        late.stage(rows(spark, DAY, 1.5));
        early.stage(rows(spark, DAY, 99.0));
        early.commit();

        assertThatThrownBy(late::commit).as("the second commit of the same date").isInstanceOf(SupersededException.class)
                .satisfies(thrown -> assertThat(((SupersededException) thrown).rivalRunId()).isEqualTo("run-2"));
        late.abort();

        assertThat(totals(spark, "totals")).as("only the first committer's rows").containsExactly(99.0);
        assertThat(parquetFiles("totals")).as("the loser's files are deleted, the table's are kept").hasSize(2);
    }

    @Test
    void aRunOfTheDateThatStartedFirstCommitsOnTopOfALaterRunsCommit(SparkSession spark)
    {
        // run-1 started first: run-2 counts it as its rival, run-1 counts nobody
        TableWriter first = writer(spark, TOTALS, "run-1", DAY, RivalRuns.NONE);
        TableWriter second = writer(spark, TOTALS, "run-2", DAY, sameDate("run-1"));
        first.stage(rows(spark, DAY, 1.0));
        second.stage(rows(spark, DAY, 2.0));
        second.commit();

        first.commit(); // the later run will give way on a table where it meets this one: this one publishes the date

        assertThat(totals(spark, "totals")).as("the earlier run's rows").containsExactly(1.0);
        assertThat(second.restore().kind()).as("the later run, giving way, finds its files replaced").isEqualTo(RestoreOutcome.Kind.LEFT_AS_IS);
        assertThat(totals(spark, "totals")).as("still the earlier run's rows").containsExactly(1.0);
    }

    @Test
    void anotherWriterOfTheSamePartitionThatIsNotARunOfTheDateIsCommittedOnTopOf(SparkSession spark)
    {
        // a monthly partition, written by runs of two days of the month: both recompute the whole month
        TableSpec monthly = TestTables.totals("monthly", "month", WriteMode.replacePartition("month", Granularity.MONTH));
        TableWriter second = writer(spark, monthly, "run-2nd", DAY.plusDays(1), RivalRuns.NONE);
        TableWriter third = writer(spark, monthly, "run-3rd", DAY.plusDays(2), RivalRuns.NONE);
        second.stage(rows(spark, monthly, DAY, 2.0));
        third.stage(rows(spark, monthly, DAY, 3.0));
        third.commit();
        second.commit();
        assertThat(totals(spark, "monthly")).as("the later commit's month").containsExactly(2.0);
    }

    @Test
    void restoreUndoesOnlyThisRunsCommitAndKeepsLaterCommitsOfOthers(SparkSession spark)
    {
        stageAndCommit(writer(spark, TOTALS, "run-0", DAY, RivalRuns.NONE), rows(spark, DAY, 1.0));
        TableWriter ours = writer(spark, TOTALS, "run-1", DAY, RivalRuns.NONE);
        stageAndCommit(ours, rows(spark, DAY, 10.0));
        stageAndCommit(writer(spark, TOTALS, "run-2", DAY.plusDays(1), RivalRuns.NONE), rows(spark, DAY.plusDays(1), 20.0));

        RestoreOutcome outcome = ours.restore();

        assertThat(outcome.kind()).as(outcome.toString()).isEqualTo(RestoreOutcome.Kind.RESTORED);
        assertThat(totals(spark, "totals")).as("our day back as before the run, the other run's day kept").containsExactly(1.0, 20.0);
        assertThat(ours.committedVersion()).as("nothing of ours left committed").isEmpty();
    }

    @Test
    void restoreLeavesADayAnotherRunReplacedSinceAsItIs(SparkSession spark)
    {
        TableWriter ours = writer(spark, TOTALS, "run-1", DAY, RivalRuns.NONE);
        stageAndCommit(ours, rows(spark, DAY, 10.0));
        stageAndCommit(writer(spark, TOTALS, "run-2", DAY, RivalRuns.NONE), rows(spark, DAY, 30.0));
        long version = DeltaTables.currentVersion(spark, path("totals")).orElseThrow();

        RestoreOutcome outcome = ours.restore();

        assertThat(outcome.kind()).as(outcome.toString()).isEqualTo(RestoreOutcome.Kind.LEFT_AS_IS);
        assertThat(outcome.detail()).hasValueSatisfying(detail -> assertThat(detail).contains("another writer replaced this run's files"));
        assertThat(totals(spark, "totals")).as("the later run's rows").containsExactly(30.0);
        assertThat(DeltaTables.currentVersion(spark, path("totals"))).as("no commit").contains(version);
    }

    @Test
    void aMergeCreatesTheTableWithItsRowsThenUpserts(SparkSession spark)
    {
        TableSpec latest = TableSpec.builder("latest")
                .comment("Latest total per account")
                .column("account", DataTypes.StringType, "Account")
                .column("total", DataTypes.DoubleType, "Total")
                .writeMode(WriteMode.merge("account"))
                .build();
        TableWriter first = writer(spark, latest, "run-1", DAY, RivalRuns.NONE);
        assertThat(first.commitsAlongsideOthers()).as("a MERGE takes a session setting").isFalse();
        stageAndCommit(first, accounts(spark, latest, "a", 1.0, "b", 2.0));
        assertThat(DeltaTable.forPath(spark, path("latest")).history(1).first().<String>getAs("operation")).as("first commit").isEqualTo("WRITE");

        TableWriter second = writer(spark, latest, "run-2", DAY.plusDays(1), RivalRuns.NONE);
        long merged = stageAndCommit(second, accounts(spark, latest, "b", 5.0, "c", 3.0));
        assertThat(DeltaTable.forPath(spark, path("latest")).history(1).first().<String>getAs("operation")).as("second commit").isEqualTo("MERGE");
        assertThat(merged).as("the MERGE's version").isEqualTo(1);
        assertThat(spark.read().format("delta").load(path("latest")).orderBy("account").collectAsList()).as("a kept, b updated, c inserted")
                .extracting(row -> row.getString(0) + "=" + row.getDouble(1)).containsExactly("a=1.0", "b=5.0", "c=3.0");

        assertThat(second.restore().kind()).as("the MERGE undone").isEqualTo(RestoreOutcome.Kind.RESTORED);
        assertThat(spark.read().format("delta").load(path("latest")).orderBy("account").collectAsList()).as("as before the second run")
                .extracting(row -> row.getString(0) + "=" + row.getDouble(1)).containsExactly("a=1.0", "b=2.0");
    }

    @Test
    void anIdempotentAppendAppendsOncePerDateAndAgainOnceRestored(SparkSession spark)
    {
        TableSpec seen = TestTables.totals("seen", "day", WriteMode.idempotentAppend());
        TableWriter first = writer(spark, seen, "run-1", DAY, RivalRuns.NONE);
        stageAndCommit(first, rows(spark, seen, DAY, 1.0));
        TableWriter retry = writer(spark, seen, "run-2", DAY, RivalRuns.NONE);
        stageAndCommit(retry, rows(spark, seen, DAY, 1.0));
        assertThat(totals(spark, "seen")).as("a second run of the date appends nothing").containsExactly(1.0);
        assertThat(retry.committedVersion()).as("the retry made no commit").isEmpty();
        stageAndCommit(writer(spark, seen, "run-3", DAY.plusDays(1), RivalRuns.NONE), rows(spark, seen, DAY.plusDays(1), 2.0));

        assertThat(first.restore().kind()).isEqualTo(RestoreOutcome.Kind.RESTORED);
        assertThat(totals(spark, "seen")).as("the first day's append undone").containsExactly(2.0);
        stageAndCommit(writer(spark, seen, "run-4", DAY, RivalRuns.NONE), rows(spark, seen, DAY, 1.0));
        assertThat(totals(spark, "seen")).as("a run of the day appends again").containsExactly(1.0, 2.0);
    }

    @Test
    void anAbortedFirstStageLeavesNoTableAndNoFolder(SparkSession spark)
    {
        TableWriter writer = writer(spark, TOTALS, "run-1", DAY, RivalRuns.NONE);
        writer.stage(rows(spark, DAY, 1.5));
        assertThat(parquetFiles("totals")).as("files written").isNotEmpty();
        writer.abort();
        assertThat(work.resolve("totals")).as("the folder the staged files were in").doesNotExist();
    }

    @Test
    void aCreatedTableHasTheSpecsPropertiesAndItsFilesFollowTheParquetOnes(SparkSession spark)
            throws Exception
    {
        TableSpec spec = TableSpec.builder("amounts")
                .comment("Two amounts per day")
                .column("day", DataTypes.DateType, "Day")
                .column("plain", DataTypes.DoubleType, "Amount written without a dictionary")
                .column("coded", DataTypes.DoubleType, "Amount written as Parquet decides (a dictionary for few distinct values)")
                .partitionedBy("day")
                .writeMode(WriteMode.replacePartition("day", Granularity.DAY))
                .property("delta.dataSkippingNumIndexedCols", "1")
                .property("parquet.enable.dictionary#plain", "false")
                .build();
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            rows.add(RowFactory.create(Date.valueOf(DAY), (double) (i % 3), (double) (i % 3)));
        }
        stageAndCommit(writer(spark, spec, "run-1", DAY, RivalRuns.NONE), spark.createDataFrame(rows, spec.schema()).coalesce(1));

        assertThat(JavaConverters.mapAsJavaMap(DeltaTables.log(spark, path("amounts")).update(false, Option.empty(), Option.empty()).metadata().configuration()))
                .as("properties of the created table").containsEntry("delta.dataSkippingNumIndexedCols", "1")
                .containsEntry("parquet.enable.dictionary#plain", "false");
        List<Path> files = parquetFiles("amounts");
        assertThat(files).as("data files of the one day").hasSize(1);
        ParquetMetadata footer;
        try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(
                new org.apache.hadoop.fs.Path(files.get(0).toUri()), spark.sparkContext().hadoopConfiguration()))) {
            footer = reader.getFooter();
        }
        Map<String, Boolean> dictionaryEncoded = new HashMap<>();
        footer.getBlocks().forEach(block -> block.getColumns().forEach(column -> dictionaryEncoded.merge(column.getPath().toDotString(),
                column.getEncodings().stream().anyMatch(Encoding::usesDictionary), Boolean::logicalOr)));
        assertThat(dictionaryEncoded).as("whether each column's chunks use a dictionary").containsEntry("plain", false).containsEntry("coded", true);
    }

    private String path(String table)
    {
        return work.resolve(table).toString();
    }

    private List<Path> parquetFiles(String table)
    {
        try (var walk = Files.walk(work.resolve(table))) {
            return walk.filter(file -> file.toString().endsWith(".parquet") && !file.toString().contains("_delta_log")).toList();
        }
        catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private List<Double> totals(SparkSession spark, String table)
    {
        return spark.read().format("delta").load(path(table)).orderBy("total").collectAsList().stream().map(row -> row.<Double>getAs("total")).toList();
    }

    private static Dataset<Row> accounts(SparkSession spark, TableSpec spec, Object... accountsAndTotals)
    {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < accountsAndTotals.length; i += 2) {
            rows.add(RowFactory.create(accountsAndTotals[i], accountsAndTotals[i + 1]));
        }
        return spark.createDataFrame(rows, spec.schema());
    }

    private static Dataset<Row> rows(SparkSession spark, LocalDate day, double... totals)
    {
        return TestTables.dailyTotalsRows(spark, day, totals);
    }

    private static Dataset<Row> rows(SparkSession spark, TableSpec spec, LocalDate day, double... totals)
    {
        return TestTables.totalsRows(spark, spec, day, totals);
    }

    private static long stageAndCommit(TableWriter writer, Dataset<Row> rows)
    {
        writer.stage(rows);
        return writer.commit();
    }
}
