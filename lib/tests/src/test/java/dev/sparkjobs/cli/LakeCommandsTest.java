package dev.sparkjobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.apache.commons.lang3.StringUtils;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dev.sparkjobs.internal.publish.DeltaTables;
import dev.sparkjobs.testing.CliRun;
import dev.sparkjobs.testing.DeltaKernelRows;
import dev.sparkjobs.testing.SharedSpark;
import dev.sparkjobs.testing.TestFiles;

/**
 * sql, tables, runs and report on one lake made by real runs of the test job (replace-partition,
 * merge and idempotent append), a failed run and the smoke test. Expected values are worked out
 * by hand from the events below.
 */
@ExtendWith(SharedSpark.class)
class LakeCommandsTest
{
    @TempDir
    static Path work;

    private static String lake;

    @BeforeAll
    static void makeLake(SparkSession spark)
    {
        Path events = work.resolve("events");
        TestFiles.write(events.resolve("part-1.csv"), List.of(
                "event_date,account,amount",
                "2024-09-01,a,10.0",
                "2024-09-01,a,5.5",
                "2024-09-01,b,1.0",
                "2024-09-02,a,2.0",
                "2024-09-02,c,7.25"));
        lake = work.resolve("lake").toString();
        for (String date : List.of("2024-09-01", "2024-09-02", "2024-09-02")) {
            CliRun run = CliRun.withSettings(List.of("run", "daily-totals", "--date", date), List.of("input.events=" + events, "output.root=" + lake));
            assertThat(run.exitCode()).as(run.transcript()).isZero();
        }
        CliRun failed = CliRun.withSettings(List.of("run", "daily-totals", "--date", "2024-09-03"),
                List.of("input.events=" + events, "output.root=" + lake, "fail-with-error=true"));
        assertThat(failed.exitCode()).as(failed.transcript()).isEqualTo(1);
        CliRun smoke = CliRun.withSettings(List.of("run", "smoke-test", "--date", "2024-09-01"), List.of("output.root=" + lake, "rows=10"));
        assertThat(smoke.exitCode()).as(smoke.transcript()).isZero();
    }

    private static CliRun onLake(String... args)
    {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--set", "output.root=" + lake));
        return CliRun.of(all);
    }

    private static List<List<String>> cells(String printed)
    {
        return printed.lines().skip(2).filter(line -> !line.startsWith("(")).map(line -> List.of(line.trim().split("\\s{2,}"))).toList();
    }

    @Test
    void sqlQueriesTablesByNameAndPrintsAnAlignedTable()
    {
        CliRun run = onLake("sql", "SELECT account, sum(total) AS total, sum(events) AS events FROM daily_totals GROUP BY account ORDER BY account");
        assertThat(run.exitCode()).as(run.transcript()).isZero();
        // a: 10.0 + 5.5 on 09-01 and 2.0 on 09-02 = 17.5 in 3 events; b: 1.0; c: 7.25. The re-run of 09-02 replaced, not added.
        assertThat(run.out().lines().toList()).as(run.transcript()).containsExactly(
                "account  total  events",
                "-------  -----  ------",
                "a         17.5       3",
                "b          1.0       1",
                "c         7.25       1",
                "(3 rows)");
    }

    @Test
    void sqlSeesEveryTableOfTheLakeIncludingTheLedger()
    {
        CliRun run = onLake("sql", "SELECT (SELECT count(*) FROM events_seen) AS appended, (SELECT count(*) FROM account_totals) AS accounts, "
                + "(SELECT count(*) FROM _runs) AS runs, (SELECT total FROM smoke_test) AS smoke");
        assertThat(run.exitCode()).as(run.transcript()).isZero();
        // events appended once per date (3 + 2, the second run of 09-02 appends nothing); accounts a, b, c;
        // runs: three succeeded, one failed, one smoke test; smoke test sums 1..10 = 55
        assertThat(cells(run.out())).as(run.transcript()).containsExactly(List.of("5", "3", "5", "55"));
    }

