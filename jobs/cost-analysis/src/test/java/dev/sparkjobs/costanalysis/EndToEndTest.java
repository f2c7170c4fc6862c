package dev.sparkjobs.costanalysis;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dev.sparkjobs.testing.CliRun;
import dev.sparkjobs.testing.S3Proxy;
import dev.sparkjobs.testing.SharedS3;
import dev.sparkjobs.testing.SharedSpark;

/** Through the CLI: publishing, re-running a period (month-over-month against the published previous period), and reading CUR files from s3a://. */
@ExtendWith({SharedSpark.class, SharedS3.class})
class EndToEndTest
{
    private static final String ACCOUNT = "111111111111";

    @TempDir
    Path work;

    @Test
    void rerunOfAPeriodReplacesItInEveryTableAndLeavesOthers(SparkSession spark)
    {
        Path input = work.resolve("cur");
        new CurFile()
                .row(ACCOUNT, "2024-08-30", "Usage", "7", "pricing_public_on_demand_cost", "7")
                .row(ACCOUNT, "2024-09-02", "Usage", "10", "pricing_public_on_demand_cost", "10")
                .row(ACCOUNT, "2024-09-02", "Usage", "5", "pricing_public_on_demand_cost", "5", "line_item_product_code", "AmazonS3")
                .write(input.resolve("part-1.csv"));
        String lake = work.resolve("lake").toString();
        assertSucceeded(run(input, lake, "2024-09-30", "scope=all"));
        scala.collection.Map<String, String> properties = spark.sql("DESCRIBE DETAIL delta.`" + lake + "/cost_line_items`").first().getAs("properties");
        assertThat(properties.get("delta.dataSkippingNumIndexedCols").getOrElse(() -> "unset"))
                .as("cost_line_items keeps Delta statistics on its first columns only").isEqualTo("6");
        assertThat(properties.get(CostTables.withoutDictionary("effective_cost")).getOrElse(() -> "unset"))
                .as("cost_line_items writes its costs without Parquet dictionaries").isEqualTo("false");
        assertThat(rows(spark, lake, "cost_daily", "billing_period, service_name, effective_cost"))
                .containsExactly("2024-08-01 AmazonEC2 7.0", "2024-09-01 AmazonEC2 10.0", "2024-09-01 AmazonS3 5.0");

        // September corrected: S3 gone, EC2 now 12. Re-run September only, twice (an Airflow retry).
        new CurFile()
                .row(ACCOUNT, "2024-08-30", "Usage", "99", "pricing_public_on_demand_cost", "99")
                .row(ACCOUNT, "2024-09-02", "Usage", "12", "pricing_public_on_demand_cost", "12")
                .write(input.resolve("part-1.csv"));
        assertSucceeded(run(input, lake, "2024-09-15"));
        assertSucceeded(run(input, lake, "2024-09-15"));
        assertThat(rows(spark, lake, "cost_daily", "billing_period, service_name, effective_cost"))
                .as("September replaced, August (not re-run) kept at 7, no duplicates")
                .containsExactly("2024-08-01 AmazonEC2 7.0", "2024-09-01 AmazonEC2 12.0");
        assertThat(rows(spark, lake, "cost_line_items", "billing_period, effective_cost"))
                .containsExactly("2024-08-01 7.0", "2024-09-01 12.0");
        assertThat(rows(spark, lake, "cost_kpis_monthly", "billing_period, account_id, total_effective_cost, mom_effective_cost_change"))
                .as("September's month-over-month change against the input's August: (12 - 99) / 99")
                .containsExactly("2024-08-01 * 7.0 null", "2024-08-01 111111111111 7.0 null",
                        "2024-09-01 * 12.0 " + (12 - 99) / 99.0, "2024-09-01 111111111111 12.0 " + (12 - 99) / 99.0);

        // August's rows gone from the input (a prefix holding the current month only): September's change falls back to
        // the August KPIs published by the first run, 7.
        new CurFile()
                .row(ACCOUNT, "2024-09-02", "Usage", "12", "pricing_public_on_demand_cost", "12")
                .write(input.resolve("part-1.csv"));
        assertSucceeded(run(input, lake, "2024-09-15"));
        assertThat(rows(spark, lake, "cost_kpis_monthly", "billing_period, account_id, total_effective_cost, mom_effective_cost_change"))
                .as("September's month-over-month change against the published August: (12 - 7) / 7")
                .containsExactly("2024-08-01 * 7.0 null", "2024-08-01 111111111111 7.0 null",
                        "2024-09-01 * 12.0 " + (12 - 7) / 7.0, "2024-09-01 111111111111 12.0 " + (12 - 7) / 7.0);
    }

    @Test
    void readsCurParquetFromS3(SparkSession spark, S3Proxy s3)
    {
        Path local = work.resolve("sample");
        new SampleCurGenerator().generate(new dev.sparkjobs.api.SampleDataGenerator.Request(spark, local.toString(), 500, 3));
        String bucket = s3.createBucket("cur");
        s3.upload(local.resolve("billing"), bucket, "exports/cur2/data");
        List<String> settings = new ArrayList<>(s3.settings());
        settings.add("input.billing=s3a://" + bucket + "/exports/cur2/");
        settings.add("output.root=" + work.resolve("lake"));
        settings.add("scope=all");
        CliRun run = CliRun.withSettings(List.of("run", "cost-analysis", "--date", "2024-09-30"), settings);
        assertSucceeded(run);
        double expected = spark.read().parquet(local.resolve("billing").toString())
                .filter("line_item_operation is null or line_item_operation not in ('EKSPod-EC2', 'ECSTask-EC2')")
                .agg(org.apache.spark.sql.functions.sum("line_item_unblended_cost")).first().getDouble(0);
        double billed = spark.read().format("delta").load(work.resolve("lake/cost_kpis_monthly").toString())
                .filter("account_id = '*'").agg(org.apache.spark.sql.functions.sum("total_billed_cost")).first().getDouble(0);
        assertThat(billed).as("billed cost of the three months = unblended cost of the non-split rows in the files").isCloseTo(expected,
                org.assertj.core.api.Assertions.within(1e-6));
        assertThat(spark.read().format("delta").load(work.resolve("lake/cost_line_items").toString()).first().<String>getAs("source_file"))
                .startsWith("s3a://" + bucket + "/exports/cur2/data/");
    }

    private static CliRun run(Path input, String lake, String date, String... settings)
    {
        List<String> all = new ArrayList<>(List.of("input.billing=" + input, "output.root=" + lake));
        all.addAll(List.of(settings));
        return CliRun.withSettings(List.of("run", "cost-analysis", "--date", date), all);
    }

    private static List<String> rows(SparkSession spark, String lake, String table, String columns)
    {
        return spark.read().format("delta").load(lake + "/" + table).selectExpr(columns.split(", ")).orderBy(columns.split(", ")[0], columns.split(", "))
                .collectAsList().stream()
                .map(row -> {
                    List<String> cells = new ArrayList<>();
                    for (int i = 0; i < row.size(); i++) {
                        cells.add(String.valueOf(row.get(i)));
                    }
                    return String.join(" ", cells);
                })
                .toList();
    }

    private static void assertSucceeded(CliRun run)
    {
        assertThat(run.exitCode()).as(run.transcript()).isZero();
    }
}
