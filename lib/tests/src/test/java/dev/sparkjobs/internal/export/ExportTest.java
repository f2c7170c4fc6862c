package dev.sparkjobs.internal.export;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dev.sparkjobs.testing.CliRun;
import dev.sparkjobs.testing.SharedSpark;

@ExtendWith(SharedSpark.class)
class ExportTest
{
    @TempDir
    Path work;

    private String writeTable(SparkSession spark)
    {
        String path = work.resolve("t").toString();
        StructType schema = new StructType()
                .add("day", DataTypes.DateType)
                .add("name", DataTypes.StringType)
                .add("amount", DataTypes.DoubleType)
                .add("tags", DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType));
        spark.createDataFrame(List.of(
                        RowFactory.create(java.sql.Date.valueOf("2024-09-02"), "b", 2.5, java.util.Map.of("team", "x")),
                        RowFactory.create(java.sql.Date.valueOf("2024-09-01"), "z", null, java.util.Map.of()),
                        RowFactory.create(java.sql.Date.valueOf("2024-09-01"), "a", 10.0, null),
                        RowFactory.create(java.sql.Date.valueOf("2024-09-02"), null, 1.0, java.util.Map.of("team", "y"))),
                        schema)
                .repartition(3)
                .write().format("delta").save(path);
        return path;
    }

    @Test
    void csvHasOneHeaderAndRowsSortedByAllColumns(SparkSession spark)
            throws Exception
    {
        String table = writeTable(spark);
        Path out = work.resolve("out/t.csv");
        CliRun run = CliRun.of("export", table, "--format", "csv", "--out", out.toString());
        assertThat(run.exitCode()).as(run.transcript()).isZero();
        assertThat(run.out()).contains("Exported 4 rows");
        assertThat(Files.readAllLines(out)).containsExactly(
                "day,name,amount,tags",
                "2024-09-01,a,10.0,",
                "2024-09-01,z,,{}",
                "2024-09-02,,1.0,\"{\"\"team\"\":\"\"y\"\"}\"",
                "2024-09-02,b,2.5,\"{\"\"team\"\":\"\"x\"\"}\"");
        try (var files = Files.list(out.getParent())) {
            assertThat(files.map(file -> file.getFileName().toString()).toList()).as("no temp folder left").containsExactly("t.csv");
        }
    }

    @Test
    void jsonLinesKeepNullsAndNesting(SparkSession spark)
            throws Exception
    {
        String table = writeTable(spark);
        Path out = work.resolve("t.json");
        CliRun run = CliRun.of("export", table, "--format", "json", "--out", out.toString());
        assertThat(run.exitCode()).as(run.transcript()).isZero();
        assertThat(Files.readAllLines(out)).containsExactly(
                "{\"day\":\"2024-09-01\",\"name\":\"a\",\"amount\":10.0,\"tags\":null}",
                "{\"day\":\"2024-09-01\",\"name\":\"z\",\"amount\":null,\"tags\":{}}",
                "{\"day\":\"2024-09-02\",\"name\":null,\"amount\":1.0,\"tags\":{\"team\":\"y\"}}",
                "{\"day\":\"2024-09-02\",\"name\":\"b\",\"amount\":2.5,\"tags\":{\"team\":\"x\"}}");
    }

    @Test
    void missingTableIsAUsageError(SparkSession spark)
    {
        CliRun run = CliRun.of("export", work.resolve("nothing").toString(), "--format", "csv", "--out", work.resolve("x.csv").toString());
        assertThat(run.exitCode()).as(run.transcript()).isEqualTo(2);
        assertThat(run.err()).contains("is not a Delta table (no _delta_log)");
        assertThat(work.resolve("x.csv")).doesNotExist();
    }
}