    @Test
    void sqlDescribeShowsTheColumnComments()
    {
        CliRun run = onLake("sql", "DESCRIBE daily_totals");
        assertThat(run.exitCode()).as(run.transcript()).isZero();
        assertThat(run.out()).as(run.transcript()).containsPattern("total +double +Sum of amounts").containsPattern("account +string +Account id");
    }

    @Test
    void sqlSaysWhenRowsAreCutOffAtTheLimit()
    {
        CliRun run = onLake("sql", "SELECT * FROM events_seen ORDER BY amount", "--limit", "2");
        assertThat(run.exitCode()).as(run.transcript()).isZero();
        assertThat(cells(run.out())).as(run.transcript()).hasSize(2);
        assertThat(run.out()).as(run.transcript()).contains("(first 2 rows shown; there are more");
    }

    @Test
    void sqlWritesEveryRowToCsvInTheQueryOrder()
            throws Exception
    {
        Path out = work.resolve("out/accounts.csv");
        CliRun run = onLake("sql", "SELECT account, total FROM account_totals ORDER BY total DESC", "--format", "csv", "--out", out.toString());
        assertThat(run.exitCode()).as(run.transcript()).isZero();
        // merge on account: a's row is the 09-02 run's (2.0), b's from 09-01 (1.0), c's from 09-02 (7.25)
        assertThat(Files.readAllLines(out)).as(run.transcript()).containsExactly("account,total", "c,7.25", "a,2.0", "b,1.0");
        assertThat(run.out()).contains("Wrote 3 rows to " + out);
    }

    @Test
    void sqlSyntaxErrorExitsWithTwoAndNamesTheTables()
    {
        CliRun run = onLake("sql", "SELEC account FROM daily_totals");
        assertThat(run.exitCode()).as(run.transcript()).isEqualTo(2);
        assertThat(run.err()).as(run.transcript())
                .contains("Cannot run the query:")
                .contains("Syntax error")
                .contains("Tables of this lake, by name: _runs, account_totals, daily_totals, events_seen, smoke_test");
    }

    @Test
    void sqlUnknownTableExitsWithTwoAndNamesTheTables()
    {
        CliRun run = onLake("sql", "SELECT * FROM daily_total");
        assertThat(run.exitCode()).as(run.transcript()).isEqualTo(2);
        assertThat(run.err()).as(run.transcript())
                .contains("daily_total")
                .contains("cannot be found")
                .contains("Tables of this lake, by name: _runs, account_totals, daily_totals, events_seen, smoke_test");
    }

    @Test
    void sqlRefusesStatementsThatChangeTheLakeAndChangesNothing(SparkSession spark)
    {
        long before = DeltaTables.currentVersion(spark, lake + "/daily_totals").orElseThrow();
        CliRun run = onLake("sql", "DELETE FROM daily_totals WHERE account = 'a'");
        assertThat(run.exitCode()).as(run.transcript()).isEqualTo(2);
        assertThat(run.err()).as(run.transcript()).contains("sql only reads the lake").contains("DeleteFromTable");
        CliRun insert = onLake("sql", "INSERT INTO daily_totals SELECT * FROM daily_totals");
        assertThat(insert.exitCode()).as(insert.transcript()).isEqualTo(2);
        assertThat(insert.err()).as(insert.transcript()).contains("sql only reads the lake").contains("InsertIntoStatement");
        Path directory = work.resolve("exported-by-sql");
        CliRun toFolder = onLake("sql", "WITH t AS (SELECT 1 AS x) INSERT OVERWRITE DIRECTORY '" + directory + "' USING parquet SELECT * FROM t");
        assertThat(toFolder.exitCode()).as(toFolder.transcript()).isEqualTo(2);
        assertThat(toFolder.err()).as(toFolder.transcript()).contains("sql only reads the lake");
        assertThat(directory).as("no folder written by the refused statement").doesNotExist();
        assertThat(DeltaTables.currentVersion(spark, lake + "/daily_totals")).as("daily_totals' version after the refused DELETE").contains(before);
        assertThat(spark.read().format("delta").load(lake + "/daily_totals").count()).as("rows of daily_totals").isEqualTo(4);
    }

