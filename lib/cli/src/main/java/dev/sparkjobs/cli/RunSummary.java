package dev.sparkjobs.cli;

import java.io.PrintStream;
import java.util.Locale;
import java.util.stream.Collectors;

import dev.sparkjobs.internal.ledger.TableOutcome;
import dev.sparkjobs.internal.runtime.RunResult;

/** The summary printed at the end of a run. */
final class RunSummary
{
    private RunSummary() {}

    static void print(RunResult result, PrintStream out)
    {
        out.println();
        out.printf(Locale.ROOT, "%s succeeded in %.1f s (run id %s)%n", result.job(), result.duration().toMillis() / 1000.0, result.runId());
        int width = Math.max(5, result.tables().stream().mapToInt(table -> table.table().length()).max().orElse(0));
        out.printf("  %-" + width + "s %12s %8s  %s%n", "table", "rows", "version", "location");
        for (TableOutcome table : result.tables()) {
            out.printf("  %-" + width + "s %12d %8d  %s/%s%n", table.table(), table.rowsWritten(), table.version(), result.outputRoot(), table.table());
        }
        out.printf(Locale.ROOT, "  read %d rows (%s), wrote %s; task time %.1f s, shuffle %s, spill %s%n",
                result.metrics().recordsRead(), Sizes.bytes(result.metrics().bytesRead()), Sizes.bytes(result.metrics().bytesWritten()),
                result.metrics().taskTimeMillis() / 1000.0, Sizes.bytes(result.metrics().shuffleWriteBytes()), Sizes.bytes(result.metrics().spilledBytes()));
        out.println("  steps: " + result.steps().stream()
                .map(step -> String.format(Locale.ROOT, "%s %.1f s", step.description(), step.millis() / 1000.0))
                .collect(Collectors.joining(" | ")));
        if (!result.recomputed().isEmpty()) {
            out.println("  recomputed: " + result.recomputed().stream()
                    .map(partition -> partition.value() + " (" + partition.reason() + ")")
                    .collect(Collectors.joining(", ")));
        }
        result.counters().forEach((name, value) -> out.println("  " + name + ": " + value));
        if (!result.jobWarnings().isEmpty() || !result.warnings().isEmpty()) {
            out.println("  warnings:");
            result.jobWarnings().forEach(warning -> out.println("    - " + warning));
            result.warnings().forEach(warning -> out.println("    - " + warning.describe()));
        }
        out.println("  run ledger: " + result.outputRoot() + "/_runs");
        out.flush();
    }
}
