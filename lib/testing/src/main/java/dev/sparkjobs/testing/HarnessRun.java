package dev.sparkjobs.testing;

import static java.util.Objects.requireNonNull;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * One run of a job through the command line, and what it left in the lake: its exit code and
 * output, the tables it published, its row in the run ledger (counters, warnings, status).
 */
public final class HarnessRun
{
    private final SparkSession spark;
    private final String job;
    private final String lake;
    private final CliRun cli;

    HarnessRun(SparkSession spark, String job, String lake, CliRun cli)
    {
        this.spark = requireNonNull(spark, "spark is null");
        this.job = requireNonNull(job, "job is null");
        this.lake = requireNonNull(lake, "lake is null");
        this.cli = requireNonNull(cli, "cli is null");
    }

    public int exitCode()
    {
        return cli.exitCode();
    }

    public String out()
    {
        return cli.out();
    }

    public String err()
    {
        return cli.err();
    }

    /** Exit code and everything printed, for assertion messages. */
    public String transcript()
    {
        return cli.transcript();
    }

    public HarnessRun assertSucceeded()
    {
        assertThat(exitCode()).as(transcript()).isZero();
        return this;
    }

    /** A table of the lake as it is now (its latest version). */
    public Dataset<Row> table(String name)
    {
        return spark.read().format("delta").load(lake + "/" + name);
    }

    /** This run's row of the run ledger: the latest run of the job. */
    public LedgerRow ledgerRow()
    {
        Row row = spark.read().format("delta").load(lake + "/_runs").filter(new Column("job").equalTo(job))
                .orderBy(new Column("started_at").desc()).first();
        Map<String, Long> counters = new TreeMap<>(row.getJavaMap(row.fieldIndex("counters")));
        List<String> warnings = row.getList(row.fieldIndex("warnings"));
        Map<LocalDate, String> recomputed = new TreeMap<>();
        List<Row> partitions = row.isNullAt(row.fieldIndex("recomputed_partitions")) ? List.of() : row.getList(row.fieldIndex("recomputed_partitions"));
        partitions.forEach(partition -> recomputed.put(partition.getDate(0).toLocalDate(), partition.getString(1)));
        return new LedgerRow(row.getAs("run_id"), row.getAs("status"), counters, List.copyOf(warnings),
                Optional.ofNullable(row.<String>getAs("error_summary")), recomputed);
    }

    /** The run's counters, from its ledger row. */
    public Map<String, Long> counters()
    {
        return ledgerRow().counters();
    }

    /** The run's warnings (the job's, and warn-level checks that did not pass), from its ledger row. */
    public List<String> warnings()
    {
        return ledgerRow().warnings();
    }

    /** Every table of the lake but the ledger, as sorted lines of its rows: for comparing runs. */
    Map<String, List<String>> publishedRows()
    {
        Map<String, List<String>> tables = new TreeMap<>();
        for (String table : tables()) {
            List<String> rows = new ArrayList<>();
            table(table).collectAsList().forEach(row -> rows.add(row.toString()));
            rows.sort(String::compareTo);
            tables.put(table, rows);
        }
        return tables;
    }

    private List<String> tables()
    {
        org.apache.hadoop.fs.Path root = new org.apache.hadoop.fs.Path(lake);
        try {
            org.apache.hadoop.fs.FileSystem fs = root.getFileSystem(spark.sparkContext().hadoopConfiguration());
            List<String> names = new ArrayList<>();
            for (org.apache.hadoop.fs.FileStatus status : fs.listStatus(root)) {
                String name = status.getPath().getName();
                if (status.isDirectory() && !name.startsWith("_") && fs.exists(new org.apache.hadoop.fs.Path(status.getPath(), "_delta_log"))) {
                    names.add(name);
                }
            }
            return names;
        }
        catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A row of the run ledger; {@code recomputed} maps each partition the run declared recomputed to the reason. */
    public record LedgerRow(String runId, String status, Map<String, Long> counters, List<String> warnings, Optional<String> errorSummary,
            Map<LocalDate, String> recomputed)
    {
        public LedgerRow
        {
            requireNonNull(runId, "runId is null");
            requireNonNull(status, "status is null");
            counters = Map.copyOf(counters);
            warnings = List.copyOf(warnings);
            requireNonNull(errorSummary, "errorSummary is null");
            recomputed = java.util.Collections.unmodifiableMap(new TreeMap<>(recomputed));
        }
    }
}
