package dev.sparkjobs.app;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import dev.sparkjobs.testing.DriverProcess;

/**
 * A run in a driver JVM of its own ({@link DriverProcess}) whose progress lines are watched as they
 * appear, each stamped with the moment the watch first saw it, so that the run can be killed
 * (SIGKILL) a chosen time into a phase and the phase the kill hit read from what it printed last.
 */
final class WatchedDriver
{
    private static final long POLL_MILLIS = 5;
    private static final long CPU_SAMPLE_MILLIS = 250;
    /** How long a kill aimed at staging (checks) waits for a stage (check) line to be the last again when a check (stage) line came after it. */
    private static final long INTERLEAVING_GRACE_MILLIS = 3_000;

    /** A progress line ({@code [HH:mm:ss] job | step}) and when the watch saw it, in milliseconds since the driver started. */
    record Line(long seenAtMillis, String step, Optional<RunPhase> phase)
    {
        Line
        {
            requireNonNull(step, "step is null");
            requireNonNull(phase, "phase is null");
        }
    }

    private final DriverProcess driver;
    private final Optional<ProcessHandle> process;
    private final Set<String> tables;
    private final Pattern progress;
    private final long startedNanos = System.nanoTime();
    private final List<Line> lines = new ArrayList<>();
    private int parsedChars;

    private WatchedDriver(DriverProcess driver, Optional<ProcessHandle> process, String job, Set<String> tables)
    {
        this.driver = requireNonNull(driver, "driver is null");
        this.process = requireNonNull(process, "process is null");
        this.tables = Set.copyOf(requireNonNull(tables, "tables is null"));
        this.progress = Pattern.compile("^\\[\\d{2}:\\d{2}:\\d{2}] " + Pattern.quote(requireNonNull(job, "job is null")) + " \\| (.*)$");
    }

    /** Starts {@code spark-jobs ARGUMENTS} (a run of {@code job}, whose output tables are {@code tables}) in a new JVM. */
    static WatchedDriver start(List<String> arguments, Path output, String job, Set<String> tables)
    {
        Set<Long> others = ProcessHandle.current().children().map(ProcessHandle::pid).collect(Collectors.toSet());
        DriverProcess driver = DriverProcess.start(arguments, output);
        // DriverProcess keeps its Process to itself: the driver is the child process this JVM did not have before.
        Optional<ProcessHandle> process = ProcessHandle.current().children().filter(child -> !others.contains(child.pid())).findFirst();
        return new WatchedDriver(driver, process, job, tables);
    }

    /**
     * Waits for the first line of {@code target} (or of a later phase, when the run went past it
     * between two looks), then {@code delayMillis} more, and kills the driver. Tables are staged and
     * checked side by side: a kill aimed at staging that comes due while a check line is the last
     * one waits, a little, for a stage line to be the last again, and the other way round.
     */
    KilledRun killDuring(RunPhase target, long delayMillis, Duration timeout)
    {
        try {
            return awaitAndKill(target, delayMillis, timeout);
        }
        catch (RuntimeException | Error e) { // interrupted, or the run never got there: no driver is left behind
            driver.kill();
            throw e;
        }
    }

