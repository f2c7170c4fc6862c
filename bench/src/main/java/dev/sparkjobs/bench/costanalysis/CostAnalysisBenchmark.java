package dev.sparkjobs.bench.costanalysis;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.octet_length;
import static org.apache.spark.sql.functions.sum;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import dev.sparkjobs.api.SampleDataGenerator;
import dev.sparkjobs.cli.Cli;
import dev.sparkjobs.cli.Main;
import dev.sparkjobs.costanalysis.SampleCurGenerator;

/**
 * cost-analysis on generated CUR 2.0 Parquet, one mode per JVM so that each gets its own peak
 * memory figure (bench/cost-analysis.sh runs them under /usr/bin/time):
 * <ul>
 *   <li>{@code generate WORK ROWS}: the sample generator's Parquet (skipped when present);</li>
 *   <li>{@code scan WORK}: a bare Spark scan of the columns the job uses (the floor for Spark);</li>
 *   <li>{@code job WORK}: the job end to end through the CLI, scope=all, into a fresh lake;</li>
 *   <li>{@code duckdb WORK}: DuckDB (JDBC, 2 threads) computing the same cost_daily and
 *       cost_kpis_monthly from the same Parquet, written to Parquet files (the baseline);</li>
 *   <li>{@code duckdb-line-items WORK}: the same, also writing every normalised line item with all
 *       of cost_line_items' columns to Parquet partitioned by billing period, as the job does (not a
 *       target: the like-for-like work).</li>
 *   <li>{@code restated-all WORK}, then {@code restated-daily WORK}, then {@code restated-touched WORK}:
 *       restated billing periods on one lake ({@code WORK/lake-restated}): {@code scope=all}; the daily
 *       run of 2024-09-30 with nothing changed in the closed months; the same after one July file was
 *       rewritten (its modification time set to now). Each prints what the ledger recorded: periods
 *       recomputed, files opened and skipped, bytes and rows read by the run's tasks.</li>
 * </ul>
 */
public final class CostAnalysisBenchmark
{
    private static final List<String> NUMBERS = List.of("line_item_unblended_cost", "pricing_public_on_demand_cost", "line_item_usage_amount",
            "savings_plan_savings_plan_effective_cost", "savings_plan_total_commitment_to_date", "savings_plan_used_commitment",
            "reservation_effective_cost", "reservation_unused_amortized_upfront_fee_for_billing_period", "reservation_unused_recurring_fee",
            "split_line_item_split_cost", "split_line_item_unused_cost", "split_line_item_net_split_cost");
    private static final List<String> TEXTS = List.of("line_item_usage_account_id", "line_item_line_item_type", "line_item_product_code",
            "product_servicecode", "product_region_code", "line_item_resource_id", "line_item_usage_type", "line_item_operation",
            "product_instance_type", "pricing_unit", "reservation_reservation_a_r_n", "line_item_usage_account_name");
    private static final List<String> TIMES = List.of("bill_billing_period_start_date", "line_item_usage_start_date");

    private CostAnalysisBenchmark() {}

    public static void main(String[] args)
            throws Exception
    {
        String mode = args[0];
        Path work = Path.of(args[1]).toAbsolutePath();
        Path billing = work.resolve("sample/billing");
        long started = System.nanoTime();
        switch (mode) {
            case "generate" -> generate(work, Integer.parseInt(args[2]));
            case "scan" -> scan(billing);
            case "job" -> job(work, billing);
            case "duckdb" -> duckdb(work, billing, false);
            case "duckdb-line-items" -> duckdb(work, billing, true);
            case "restated-all" -> restated(work, billing, "all");
            case "restated-daily" -> restated(work, billing, "daily");
            case "restated-touched" -> restated(work, billing, "touched");
            default -> throw new IllegalArgumentException("unknown mode " + mode
                    + ": use generate, scan, job, duckdb, duckdb-line-items, restated-all, restated-daily or restated-touched");
        }
        System.out.printf(Locale.ROOT, "RESULT %s wall %.1f s%n", mode, (System.nanoTime() - started) / 1e9);
    }

    private static SparkSession spark()
    {
        return SparkSession.builder().master("local[2]").appName("cost-analysis benchmark")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.session.timeZone", "UTC")
                .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
                .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
                .getOrCreate();
    }

    private static void generate(Path work, int rows)
    {
        if (Files.exists(work.resolve("sample/billing/_SUCCESS")) && Files.isDirectory(work.resolve("sample/billing/BILLING_PERIOD=2024-07"))) {
            System.out.println("sample exists: " + work.resolve("sample/billing"));
            return;
        }
        SampleDataGenerator.SampleData sample = new SampleCurGenerator()
                .generate(new SampleDataGenerator.Request(spark(), work.resolve("sample").toString(), rows, 42));
        System.out.println(sample.summary());
    }

