package dev.sparkjobs.internal.delta;

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
import java.util.Optional;

import org.apache.parquet.column.Encoding;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.DeltaLog;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import io.delta.exceptions.DeltaConcurrentModificationException;
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

/** Commits into a table the run created: no listing of its (no) files, no MERGE join, still safe against other writers. */
@ExtendWith(SharedSpark.class)
class DeltaPublisherTest
{
    private static final LocalDate DAY = LocalDate.of(2024, 9, 1);
    private static final TableSpec TOTALS = TestTables.dailyTotals("totals");

    @TempDir
    Path work;

    @Test
    void aTableCreatedByTheRunGetsItsRowsInOneCommit(SparkSession spark)
    {
        String path = work.resolve("totals").toString();
        DeltaPublisher publisher = new DeltaPublisher(spark, "test", "run-1", new RunScope(DAY, ScopeMode.DATE));
        DeltaPublisher.Pending pending = publisher.writeUncommitted(TOTALS, path, rows(spark, 1.5, 2.5));
        assertThat(pending.createdTable()).as("created by this write").isTrue();
        assertThat(spark.read().format("delta").load(path).count()).as("rows visible before the commit").isZero();

        long version = publisher.publish(new StagedTable(TOTALS, path, publisher.written(pending), List.of(), Optional.of(pending)));

        assertThat(version).as("version after creation (0) and the commit").isEqualTo(1L);
        assertThat(spark.read().format("delta").load(path).orderBy("total").collectAsList()).as("rows after the commit")
                .extracting(row -> row.getDouble(1)).containsExactly(1.5, 2.5);
        Row commit = DeltaTable.forPath(spark, path).history(1).first();
        assertThat(commit.<String>getAs("userMetadata")).as("run id of the commit").isEqualTo("run-1");
    }

    @Test
    void anotherWritersCommitMeanwhileFailsTheCommitOfACreatedTable(SparkSession spark)
    {
        String path = work.resolve("totals").toString();
        DeltaPublisher publisher = new DeltaPublisher(spark, "test", "run-1", new RunScope(DAY, ScopeMode.DATE));
        DeltaPublisher.Pending pending = publisher.writeUncommitted(TOTALS, path, rows(spark, 1.5, 2.5));
        // another run writes the same day between this run's write and its commit
        rows(spark, 99.0).write().format("delta").mode("overwrite").option("replaceWhere", "day = DATE'2024-09-01'").save(path);

        StagedTable staged = new StagedTable(TOTALS, path, publisher.written(pending), List.of(), Optional.of(pending));
        assertThatThrownBy(() -> publisher.publish(staged)).as("commit over the other writer's rows")
                .isInstanceOf(DeltaConcurrentModificationException.class);
        assertThat(spark.read().format("delta").load(path).collectAsList()).as("only the other writer's rows")
                .extracting(row -> row.getDouble(1)).containsExactly(99.0);
    }

    @Test
    void aFirstVersionWithRowsIsReplacedNotKept(SparkSession spark)
    {
        // someone else created the table with rows in one commit (version 0): that version is not empty
        String path = work.resolve("totals").toString();
        rows(spark, 7.0).write().format("delta").partitionBy("day").save(path);
        DeltaPublisher publisher = new DeltaPublisher(spark, "test", "run-1", new RunScope(DAY, ScopeMode.DATE));
        DeltaPublisher.Pending pending = publisher.writeUncommitted(TOTALS, path, rows(spark, 1.5));
        assertThat(pending.readVersion()).as("read at the first version").isZero();

        publisher.publish(new StagedTable(TOTALS, path, publisher.written(pending), List.of(), Optional.of(pending)));

        assertThat(spark.read().format("delta").load(path).collectAsList()).as("the day's rows replaced, not added to")
                .extracting(row -> row.getDouble(1)).containsExactly(1.5);
    }

