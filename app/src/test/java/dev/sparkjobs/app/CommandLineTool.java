package dev.sparkjobs.app;

import java.io.File;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Whether a command-line tool the tests need is installed: it runs and exits with 0. */
final class CommandLineTool
{
    private CommandLineTool() {}

    static boolean runs(String... command)
    {
        try {
            Process process = new ProcessBuilder(List.of(command))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
            try {
                return process.waitFor(60, TimeUnit.SECONDS) && process.exitValue() == 0;
            }
            finally {
                process.destroyForcibly();
            }
        }
        catch (IOException e) {
            return false;
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
