package dev.sparkjobs.cli;

import static java.util.Objects.requireNonNull;

import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import dev.sparkjobs.api.Job;
import dev.sparkjobs.api.TableSpec;
import dev.sparkjobs.internal.lake.LakeTable;
import dev.sparkjobs.internal.ledger.RunLedger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "tables", description = "List the tables of the lake (output.root): job, current version, last commit and its run, rows, partitions, size.")
final class TablesCommand
        implements Callable<Integer>
{
    static final String LEDGER_OWNER = "(run ledger)";

    private final Cli cli;

    @Mixin
    private ConfigOptions config = new ConfigOptions();

    TablesCommand(Cli cli)
    {
        this.cli = requireNonNull(cli, "cli is null");
    }

    @Override
    public Integer call()
    {
        var lake = SparkSessionsForCommands.lake(cli, config.env, config.settings, "spark-jobs tables");
        List<LakeTable> tables = lake.catalog().describe(jobByTable(cli.registry().get().jobs()));
        List<List<String>> rows = new ArrayList<>();
        for (LakeTable table : tables) {
            rows.add(List.of(table.name(), table.job(), Long.toString(table.version()), table.lastCommit().truncatedTo(ChronoUnit.SECONDS).toString(),
                    table.lastRunId().orElse("-"), Long.toString(table.rows()),
                    table.partitionColumns().isEmpty() ? "-" : table.partitions() + " by " + String.join(", ", table.partitionColumns()),
                    Long.toString(table.files()), Sizes.bytes(table.bytes())));
        }
        cli.out().println("Tables under " + lake.root() + ":");
        TextTable.print(cli.out(), List.of("table", "job", "version", "last commit (UTC)", "last run", "rows", "partitions", "files", "size"), rows);
        return 0;
    }

    static Map<String, String> jobByTable(Iterable<Job> jobs)
    {
        Map<String, String> owners = new LinkedHashMap<>();
        owners.put(RunLedger.TABLE, LEDGER_OWNER);
        for (Job job : jobs) {
            for (TableSpec table : job.outputs()) {
                owners.putIfAbsent(table.name(), job.name());
            }
        }
        return owners;
    }
}
