package dev.sparkjobs.costanalysis;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dev.sparkjobs.api.ConfigKey;
import dev.sparkjobs.api.SampleDataGenerator;
import dev.sparkjobs.testing.JobPreview;
import dev.sparkjobs.testing.SharedSpark;

/** The sample-data generator and the job's declared defaults. */
@ExtendWith(SharedSpark.class)
class SampleDataTest
{
    @TempDir
    Path work;

    @Test
    void sampleIsReproducibleAndShowsTheFeaturesTheJobComputes(SparkSession spark)
    {
        SampleCurGenerator generator = new SampleCurGenerator();
        SampleDataGenerator.SampleData sample = generator.generate(new SampleDataGenerator.Request(spark, work.resolve("a").toString(),
                generator.defaultScale(), 42));
        generator.generate(new SampleDataGenerator.Request(spark, work.resolve("b").toString(), generator.defaultScale(), 42));
        Dataset<Row> first = spark.read().parquet(work.resolve("a/billing").toString());
        Dataset<Row> second = spark.read().parquet(work.resolve("b/billing").toString());
        assertThat(first.count()).isEqualTo(generator.defaultScale());
        String comparable = "to_json(struct(*)) as row";
        assertThat(first.selectExpr(comparable).exceptAll(second.selectExpr(comparable)).count()).as("same seed, same rows").isZero();
        assertThat(sample.settings()).containsEntry("input.billing", work.resolve("a/billing").toString()).containsEntry("scope", "all");
        assertThat(sample.suggestedDate().toString()).isEqualTo("2024-09-30");

        JobPreview outputs = CostAnalysisPreview.forAllPeriods(spark, sample.settings().get("input.billing"), "2024-09-30");
        List<String> spike = outputs.table("cost_anomalies")
                .filter("account_id = '" + SampleCurGenerator.SPIKE_ACCOUNT + "' and service_name = '" + SampleCurGenerator.SPIKE_SERVICE + "'")
                .filter("direction = 'up'").select("charge_date").collectAsList().stream().map(row -> row.get(0).toString()).toList();
        assertThat(spike).as("the planted spike is found").contains(SampleCurGenerator.SPIKE_DAY.toString());
        assertThat(outputs.table("cost_line_items").select("processor").distinct().collectAsList().stream().map(row -> String.valueOf(row.get(0))))
                .containsExactlyInAnyOrder("intel", "amd", "graviton", "null");
        assertThat(outputs.table("cost_line_items").select("pricing_category").distinct().collectAsList().stream().map(row -> row.getString(0)))
                .containsExactlyInAnyOrder("on_demand", "spot", "commitment", "other");
        assertThat(outputs.table("cost_eks_allocation").count()).as("EKS split rows").isPositive();
        assertThat(outputs.table("cost_kpis_monthly").filter("account_id = '*'").count()).as("three months").isEqualTo(3);
        assertThat(outputs.table("cost_rejects").count()).isZero();
    }

    @Test
    void defaultsArePinned()
    {
        CostAnalysisJob job = new CostAnalysisJob();
        assertThat(job.configKeys().stream().map(key -> key.name() + "=" + ((ConfigKey<?>) key).formatDefault()).toList()).containsExactly(
                "input.billing.format=auto", "tags.owner-key=team", "tags.environment-key=environment", "graviton.savings-rate.intel=0.2",
                "graviton.savings-rate.amd=0.1", "anomaly.window-days=14", "anomaly.threshold=3.5", "rejects.max-fraction=0.001");
        assertThat(job.outputs().stream().map(table -> table.name()).toList()).containsExactly("cost_line_items", "cost_daily", "cost_kpis_monthly",
                "cost_anomalies", "cost_eks_allocation", "cost_rejects");
        assertThat(job.outputs()).allSatisfy(table -> {
            assertThat(table.partitionColumns()).as("partitioning of %s", table.name()).containsExactly("billing_period");
            assertThat(table.schema().fields()).as("column comments of %s", table.name())
                    .allSatisfy(field -> assertThat(dev.sparkjobs.api.TableSpec.columnComment(field)).isPresent());
        });
        assertThat(CostAnalysisJob.earliestPeriodNeeded(java.time.LocalDate.of(2024, 9, 1), 14)).as("previous month covers a 14-day window")
                .isEqualTo(java.time.LocalDate.of(2024, 8, 1));
        assertThat(CostAnalysisJob.earliestPeriodNeeded(java.time.LocalDate.of(2024, 9, 1), 60)).isEqualTo(java.time.LocalDate.of(2024, 7, 1));
    }
}
