package dev.sparkjobs.costanalysis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;

import org.apache.spark.sql.SparkSession;

import dev.sparkjobs.testing.JobHarness;
import dev.sparkjobs.testing.JobPreview;

/**
 * The job's tables for a billing period computed as a run computes them, without publishing:
 * fast enough to check every rule. Each table is aligned to its declared schema by the framework,
 * so a schema mismatch fails here as it would in a real run. The previous preview is closed when
 * the next one starts, as the framework releases what a run persisted when it ends.
 */
final class CostAnalysisPreview
{
    private static JobPreview latest;

    private CostAnalysisPreview() {}

    /** The month of {@code date}, from {@code input}, with extra settings as key, value pairs. */
    static JobPreview forPeriod(SparkSession spark, String input, String date, String... keyValues)
    {
        return preview(spark, input, date, false, keyValues);
    }

    /** Every period found in {@code input} ({@code scope=all}). */
    static JobPreview forAllPeriods(SparkSession spark, String input, String date, String... keyValues)
    {
        return preview(spark, input, date, true, keyValues);
    }

    private static synchronized JobPreview preview(SparkSession spark, String input, String date, boolean allPeriods, String... keyValues)
    {
        if (latest != null) {
            latest.close();
        }
        JobHarness harness;
        try {
            harness = JobHarness.onLocalLake(spark, CostAnalysisJob.NAME, Files.createTempDirectory("cost-analysis-preview"));
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        harness.input("billing", input);
        for (int i = 0; i < keyValues.length; i += 2) {
            harness.set(keyValues[i], keyValues[i + 1]);
        }
        if (allPeriods) {
            harness.set("scope", "all");
        }
        latest = harness.preview(date);
        return latest;
    }
}