    @Test
    void tablesListsEveryTableWithItsJobVersionRunRowsAndPartitions()
    {
        CliRun run = onLake("tables");
        assertThat(run.exitCode()).as(run.transcript()).isZero();
        List<List<String>> rows = run.out().lines().skip(3).map(line -> List.of(line.trim().split("\\s{2,}"))).toList();
        assertThat(rows).as(run.transcript()).extracting(row -> row.get(0))
                .containsExactly("_runs", "account_totals", "daily_totals", "events_seen", "smoke_test");
        List<String> daily = rows.get(2);
        assertThat(daily.get(1)).as("job of daily_totals").isEqualTo("daily-totals");
        // three publishing runs of daily_totals: versions 0 (09-01), 1 (09-02), 2 (the re-run of 09-02)
        assertThat(daily.get(2)).as("version of daily_totals").isEqualTo("2");
        assertThat(daily.get(4)).as("last run of daily_totals").startsWith("daily-totals-");
        assertThat(daily.get(5)).as("rows of daily_totals: (09-01 a), (09-01 b), (09-02 a), (09-02 c)").isEqualTo("4");
        assertThat(daily.get(6)).as("partitions of daily_totals").isEqualTo("2 by event_date");
        assertThat(rows.get(0).get(1)).as("owner of _runs").isEqualTo(TablesCommand.LEDGER_OWNER);
        assertThat(rows.get(3).get(5)).as("rows of events_seen").isEqualTo("5");
        assertThat(rows.get(4).get(1)).as("job of smoke_test").isEqualTo("smoke-test");
    }

    @Test
    void runsShowsTheLedgerLatestFirstWithFilters()
    {
        CliRun all = onLake("runs");
        assertThat(all.exitCode()).as(all.transcript()).isZero();
        List<List<String>> rows = cells(all.out());
        assertThat(rows).as(all.transcript()).extracting(row -> row.get(1) + " " + row.get(2) + " " + row.get(3)).containsExactly(
                "smoke-test 2024-09-01 SUCCEEDED",
                "daily-totals 2024-09-03 FAILED",
                "daily-totals 2024-09-02 SUCCEEDED",
                "daily-totals 2024-09-02 SUCCEEDED",
                "daily-totals 2024-09-01 SUCCEEDED");
        assertThat(all.out()).as(all.transcript()).contains("assertion failed: fail-with-error is set").contains("(5 runs)");

        CliRun failed = onLake("runs", "--job", "daily-totals", "--status", "failed");
        assertThat(cells(failed.out())).as(failed.transcript()).hasSize(1);
        assertThat(cells(failed.out()).get(0).get(2)).isEqualTo("2024-09-03");

        CliRun oneDate = onLake("runs", "--date", "2024-09-02");
        assertThat(cells(oneDate.out())).as(oneDate.transcript()).hasSize(2)
                .allSatisfy(row -> assertThat(row.get(7)).as("tables written by a run of 09-02").contains("daily_totals@").contains("account_totals@"));

        CliRun latest = onLake("runs", "--limit", "2");
        assertThat(cells(latest.out())).as(latest.transcript()).hasSize(2);
        assertThat(latest.out()).contains("(latest 2 of 5 runs; --limit N shows more)");

        CliRun none = onLake("runs", "--job", "cost-analysis");
        assertThat(none.exitCode()).as(none.transcript()).isZero();
        assertThat(none.out()).contains("(no runs match; jobs in the ledger: daily-totals, smoke-test)");
    }

    @Test
    void runsRejectsAnUnknownStatus()
    {
        CliRun run = onLake("runs", "--status", "DONE");
        assertThat(run.exitCode()).as(run.transcript()).isEqualTo(2);
        assertThat(run.err()).contains("--status DONE is not a run status. Use one of RUNNING, SUCCEEDED, FAILED");
    }