    private static void scan(Path billing)
    {
        List<Column> aggregates = new ArrayList<>();
        NUMBERS.forEach(name -> aggregates.add(sum(col(name))));
        // every string is read (decoded) once and only its byte length used; -Dbench.scanTexts=max takes the max of each (earlier runs):
        // string comparisons and copies in a sort-based aggregate without code generation, about 5 s more at 10M rows
        boolean maxOfTexts = "max".equals(System.getProperty("bench.scanTexts", "bytes"));
        TEXTS.forEach(name -> aggregates.add(maxOfTexts ? max(col(name)) : sum(octet_length(col(name)))));
        TIMES.forEach(name -> aggregates.add(max(col(name))));
        aggregates.add(maxOfTexts ? max(col("resource_tags").getItem("user_team")) : sum(octet_length(col("resource_tags").getItem("user_team"))));
        SparkSession spark = spark();
        // The job reads with Parquet's vectorized reader for map columns too (see BillingReader); -Dbench.nestedVectorized=false
        // measures Spark's default, where the resource_tags map makes the whole scan row by row.
        spark.conf().set("spark.sql.parquet.enableNestedColumnVectorizedReader", System.getProperty("bench.nestedVectorized", "true"));
        Row row = spark.read().parquet(billing.toString()).agg(count(lit(1)), aggregates.toArray(Column[]::new)).first();
        System.out.println("scanned " + row.getLong(0) + " rows, " + (aggregates.size()) + " columns");
    }

    private static void job(Path work, Path billing)
    {
        spark();
        runJob(billing, work.resolve("lake-" + System.currentTimeMillis()).toString(), "scope=all");
    }

    private static void runJob(Path billing, String lake, String scope)
    {
        String[] args = {"run", "cost-analysis", "--date", "2024-09-30", "--set", "input.billing=" + billing, "--set", scope,
                "--set", "output.root=" + lake};
        int code = Main.execute(Cli.standard(new PrintStream(System.out, true, StandardCharsets.UTF_8), new PrintStream(System.err, true, StandardCharsets.UTF_8)), args);
        if (code != 0) {
            throw new IllegalStateException("cost-analysis exited with " + code);
        }
    }

    private static void restated(Path work, Path billing, String kind)
            throws IOException
    {
        Path lake = work.resolve("lake-restated");
        if (kind.equals("all") && Files.exists(lake)) {
            try (var files = Files.walk(lake)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
        if (kind.equals("touched")) {
            try (var files = Files.list(billing.resolve("BILLING_PERIOD=2024-07"))) {
                Path rewritten = files.filter(path -> path.toString().endsWith(".parquet")).sorted().findFirst().orElseThrow();
                Files.setLastModifiedTime(rewritten, java.nio.file.attribute.FileTime.from(java.time.Instant.now()));
                System.out.println("rewritten (modification time now): " + rewritten);
            }
        }
        SparkSession spark = spark();
        long started = System.nanoTime();
        runJob(billing, lake.toString(), kind.equals("all") ? "scope=all" : "scope=date");
        double seconds = (System.nanoTime() - started) / 1e9;
        Row run = spark.read().format("delta").load(lake.resolve("_runs").toString()).orderBy(col("started_at").desc())
                .selectExpr("bytes_read", "rows_read", "counters['billing_files_read']", "counters['billing_files_skipped']",
                        "transform(recomputed_partitions, p -> concat(cast(p.partition_value AS string), ' (', p.reason, ')'))")
                .first();
        System.out.printf(Locale.ROOT, "RESTATED %s: run %.1f s, read %.1f MB and %d rows by its tasks, billing files opened %d, skipped %d; recomputed %s%n",
                kind, seconds, run.getLong(0) / 1e6, run.getLong(1), run.getLong(2), run.getLong(3), run.getList(4));
    }

    private static void duckdb(Path work, Path billing, boolean lineItems)
            throws Exception
    {
        Path out = work.resolve("duckdb-" + System.currentTimeMillis());
        Files.createDirectories(out);
        try (Connection connection = DriverManager.getConnection("jdbc:duckdb:"); Statement statement = connection.createStatement()) {
            statement.execute("SET threads = 2");
            statement.execute("SET TimeZone = 'UTC'");
            statement.execute("CREATE TEMP TABLE items AS " + DuckDbQueries.items(billing.resolve("*/*.parquet").toString(), lineItems));
            if (lineItems) {
                statement.execute("COPY items TO '" + out.resolve("cost_line_items") + "' (FORMAT PARQUET, PARTITION_BY (billing_period))");
            }
            statement.execute("COPY (" + DuckDbQueries.DAILY + ") TO '" + out.resolve("cost_daily.parquet") + "' (FORMAT PARQUET)");
            statement.execute("COPY (" + DuckDbQueries.KPIS + ") TO '" + out.resolve("cost_kpis_monthly.parquet") + "' (FORMAT PARQUET)");
            try (ResultSet counts = statement.executeQuery("SELECT (SELECT count(*) FROM items), (SELECT count(*) FROM read_parquet('"
                    + out.resolve("cost_daily.parquet") + "')), (SELECT round(sum(total_effective_cost), 4) FROM read_parquet('"
                    + out.resolve("cost_kpis_monthly.parquet") + "') WHERE account_id = '*')")) {
                counts.next();
                System.out.println("duckdb: " + counts.getLong(1) + " cost rows, " + counts.getLong(2) + " cost_daily rows, total effective cost "
                        + counts.getDouble(3));
            }
        }
    }
}