    @Test
    void aDiscardedFirstWriteLeavesATableAnotherRunWritesInto(SparkSession spark)
    {
        String path = work.resolve("totals").toString();
        DeltaPublisher failing = new DeltaPublisher(spark, "test", "run-1", new RunScope(DAY, ScopeMode.DATE));
        DeltaPublisher other = new DeltaPublisher(spark, "test", "run-2", new RunScope(DAY.plusDays(1), ScopeMode.DATE));
        DeltaPublisher.Pending created = failing.writeUncommitted(TOTALS, path, rows(spark, 1.5));
        DeltaPublisher.Pending alongside = other.writeUncommitted(TOTALS, path,
                TestTables.dailyTotalsRows(spark, DAY.plusDays(1), 4.0));
        assertThat(created.createdTable()).as("the first write created the table").isTrue();

        failing.discard(created); // the first run failed: its files go, the table another run writes into stays

        assertThat(work.resolve("totals/_delta_log")).as("the table's log").exists();
        other.publish(new StagedTable(TOTALS, path, other.written(alongside), List.of(), Optional.of(alongside)));
        assertThat(spark.read().format("delta").load(path).collectAsList()).as("the other run's rows only")
                .extracting(row -> row.getDouble(1)).containsExactly(4.0);

        String alone = work.resolve("alone").toString();
        DeltaPublisher.Pending lonely = failing.writeUncommitted(TOTALS, alone, rows(spark, 1.5));
        failing.discard(lonely);
        assertThat(work.resolve("alone")).as("a table the failed write created, with nobody else's files").doesNotExist();
    }

    @Test
    void aMergeIntoATableTheRunCreatedInsertsAndLaterRunsMerge(SparkSession spark)
    {
        TableSpec latest = TableSpec.builder("latest")
                .comment("Latest total per account")
                .column("account", DataTypes.StringType, "Account")
                .column("total", DataTypes.DoubleType, "Total")
                .writeMode(WriteMode.merge("account"))
                .build();
        String path = work.resolve("latest").toString();
        DeltaPublisher first = new DeltaPublisher(spark, "test", "run-1", new RunScope(DAY, ScopeMode.DATE));
        assertThat(first.createIfMissing(latest, path)).as("created by the first run").isTrue();
        first.publish(new StagedTable(latest, path, accounts(spark, latest, "a", 1.0, "b", 2.0), List.of()));
        assertThat(DeltaTable.forPath(spark, path).history(1).first().<String>getAs("operation")).as("first commit: the rows inserted")
                .isEqualTo("WRITE");

        DeltaPublisher second = new DeltaPublisher(spark, "test", "run-2", new RunScope(DAY.plusDays(1), ScopeMode.DATE));
        assertThat(second.createIfMissing(latest, path)).as("exists for the second run").isFalse();
        second.publish(new StagedTable(latest, path, accounts(spark, latest, "b", 5.0, "c", 3.0), List.of()));
        assertThat(DeltaTable.forPath(spark, path).history(1).first().<String>getAs("operation")).as("second commit").isEqualTo("MERGE");
        assertThat(spark.read().format("delta").load(path).orderBy("account").collectAsList()).as("a kept, b updated, c inserted")
                .extracting(row -> row.getString(0) + "=" + row.getDouble(1)).containsExactly("a=1.0", "b=5.0", "c=3.0");
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
        String path = work.resolve("amounts").toString();
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            rows.add(RowFactory.create(Date.valueOf(DAY), (double) (i % 3), (double) (i % 3)));
        }
        DeltaPublisher publisher = new DeltaPublisher(spark, "test", "run-1", new RunScope(DAY, ScopeMode.DATE));
        DeltaPublisher.Pending pending = publisher.writeUncommitted(spec, path, spark.createDataFrame(rows, spec.schema()).coalesce(1));
        publisher.publish(new StagedTable(spec, path, publisher.written(pending), List.of(), Optional.of(pending)));

        assertThat(JavaConverters.mapAsJavaMap(DeltaLog.forTable(spark, path).update(false, Option.empty(), Option.empty()).metadata().configuration()))
                .as("properties of the created table").containsEntry("delta.dataSkippingNumIndexedCols", "1")
                .containsEntry("parquet.enable.dictionary#plain", "false");
        List<Path> files;
        try (var walk = Files.walk(work.resolve("amounts"))) {
            files = walk.filter(file -> file.toString().endsWith(".parquet")).toList();
        }
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

    private static Dataset<Row> accounts(SparkSession spark, TableSpec spec, Object... accountsAndTotals)
    {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < accountsAndTotals.length; i += 2) {
            rows.add(RowFactory.create(accountsAndTotals[i], accountsAndTotals[i + 1]));
        }
        return spark.createDataFrame(rows, spec.schema());
    }

    private static Dataset<Row> rows(SparkSession spark, double... totals)
    {
        return TestTables.dailyTotalsRows(spark, DAY, totals);
    }
}
