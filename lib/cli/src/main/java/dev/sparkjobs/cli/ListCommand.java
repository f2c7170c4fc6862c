package dev.sparkjobs.cli;

import static java.util.Objects.requireNonNull;

import dev.sparkjobs.api.Job;
import picocli.CommandLine.Command;

@Command(name = "list", description = "List the registered jobs.")
final class ListCommand
        implements Runnable
{
    private final Cli cli;

    ListCommand(Cli cli)
    {
        this.cli = requireNonNull(cli, "cli is null");
    }

    @Override
    public void run()
    {
        var jobs = cli.registry().get().jobs();
        int width = jobs.stream().mapToInt(job -> job.name().length()).max().orElse(0);
        for (Job job : jobs) {
            cli.out().printf("%-" + width + "s  %s%n", job.name(), job.description());
        }
    }
}
