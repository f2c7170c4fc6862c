package dev.sparkjobs.costanalysis;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dev.sparkjobs.testing.CliRun;
import dev.sparkjobs.testing.JobPreview;
import dev.sparkjobs.testing.SharedSpark;

/** Input shapes: map columns in CSV and Parquet, missing columns, rejected rows (mixed or unknown formats: HostileBillingTest). */
@ExtendWith(SharedSpark.class)
class InputShapeTest
{
    private static final String ACCOUNT = "111111111111";

    @TempDir
    Path work;

    @Test
    void mapColumnsAreReadFromJsonTextInCsvAndFromMapsInParquet(SparkSession spark)
    {
        Path csv = new CurFile()
                .row(ACCOUNT, "2024-09-02", "Usage", "2.5", "line_item_resource_id", "tagged", "pricing_public_on_demand_cost", "3",
                        "resource_tags", "{\"user_team\": \"search\", \"user_environment\": \"prod\", \"aws_created_by\": \"ci\"}")
                .row(ACCOUNT, "2024-09-02", "Usage", "1.5", "line_item_resource_id", "untagged", "pricing_public_on_demand_cost", "2")
                .write(work.resolve("csv/part-1.csv"));
        StructType schema = new StructType()
                .add("bill_billing_period_start_date", DataTypes.TimestampType)
                .add("line_item_usage_account_id", DataTypes.StringType)
                .add("line_item_line_item_type", DataTypes.StringType)
                .add("line_item_usage_start_date", DataTypes.TimestampType)
                .add("line_item_product_code", DataTypes.StringType)
                .add("line_item_resource_id", DataTypes.StringType)
                .add("line_item_unblended_cost", DataTypes.DoubleType)
                .add("pricing_public_on_demand_cost", DataTypes.DoubleType)
                .add("resource_tags", DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType));
        Timestamp period = Timestamp.valueOf("2024-09-01 00:00:00");
        Timestamp start = Timestamp.valueOf("2024-09-02 00:00:00");
        spark.createDataFrame(List.of(
                        RowFactory.create(period, ACCOUNT, "Usage", start, "AmazonEC2", "tagged", 2.5, 3.0,
                                Map.of("user_team", "search", "user_environment", "prod", "aws_created_by", "ci")),
                        RowFactory.create(period, ACCOUNT, "Usage", start, "AmazonEC2", "untagged", 1.5, 2.0, null)), schema)
                .coalesce(1).write().parquet(work.resolve("parquet").toString());

