package dev.sparkjobs.cli;

import static java.util.Objects.requireNonNull;
import static org.apache.spark.sql.functions.col;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;

import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.plans.logical.Command;
import org.apache.spark.sql.catalyst.plans.logical.InsertIntoDir;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.ParsedStatement;
import org.apache.spark.sql.types.StructField;

import scala.collection.JavaConverters;

import dev.sparkjobs.errors.Errors;
import dev.sparkjobs.internal.export.TableExporter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@picocli.CommandLine.Command(name = "sql",
        description = {"Query the lake with Spark SQL: every table under output.root is registered by its folder name (cost_daily, _runs, ...).",
                "Prints an aligned table of the first --limit rows, or writes every row with --format csv|json --out FILE."})
final class SqlCommand
        implements Callable<Integer>
{
    /** Commands that only read: everything else that parses as a command (INSERT, DELETE, DROP, SET, ...) is refused. */
    private static final Set<String> READ_ONLY_COMMANDS = Set.of("ShowTables", "ShowViews", "ShowColumns", "ShowFunctions", "ShowTableProperties",
            "ShowCreateTable", "DescribeRelation", "DescribeColumn", "DescribeFunction", "ExplainCommand");

    private final Cli cli;

    @Parameters(index = "0", paramLabel = "QUERY", description = "A SELECT (or WITH, SHOW, DESCRIBE, EXPLAIN), e.g. \"SELECT service_name, sum(effective_cost) FROM cost_daily GROUP BY 1\".")
    private String query;

    @Option(names = "--limit", defaultValue = "100", paramLabel = "N", description = "Rows to print (default: ${DEFAULT-VALUE}); a note says when there are more.")
    private int limit;

    @Option(names = "--format", paramLabel = "csv|json", description = "Write every row to --out as csv (with a header) or json (JSON Lines) instead of printing.")
    private String format;

    @Option(names = "--out", paramLabel = "FILE", description = "File to write with --format; replaced atomically.")
    private Path out;

    @Mixin
    private ConfigOptions config = new ConfigOptions();

    SqlCommand(Cli cli)
    {
        this.cli = requireNonNull(cli, "cli is null");
    }

    @Override
    public Integer call()
    {
        if ((format == null) != (out == null)) {
            throw format == null ? Errors.incompleteOutputOptions("--out", "--format csv|json") : Errors.incompleteOutputOptions("--format", "--out FILE");
        }
        if (limit < 1) {
            throw Errors.invalidRowLimit(limit);
        }
        var lake = SparkSessionsForCommands.lake(cli, config.env, config.settings, "spark-jobs sql");
        List<String> tables = lake.catalog().registerViews();
        Dataset<Row> result = query(lake, tables);
        if (format != null) {
            long rows = new TableExporter(lake.spark()).write(result, ExportCommand.format(format), out);
            cli.out().println("Wrote " + rows + " rows to " + out.toAbsolutePath());
            return 0;
        }
        print(result);
        return 0;
    }

    private Dataset<Row> query(SparkSessionsForCommands.Lake lake, List<String> tables)
    {
        try {
            LogicalPlan plan = lake.spark().sessionState().sqlParser().parsePlan(query);
            if (!READ_ONLY_COMMANDS.contains(plan.getClass().getSimpleName())) {
                changing(plan).ifPresent(node -> {
                    throw Errors.notAQuery(node.nodeName());
                });
            }
            return lake.spark().sql(query);
        }
        catch (AnalysisException e) {
            throw Errors.invalidQuery(e.getMessage(), tables);
        }
    }

    /**
     * The first node of a parsed statement that would change a table, a file or the session: a
     * command (DELETE, MERGE, DROP, SET, CREATE ...), a statement Spark resolves into one (INSERT
     * INTO) or a write to a folder (INSERT OVERWRITE DIRECTORY). Queries parse to none of them.
     */
    private static Optional<LogicalPlan> changing(LogicalPlan plan)
    {
        if (plan instanceof Command || plan instanceof ParsedStatement || plan instanceof InsertIntoDir) {
            return Optional.of(plan);
        }
        for (LogicalPlan child : JavaConverters.seqAsJavaList(plan.children())) {
            Optional<LogicalPlan> found = changing(child);
            if (found.isPresent()) {
                return found;
            }
        }
        return Optional.empty();
    }

    private void print(Dataset<Row> result)
    {
        StructField[] fields = result.schema().fields();
        List<String> header = new ArrayList<>();
        List<Column> asText = new ArrayList<>();
        for (int i = 0; i < fields.length; i++) {
            header.add(fields[i].name());
            asText.add(col("c" + i).cast("string"));
        }
        String[] positional = new String[fields.length];
        for (int i = 0; i < fields.length; i++) {
            positional[i] = "c" + i;
        }
        List<Row> rows = result.limit(limit + 1).toDF(positional).select(asText.toArray(Column[]::new)).collectAsList();
        List<List<String>> shown = new ArrayList<>();
        for (Row row : rows.subList(0, Math.min(limit, rows.size()))) {
            List<String> cells = new ArrayList<>();
            for (int i = 0; i < fields.length; i++) {
                cells.add(row.isNullAt(i) ? "NULL" : row.getString(i));
            }
            shown.add(cells);
        }
        TextTable.print(cli.out(), header, shown);
        if (rows.size() > limit) {
            cli.out().println("(first " + limit + " rows shown; there are more: add a LIMIT or a filter, raise --limit, or write every row with --format csv|json --out FILE)");
        }
        else {
            cli.out().println("(" + shown.size() + (shown.size() == 1 ? " row)" : " rows)"));
        }
    }
}
