package dev.sparkjobs.costanalysis;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dev.sparkjobs.testing.HarnessRun;
import dev.sparkjobs.testing.JobHarness;
import dev.sparkjobs.testing.SharedSpark;

/**
 * Restated billing periods: AWS rewrites a period's export files (BILLING_PERIOD=YYYY-MM folders)
 * until its invoice is final. A daily run recomputes its own period, every earlier published period
 * whose files changed, and the period after each of those (its month-over-month change depends on
 * it); it does not read the months nobody needs. Expected costs are the fixtures' sums.
 */
@ExtendWith(SharedSpark.class)
class RestatedPeriodsTest
{
    private static final String ACCOUNT = "111111111111";
    private static final List<String> MONTHS = List.of("2024-05", "2024-06", "2024-07", "2024-08", "2024-09");

    @TempDir
    Path work;

    @Test
    void rewrittenClosedMonthsAreRecomputedWithTheMonthAfterUntouchedMonthsAreNotReadAndFailedRunsDoNotCount(SparkSession spark)
            throws IOException
    {
        Path input = work.resolve("cur/data");
        String lake = work.resolve("lake").toAbsolutePath().toString();
        // 10, 20, 30, 40, 50 of EC2 usage in May to September, one file per month.
        for (int i = 0; i < MONTHS.size(); i++) {
            month(MONTHS.get(i), String.valueOf(10 * (i + 1))).write(periodFile(input, MONTHS.get(i)));
        }
        HarnessRun all = run(spark, input, "2024-09-30", "scope=all").assertSucceeded();
        assertThat(all.ledgerRow().recomputed()).as("scope=all recomputes and records every period of the input")
                .containsExactlyEntriesOf(reasons("2024-05", "scope=all", "2024-06", "scope=all", "2024-07", "scope=all", "2024-08", "scope=all",
                        "2024-09", "scope=all"));

        // July corrected after it closed: 30 becomes 33. May is made unreadable without changing what its listing shows
        // (same path, size and modification time): a run that read it would stop on its missing columns.
        month("2024-07", "33").write(periodFile(input, "2024-07"));
        unreadableKeepingListing(periodFile(input, "2024-05"));

        HarnessRun daily = run(spark, input, "2024-09-15").assertSucceeded();
        assertThat(daily.ledgerRow().recomputed()).as("July (files changed), August (its previous period changed) and September (own)")
                .containsExactlyEntriesOf(reasons("2024-07", "files changed", "2024-08", "previous period changed", "2024-09", "own period"));
        assertThat(daily.out()).as(daily.transcript())
                .contains("recomputed: 2024-07-01 (files changed), 2024-08-01 (previous period changed), 2024-09-01 (own period)");
        assertThat(daily.counters()).as("June read for July's month-over-month change and anomaly window; May not read")
                .containsEntry("billing_files_read", 4L).containsEntry("billing_files_skipped", 1L);
        assertThat(rows(spark, lake, "cost_kpis_monthly", "billing_period, total_effective_cost, mom_effective_cost_change"))
                .as("July's total restated to 33; July's and August's month-over-month changes follow it; May kept")
                .containsExactly("2024-05-01 10.0 null", "2024-06-01 20.0 " + (20 - 10) / 10.0, "2024-07-01 33.0 " + (33 - 20) / 20.0,
                        "2024-08-01 40.0 " + (40 - 33) / 33.0, "2024-09-01 50.0 " + (50 - 40) / 40.0);
        assertThat(rows(spark, lake, "cost_line_items", "billing_period, effective_cost"))
                .as("July's line item replaced, not duplicated")
                .containsExactly("2024-05-01 10.0", "2024-06-01 20.0", "2024-07-01 33.0", "2024-08-01 40.0", "2024-09-01 50.0");

        HarnessRun unchanged = run(spark, input, "2024-09-16").assertSucceeded();
        assertThat(unchanged.ledgerRow().recomputed()).as("nothing changed since: the own period only")
                .containsExactlyEntriesOf(reasons("2024-09", "own period"));
        assertThat(unchanged.counters()).as("September needs August only").containsEntry("billing_files_read", 2L).containsEntry("billing_files_skipped", 3L);

        // August rewritten with one unreadable cost: with the default rejects.max-fraction (0.001), the run stops (exit 3)
        // and publishes nothing, so its declarations must not count: the next run still sees August changed.
        month("2024-08", "44").row(ACCOUNT, "2024-08-21", "Usage", "not-a-number").write(periodFile(input, "2024-08"));
        HarnessRun failed = run(spark, input, "2024-09-17");
        assertThat(failed.exitCode()).as(failed.transcript()).isEqualTo(3);
        assertThat(failed.ledgerRow().status()).isEqualTo("FAILED");
        HarnessRun accepted = run(spark, input, "2024-09-18", "rejects.max-fraction=0.5").assertSucceeded();
        assertThat(accepted.ledgerRow().recomputed()).as("August's change, unpublished by the failed run, recomputed now")
                .containsExactlyEntriesOf(reasons("2024-08", "files changed", "2024-09", "own period"));
        assertThat(rows(spark, lake, "cost_kpis_monthly", "billing_period, total_effective_cost, mom_effective_cost_change"))
                .as("August restated to 44 (the unreadable row rejected), September's change follows it")
                .containsExactly("2024-05-01 10.0 null", "2024-06-01 20.0 " + (20 - 10) / 10.0, "2024-07-01 33.0 " + (33 - 20) / 20.0,
                        "2024-08-01 44.0 " + (44 - 33) / 33.0, "2024-09-01 50.0 " + (50 - 44) / 44.0);
    }

