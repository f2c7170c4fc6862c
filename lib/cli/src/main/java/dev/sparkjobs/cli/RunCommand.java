package dev.sparkjobs.cli;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.Optional;

import dev.sparkjobs.internal.runtime.RunRequest;
import dev.sparkjobs.internal.runtime.RunResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "run", description = "Run a job for a logical date; re-running a date replaces its data, never duplicates it.")
final class RunCommand
        implements java.util.concurrent.Callable<Integer>
{
    private final Cli cli;

    @Parameters(index = "0", paramLabel = "JOB", description = "Job name (see 'list').")
    private String jobName;

    @Option(names = "--date", required = true, paramLabel = "YYYY-MM-DD", description = "Logical date of the run (Airflow's {{ ds }}).")
    private String date;

    @Option(names = "--conf", paramLabel = "FILE", description = "HOCON file with keys relative to the job.")
    private Path confFile;

    @Mixin
    private ConfigOptions config = new ConfigOptions();

    RunCommand(Cli cli)
    {
        this.cli = requireNonNull(cli, "cli is null");
    }

    @Override
    public Integer call()
    {
        RunResult result = cli.runner().run(new RunRequest(jobName, Cli.parseDate(date), config.env, Optional.ofNullable(confFile), config.settings));
        RunSummary.print(result, cli.out());
        return 0;
    }
}