    private KilledRun awaitAndKill(RunPhase target, long delayMillis, Duration timeout)
    {
        long deadline = millisSinceStart() + timeout.toMillis();
        Optional<Long> due = Optional.empty();
        Optional<Long> killedAt = Optional.empty();
        long cpuMillis = 0;
        long cpuSampledAt = Long.MIN_VALUE;
        while (driver.isAlive() && millisSinceStart() < deadline) {
            if (millisSinceStart() - cpuSampledAt >= CPU_SAMPLE_MILLIS) { // for a run that ends before its kill
                cpuSampledAt = millisSinceStart();
                cpuMillis = cpuMillis();
            }
            refresh(millisSinceStart());
            if (due.isEmpty()) {
                due = lines.stream().filter(line -> line.phase().filter(phase -> phase.compareTo(target) >= 0).isPresent())
                        .findFirst().map(line -> line.seenAtMillis() + delayMillis);
            }
            long now = millisSinceStart();
            if (due.isPresent() && now >= due.get() && (inPhase(target) || now >= due.get() + INTERLEAVING_GRACE_MILLIS)) {
                cpuMillis = cpuMillis();
                driver.kill();
                killedAt = Optional.of(now);
                break;
            }
            sleep(POLL_MILLIS);
        }
        if (killedAt.isEmpty() && driver.isAlive()) {
            driver.kill();
            driver.await(1);
            throw new AssertionError("the run never reached " + target + " within " + timeout + ":\n" + driver.output());
        }
        long endedAtNanos = System.nanoTime();
        int exitCode = driver.await(1);
        long end = killedAt.orElseGet(this::millisSinceStart);
        refresh(end); // lines printed between the last look and the kill
        String runId = runId().orElseThrow(() -> new AssertionError("no 'starting run' line in:\n" + driver.output()));
        // A run that ended on its own between the last look and the kill was not hit.
        Optional<RunPhase> hit = killedAt.isPresent() && exitCode == KilledRun.SIGKILLED ? lastPhase() : Optional.empty();
        long intoPhase = hit.map(phase -> end - firstSeen(phase)).orElse(0L);
        return new KilledRun(runId, target, delayMillis, hit, intoPhase, exitCode, phaseStarts(), endedAtNanos, cpuMillis, driver.output());
    }

    /**
     * Whether a kill now hits {@code target}: the last line is of it, or of a later phase that can
     * no more be followed by a line of it (a stage line can follow a check line, and the other way
     * round).
     */
    private boolean inPhase(RunPhase target)
    {
        Optional<RunPhase> last = lastPhase();
        if (last.isEmpty() || last.get() == target) {
            return last.isPresent();
        }
        Set<RunPhase> interleaved = Set.of(RunPhase.STAGING, RunPhase.CHECKS);
        return last.get().compareTo(target) > 0 && !(interleaved.contains(last.get()) && interleaved.contains(target));
    }

    private Optional<RunPhase> lastPhase()
    {
        return lines.isEmpty() ? Optional.empty() : lines.get(lines.size() - 1).phase();
    }

    private long firstSeen(RunPhase phase)
    {
        return lines.stream().filter(line -> line.phase().equals(Optional.of(phase))).findFirst().orElseThrow().seenAtMillis();
    }

    /** When the watch first saw a line of each phase the run reached, in milliseconds since the driver started. */
    private List<KilledRun.PhaseStart> phaseStarts()
    {
        List<KilledRun.PhaseStart> starts = new ArrayList<>();
        for (RunPhase phase : RunPhase.values()) {
            lines.stream().filter(line -> line.phase().equals(Optional.of(phase))).findFirst()
                    .ifPresent(line -> starts.add(new KilledRun.PhaseStart(phase, line.seenAtMillis())));
        }
        return starts;
    }

    private Optional<String> runId()
    {
        return lines.stream().map(Line::step).filter(step -> step.startsWith("starting run ")).findFirst()
                .map(step -> step.substring("starting run ".length()).split(" ")[0]);
    }

    /** Parses the lines completed since the last look, stamping them {@code seenAtMillis}. */
    private void refresh(long seenAtMillis)
    {
        String output = driver.output();
        int end = output.lastIndexOf('\n') + 1;
        if (end <= parsedChars) {
            return;
        }
        for (String text : output.substring(parsedChars, end).split("\n")) {
            Matcher matcher = progress.matcher(text);
            if (matcher.matches()) {
                String step = matcher.group(1);
                lines.add(new Line(seenAtMillis, step, RunPhase.ofStep(step, tables)));
            }
        }
        parsedChars = end;
    }

    /** The CPU time the driver used so far (0 when the OS does not say). */
    private long cpuMillis()
    {
        return process.flatMap(handle -> handle.info().totalCpuDuration()).map(Duration::toMillis).orElse(0L);
    }

    private long millisSinceStart()
    {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
    }

    private static void sleep(long millis)
    {
        try {
            Thread.sleep(millis);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