        for (String input : List.of(csv.getParent().toString(), work.resolve("parquet").toString())) {
            List<Row> rows = CostAnalysisPreview.forPeriod(spark, input, "2024-09-02").table("cost_line_items").orderBy("resource_id").collectAsList();
            assertThat(rows).as("rows of %s", input).hasSize(2);
            Row tagged = rows.get(0);
            assertThat(tagged.<String>getAs("owner")).as("owner from user_team in %s", input).isEqualTo("search");
            assertThat(tagged.<String>getAs("environment")).as("environment from user_environment in %s", input).isEqualTo("prod");
            assertThat(tagged.<scala.collection.Map<String, String>>getAs("tags").size()).as("all tags kept in %s", input).isEqualTo(3);
            assertThat(tagged.<Double>getAs("billed_cost")).isEqualTo(2.5);
            assertThat(rows.get(1).<String>getAs("owner")).as("untagged in %s", input).isNull();
        }
    }

    @Test
    void parquetWithMapColumnsIsReadColumnByColumn(SparkSession spark)
    {
        StructType schema = new StructType()
                .add("bill_billing_period_start_date", DataTypes.TimestampType)
                .add("line_item_usage_account_id", DataTypes.StringType)
                .add("line_item_line_item_type", DataTypes.StringType)
                .add("line_item_usage_start_date", DataTypes.TimestampType)
                .add("line_item_unblended_cost", DataTypes.DoubleType)
                .add("resource_tags", DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType));
        spark.createDataFrame(List.of(RowFactory.create(Timestamp.valueOf("2024-09-01 00:00:00"), ACCOUNT, "Usage",
                        Timestamp.valueOf("2024-09-02 00:00:00"), 2.5, Map.of("user_team", "search"))), schema)
                .coalesce(1).write().parquet(work.resolve("parquet").toString());
        // A second copy, so that the second run's plan is not the first one's, cached by the test's stager.
        spark.read().parquet(work.resolve("parquet").toString()).write().parquet(work.resolve("parquet-2").toString());
        String previous = spark.conf().contains(BillingReader.NESTED_VECTORIZED_READER) ? spark.conf().get(BillingReader.NESTED_VECTORIZED_READER) : null;
        spark.conf().unset(BillingReader.NESTED_VECTORIZED_READER);
        try {
            var lineItems = CostAnalysisPreview.forPeriod(spark, work.resolve("parquet").toString(), "2024-09-02").table("cost_line_items");
            String plan = lineItems.queryExecution().executedPlan().toString();
            assertThat(plan).as("the scan reading resource_tags is vectorized:%n%s", plan).contains("resource_tags").contains("Batched: true");
            assertThat(lineItems.first().<String>getAs("owner")).as("owner from the map read by the vectorized reader").isEqualTo("search");

            spark.conf().set(BillingReader.NESTED_VECTORIZED_READER, "false");
            String explicitlyOff = CostAnalysisPreview.forPeriod(spark, work.resolve("parquet-2").toString(), "2024-09-02").table("cost_line_items")
                    .queryExecution().executedPlan().toString();
            assertThat(explicitlyOff).as("an explicit setting of the session is kept:%n%s", explicitlyOff).contains("Batched: false");
        }
        finally {
            if (previous == null) {
                spark.conf().unset(BillingReader.NESTED_VECTORIZED_READER);
            }
            else {
                spark.conf().set(BillingReader.NESTED_VECTORIZED_READER, previous);
            }
        }
    }

    @Test
    void missingRequiredColumnExitsWithTwoNamingColumnAndFile()
    {
        List<String> withoutCost = new ArrayList<>(CurFile.COLUMNS);
        withoutCost.remove("line_item_unblended_cost");
        Path file = new CurFile().row(ACCOUNT, "2024-09-02", "Usage", "1").write(work.resolve("cur/2024-09/part-7.csv"), withoutCost);
        Path lake = work.resolve("lake");
        CliRun run = CliRun.withSettings(List.of("run", "cost-analysis", "--date", "2024-09-02"),
                List.of("input.billing=" + work.resolve("cur"), "output.root=" + lake));
        assertThat(run.exitCode()).as(run.transcript()).isEqualTo(2);
        assertThat(run.err()).contains("Cannot read input input.billing: column line_item_unblended_cost is missing in ")
                .contains(file.toString())
                .contains("(is this an AWS CUR 2.0 export?)");
        assertThat(tablesIn(lake)).as("nothing published").isEmpty();
    }

    @Test
    void rejectedRowsAreReportedWithFileReasonAndValue(SparkSession spark)
    {
        Path file = new CurFile()
                .row(ACCOUNT, "2024-09-02", "Usage", "1.25")
                .row(ACCOUNT, "2024-09-02", "Usage", "12,5x")
                .row(ACCOUNT, "2024-09-02", "Usage", "3", "line_item_usage_start_date", "2024-09-31T00:00:00Z")
                .row(ACCOUNT, "2024-09-03", "Usage", "2")
                .write(work.resolve("rejects/part-1.csv"));
        JobPreview outputs = CostAnalysisPreview.forPeriod(spark, file.toString(), "2024-09-02", "rejects.max-fraction", "0.5");
        List<String> rejects = outputs.table("cost_rejects").orderBy("column_name").collectAsList().stream()
                .map(row -> row.get(0) + " | " + row.getString(2) + " | " + row.getString(3) + " | " + row.getString(4)).toList();
        assertThat(rejects).containsExactly(
                "2024-09-01 | bad number | line_item_unblended_cost | 12,5x",
                "2024-09-01 | bad date | line_item_usage_start_date | 2024-09-31T00:00:00Z");
        assertThat(outputs.table("cost_rejects").collectAsList()).allSatisfy(row -> assertThat(row.getString(1)).endsWith("rejects/part-1.csv"));
        assertThat(outputs.table("cost_line_items").count()).as("the two good rows").isEqualTo(2);
        assertThat(outputs.counters()).containsEntry("rows_rejected", 2L).containsEntry("rows_read", 4L);
    }

    @Test
    void rejectsOverTheMaximumFractionFailWithThreeAndPublishNothing()
    {
        new CurFile()
                .row(ACCOUNT, "2024-09-02", "Usage", "1.25")
                .row(ACCOUNT, "2024-09-02", "Usage", "n/a")
                .row(ACCOUNT, "2024-09-03", "Usage", "2")
                .write(work.resolve("bad/part-1.csv"));
        Path lake = work.resolve("lake");
        CliRun run = CliRun.withSettings(List.of("run", "cost-analysis", "--date", "2024-09-02"),
                List.of("input.billing=" + work.resolve("bad"), "output.root=" + lake));
        assertThat(run.exitCode()).as(run.transcript()).isEqualTo(3);
        assertThat(run.err()).contains("Too many rejected rows for job cost-analysis: 1 of 3 (33.3333%) exceed rejects.max-fraction = 0.001; "
                + "nothing was published");
        assertThat(tablesIn(lake)).as("nothing published").isEmpty();
    }

    /** The job's table folders in the lake (the run ledger _runs is not one of them). */
    private static List<String> tablesIn(Path lake)
    {
        if (!Files.isDirectory(lake)) {
            return List.of();
        }
        try (Stream<Path> children = Files.list(lake)) {
            return children.map(path -> path.getFileName().toString()).filter(name -> name.startsWith("cost_")).toList();
        }
        catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