    @Test
    void reportWritesOnePageWithAnSvgPerChartAndEscapedText()
            throws Exception
    {
        Path out = work.resolve("reports/daily.html");
        CliRun run = onLake("report", "daily-totals", "--out", out.toString());
        assertThat(run.exitCode()).as(run.transcript()).isZero();
        assertThat(run.out()).as(run.transcript()).contains("Wrote the daily-totals report (2 days; 1 charts, 1 tables");
        String html = Files.readString(out);
        assertThat(StringUtils.countMatches(html, "<svg")).as("one SVG per chart").isEqualTo(1);
        assertThat(html).contains("id='chart-total-per-day'")
                .contains("Amounts &amp; totals &lt;as published&gt;.")
                .as("a page that fetches nothing: no script, no link, no external source")
                .doesNotContain("<script").doesNotContain("<link").doesNotContain("@import").doesNotContainPattern("(src|href)\\s*=\\s*['\"]?(https?:)?//")
                .contains("<td>a</td><td class=\"number\">17.50</td>");
    }

    @Test
    void reportOfAJobWithoutOneExitsWithTwo()
    {
        CliRun run = onLake("report", "smoke-test", "--out", work.resolve("reports/smoke.html").toString());
        assertThat(run.exitCode()).as(run.transcript()).isEqualTo(2);
        assertThat(run.err()).contains("job smoke-test has none. Jobs with a report: daily-totals");
    }

    @Test
    void aLakeOfASchemeNoFileSystemServesIsRefusedBeforeTheRunStarts()
    {
        String refused = "Cannot use output.root = gs://bucket/lake: no Hadoop file system for the scheme 'gs' is on the class path. Use a local path, "
                + "file:// or s3a://bucket/prefix (s3:// on EMR, where EMRFS serves it), or add the connector's jar and set spark.hadoop.fs.gs.impl.";
        CliRun run = CliRun.of("run", "smoke-test", "--date", "2024-09-30", "--set", "output.root=gs://bucket/lake");
        assertThat(run.exitCode()).as(run.transcript()).isEqualTo(2);
        assertThat(run.err()).as(run.transcript()).contains(refused);
        assertThat(run.out()).as("nothing started: no step printed").doesNotContain("starting run");
        CliRun tables = CliRun.of("tables", "--set", "output.root=gs://bucket/lake");
        assertThat(tables.exitCode()).as(tables.transcript()).isEqualTo(2);
        assertThat(tables.err()).as(tables.transcript()).contains(refused);
    }

    @Test
    void commandsOnALakeWithoutTablesExitWithTwo()
    {
        for (String command : List.of("tables", "sql")) {
            List<String> args = new ArrayList<>(List.of(command));
            if (command.equals("sql")) {
                args.add("SELECT 1");
            }
            args.addAll(List.of("--set", "output.root=" + work.resolve("no-lake")));
            CliRun run = CliRun.of(args);
            assertThat(run.exitCode()).as(run.transcript()).isEqualTo(2);
            assertThat(run.err()).as(run.transcript()).contains("holds no Delta table (output.root)");
        }
        CliRun runs = CliRun.of("runs", "--set", "output.root=" + work.resolve("no-lake"));
        assertThat(runs.exitCode()).as(runs.transcript()).isEqualTo(2);
        assertThat(runs.err()).contains("there is no run ledger at");
    }

    @Test
    void everyTableOpensInDeltaKernelWithTheRowsSparkReadsAndNeedsNoReaderFeature(SparkSession spark)
    {
        // replace-partition (daily_totals, re-run of 09-02), merge (account_totals, _runs), idempotent append (events_seen), overwrite-free smoke test
        for (String table : List.of("_runs", "account_totals", "daily_totals", "events_seen", "smoke_test")) {
            String path = lake + "/" + table;
            var hadoop = spark.sparkContext().hadoopConfiguration();
            assertThat(DeltaKernelRows.read(path, hadoop)).as("rows of %s read by Delta Kernel, against Spark's", table)
                    .containsExactlyInAnyOrderElementsOf(DeltaKernelRows.ofSpark(spark.read().format("delta").load(path)))
                    .isNotEmpty();
            assertThat(DeltaKernelRows.readerProtocol(path, hadoop)).as("reader protocol of %s: any Delta reader opens it", table)
                    .isEqualTo(new DeltaKernelRows.ReaderProtocol(1, List.of()));
        }
    }
}