    /** One EC2 usage row of {@code cost} on the 20th of {@code month} (YYYY-MM), list cost equal. */
    private static CurFile month(String month, String cost)
    {
        return new CurFile().row(ACCOUNT, month + "-20", "Usage", cost, "pricing_public_on_demand_cost", cost);
    }

    private static Path periodFile(Path input, String month)
    {
        return input.resolve("BILLING_PERIOD=" + month).resolve("export-00001.csv");
    }

    private static void unreadableKeepingListing(Path file)
            throws IOException
    {
        FileTime modified = Files.getLastModifiedTime(file);
        byte[] garbage = new byte[(int) Files.size(file)];
        Arrays.fill(garbage, (byte) 'x');
        Files.write(file, garbage);
        Files.setLastModifiedTime(file, modified);
    }

    private static Map<LocalDate, String> reasons(String... monthsAndReasons)
    {
        Map<LocalDate, String> reasons = new java.util.TreeMap<>();
        for (int i = 0; i < monthsAndReasons.length; i += 2) {
            reasons.put(LocalDate.parse(monthsAndReasons[i] + "-01"), monthsAndReasons[i + 1]);
        }
        return reasons;
    }

    private HarnessRun run(SparkSession spark, Path input, String date, String... settings)
    {
        return JobHarness.onLocalLake(spark, CostAnalysisJob.NAME, work.resolve("lake")).input(BillingReader.INPUT, input.toString())
                .run(date, List.of(settings));
    }

    /** The account-level rows (account_id * for KPIs) of a table, sorted, as space-separated values. */
    private static List<String> rows(SparkSession spark, String lake, String table, String columns)
    {
        var rows = spark.read().format("delta").load(lake + "/" + table);
        if (table.equals("cost_kpis_monthly")) {
            rows = rows.filter("account_id = '*'");
        }
        List<String> lines = new ArrayList<>();
        for (Row row : rows.selectExpr(columns.split(", ")).collectAsList()) {
            List<String> cells = new ArrayList<>();
            for (int i = 0; i < row.size(); i++) {
                cells.add(String.valueOf(row.get(i)));
            }
            lines.add(String.join(" ", cells));
        }
        lines.sort(null);
        return lines;
    }
}
