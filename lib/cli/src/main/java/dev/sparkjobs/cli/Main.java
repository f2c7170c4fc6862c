package dev.sparkjobs.cli;

import java.io.PrintStream;

import dev.sparkjobs.internal.runtime.SparkSessions;

import dev.sparkjobs.errors.ExitCode;
import dev.sparkjobs.errors.SparkJobsException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code spark-jobs}: the command line of the application jar, run through spark-submit
 * ({@code --class dev.sparkjobs.cli.Main}). Exit codes: 0 success; 2 bad usage or configuration;
 * 3 a data-quality check failed (nothing published); 1 any other failure.
 */
@Command(name = "spark-jobs",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Packaged Apache Spark batch jobs writing Delta Lake tables, locally or on Amazon EMR on EKS.",
        subcommandsRepeatable = false)
public final class Main
        implements Runnable
{

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    public static void main(String[] args)
    {
        int code = execute(Cli.standard(System.out, System.err), args);
        SparkSessions.stopIfCreated();
        System.exit(code);
    }

    /** Runs a command and returns its exit code; never exits the JVM (for tests and embedding). */
    public static int execute(Cli cli, String... args)
    {
        CommandLine commandLine = new CommandLine(new Main())
                .addSubcommand("list", new ListCommand(cli))
                .addSubcommand("describe", new DescribeCommand(cli))
                .addSubcommand("run", new RunCommand(cli))
                .addSubcommand("sample-data", new SampleDataCommand(cli))
                .addSubcommand("demo", new DemoCommand(cli))
                .addSubcommand("export", new ExportCommand(cli))
                .addSubcommand("sql", new SqlCommand(cli))
                .addSubcommand("tables", new TablesCommand(cli))
                .addSubcommand("runs", new RunsCommand(cli))
                .addSubcommand("report", new ReportCommand(cli))
                .addSubcommand("render", RenderCommand.create(cli));
        commandLine.setOut(new java.io.PrintWriter(cli.out(), true));
        commandLine.setErr(new java.io.PrintWriter(cli.err(), true));
        commandLine.setExecutionExceptionHandler((exception, line, parseResult) -> handle(exception, cli.err()));
        try {
            return commandLine.execute(args);
        }
        catch (Error error) { // picocli hands only Exceptions to the handler
            return handle(error, cli.err());
        }
    }

    static int handle(Throwable exception, PrintStream err)
    {
        if (exception instanceof SparkJobsException known) {
            err.println("ERROR: " + known.getMessage());
            if (known.getCause() != null) {
                org.slf4j.LoggerFactory.getLogger(Main.class).debug("Cause", known.getCause());
            }
            return known.exitCode().code();
        }
        err.println("ERROR: the run failed unexpectedly: " + dev.sparkjobs.errors.Errors.rootMessage(exception)
                + "\nThe stack trace follows; the run ledger (_runs) records the failure when Spark had started.");
        exception.printStackTrace(err);
        return ExitCode.FAILURE.code();
    }

    @Override
    public void run()
    {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static final class Version
            implements CommandLine.IVersionProvider
    {
        @Override
        public String[] getVersion()
        {
            String version = Main.class.getPackage().getImplementationVersion();
            return new String[] {"spark-jobs " + (version == null ? "(development build)" : version)};
        }
    }
}
