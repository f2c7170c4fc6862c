package dev.sparkjobs.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** The sweep's figures as Markdown: one row per trial, then how often each phase was hit and the outcomes in all. */
final class FaultSweepReport
{
    private static final List<String> HEADER = List.of("trial", "job", "input", "targeted phase", "phase hit", "ms after the phase began",
            "each table after the kill", "duplicates", "re-run equal to a clean run", "killed run's row after the re-run",
            "delay; first line of each phase, ms after the driver started");

    private final String settings;
    private final List<String> notes = new ArrayList<>();
    private final List<FaultTrial> trials = new ArrayList<>();

    FaultSweepReport(String settings)
    {
        this.settings = settings;
    }

    void note(String note)
    {
        notes.add(note);
    }

    void add(FaultTrial trial)
    {
        trials.add(trial);
    }

    List<FaultTrial> trials()
    {
        return List.copyOf(trials);
    }

    String render()
    {
        StringBuilder text = new StringBuilder("# Driver killed: fault sweep\n\n").append(settings).append("\n\n");
        notes.forEach(note -> text.append("- ").append(note).append('\n'));
        text.append('\n').append(row(HEADER)).append(row(HEADER.stream().map(cell -> "---").toList()));
        trials.forEach(trial -> text.append(row(trial.cells())));
        Map<RunPhase, Long> hits = new EnumMap<>(RunPhase.class);
        Map<RunPhase, Long> targets = new EnumMap<>(RunPhase.class);
        for (FaultTrial trial : trials) {
            targets.merge(trial.kill().targeted(), 1L, Long::sum);
            trial.kill().hit().ifPresent(phase -> hits.merge(phase, 1L, Long::sum));
        }
        text.append("\nPhases hit (targeted):\n\n");
        for (RunPhase phase : RunPhase.values()) {
            text.append("- ").append(phase.label()).append(": ").append(hits.getOrDefault(phase, 0L)).append(" (").append(targets.getOrDefault(phase, 0L)).append(")\n");
        }
        long killed = trials.stream().filter(trial -> trial.kill().killed()).count();
        text.append("- no kill (the run ended first): ").append(trials.size() - killed).append('\n');
        text.append("\nOutcomes of ").append(trials.size()).append(" trials (").append(killed).append(" killed runs):\n\n")
                .append("- every table before or after, never a mix: ").append(trials.stream().filter(FaultTrial::consistent).count()).append('\n')
                .append("- duplicate rows: ").append(trials.stream().mapToLong(FaultTrial::duplicates).sum()).append('\n')
                .append("- re-run succeeded with a clean run's tables: ").append(trials.stream().filter(FaultTrial::rerunEqual).count()).append('\n')
                .append("- killed run's row ABANDONED: ").append(trials.stream().filter(trial -> trial.killedRow().startsWith("ABANDONED")).count())
                .append(", SUCCEEDED (killed after its outcome was recorded): ").append(trials.stream().filter(trial -> trial.killedRow().startsWith("SUCCEEDED")).count())
                .append(", no row (killed before its start was recorded): ").append(trials.stream().filter(trial -> trial.killedRow().startsWith("no row")).count())
                .append('\n');
        List<String> remarks = trials.stream().flatMap(trial -> trial.remarks().stream().map(remark -> "trial " + trial.number() + " (" + trial.job() + "): " + remark))
                .toList();
        text.append("- remarks: ").append(remarks.isEmpty() ? "none" : remarks.size()).append('\n');
        remarks.forEach(remark -> text.append("  - ").append(remark).append('\n'));
        List<String> problems = problems();
        text.append("- problems: ").append(problems.isEmpty() ? "none" : problems.size()).append('\n');
        problems.forEach(problem -> text.append("\n").append(problem).append('\n'));
        return text.toString();
    }

    List<String> problems()
    {
        return trials.stream().flatMap(trial -> trial.problems().stream().map(problem -> "trial " + trial.number() + " (" + trial.job() + "): " + problem))
                .collect(Collectors.toList());
    }

    void write(Path file)
    {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, render());
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String row(List<String> cells)
    {
        return "| " + cells.stream().map(cell -> cell.replace("|", "\\|")).collect(Collectors.joining(" | ")) + " |\n";
    }
}
