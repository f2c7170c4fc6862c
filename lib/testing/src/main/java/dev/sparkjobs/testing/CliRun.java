package dev.sparkjobs.testing;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import dev.sparkjobs.cli.Cli;
import dev.sparkjobs.cli.Main;

/** Runs the CLI in this JVM (on the shared SparkSession) and captures what it prints. */
public record CliRun(int exitCode, String out, String err)
{
    public static CliRun of(List<String> args)
    {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream outStream = new PrintStream(out, true, StandardCharsets.UTF_8); PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = Main.execute(Cli.standard(outStream, errStream), args.toArray(String[]::new));
        }
        return new CliRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    public static CliRun of(String... args)
    {
        return of(List.of(args));
    }

    /** {@code args} followed by {@code --set s} for each setting. */
    public static CliRun withSettings(List<String> args, List<String> settings)
    {
        List<String> all = new ArrayList<>(args);
        settings.forEach(setting -> {
            all.add("--set");
            all.add(setting);
        });
        return of(all);
    }

    /** Everything printed, for assertion messages. */
    public String transcript()
    {
        return "exit " + exitCode + "\n--- out\n" + out + "--- err\n" + err;
    }
}
