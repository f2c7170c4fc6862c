package dev.sparkjobs.internal.runtime;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.sparkjobs.api.TableSpec;
import dev.sparkjobs.errors.Errors;
import dev.sparkjobs.internal.checks.CheckEvaluator;
import dev.sparkjobs.internal.checks.CheckOutcome;
import dev.sparkjobs.internal.ledger.TableOutcome;
import dev.sparkjobs.internal.publish.OutputSchema;
import dev.sparkjobs.internal.publish.RestoreOutcome;
import dev.sparkjobs.internal.publish.StagedTable;
import dev.sparkjobs.internal.publish.SupersededException;
import dev.sparkjobs.internal.publish.TableWriter;

/**
 * The output tables of one run, published together: every table staged and checked (up to
 * {@code stageParallelism} at a time), then either every table committed (up to {@code
 * publishParallelism} at a time) or, when anything fails, every table the run committed restored. Closing it drops what was staged and not published.
 */
final class Publication
        implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(Publication.class);

    /** One output table: its writer and the job's result for it. */
    record Output(TableWriter writer, Dataset<Row> result)
    {
        Output
        {
            requireNonNull(writer, "writer is null");
            requireNonNull(result, "result is null");
        }
    }

    private final String job;
    private final String logicalDate;
    private final List<Output> outputs;
    private final StepLabels steps;
    private final int stageParallelism;
    private final int publishParallelism;
    private final Map<String, Long> rowCounts = new ConcurrentHashMap<>();

    Publication(String job, String logicalDate, List<Output> outputs, StepLabels steps, int stageParallelism, int publishParallelism)
    {
        this.job = requireNonNull(job, "job is null");
        this.logicalDate = requireNonNull(logicalDate, "logicalDate is null");
        this.outputs = List.copyOf(requireNonNull(outputs, "outputs is null"));
        this.steps = requireNonNull(steps, "steps is null");
        this.stageParallelism = stageParallelism;
        this.publishParallelism = publishParallelism;
    }

    /**
     * Stages every table (its result computed once, into uncommitted files or Spark's cache) and
     * evaluates its checks, up to {@code stageParallelism} tables at a time; fails, before anything is published, when an error-level check failed.
     * Returns every check's outcome, in the job's order of its tables.
     */
    List<CheckOutcome> stageAndCheck(CheckEvaluator evaluator)
    {
        List<Callable<CheckEvaluator.TableChecks>> tasks = outputs.stream()
                .map(output -> (Callable<CheckEvaluator.TableChecks>) () -> {
                    TableWriter writer = output.writer();
                    // Two steps, so that step timings (and an operator reading the progress) tell computing from checking.
                    // A merge or an append keeps its rows in Spark's cache: those are computed by the checks' first pass.
                    StagedTable staged;
                    try (var step = steps.start("stage " + writer.name())) {
                        staged = writer.stage(OutputSchema.align(job, writer.spec(), output.result()));
                    }
                    try (var step = steps.start("check " + writer.name())) {
                        CheckEvaluator.TableChecks checks = evaluator.evaluate(staged);
                        rowCounts.put(writer.name(), checks.rows());
                        return checks;
                    }
                })
                .toList();
        List<ParallelTasks.Outcome<CheckEvaluator.TableChecks>> outcomes = ParallelTasks.run(job + "-stage", stageParallelism, tasks);
        Optional<Throwable> failure = outcomes.stream().flatMap(outcome -> outcome.failure().stream()).findFirst();
        if (failure.isPresent()) {
            throw unchecked(failure.get());
        }
        if (Thread.interrupted()) { // cleared, so that the staged files can still be deleted
            throw Errors.interruptedWhile("computing the output tables", new InterruptedException());
        }
        List<CheckOutcome> checks = outcomes.stream().flatMap(outcome -> outcome.value().stream()).flatMap(table -> table.outcomes().stream()).toList();
        List<CheckOutcome> failures = checks.stream().filter(CheckOutcome::failsRun).toList();
        if (!failures.isEmpty()) {
            throw Errors.checksFailed(job, failures.stream().map(outcome -> "  - " + outcome.describe()).collect(Collectors.joining("\n")));
        }
        return checks;
    }

    /**
     * Commits every staged table: those whose commit is a transaction of its own up to {@code
     * publishParallelism} at a time, then the others one after another. When one fails, the tables this run
     * committed are restored and the run fails. Compaction, when asked for, comes last and only
     * warns when it fails: the data is published by then.
     */
    List<TableOutcome> commitAll(boolean optimize, List<String> warnings)
    {
        Map<String, Long> versions = new ConcurrentHashMap<>();
        List<TableWriter> alongside = writers().stream().filter(TableWriter::commitsAlongsideOthers).toList();
        List<ParallelTasks.Outcome<Long>> commits = ParallelTasks.run(job + "-publish", publishParallelism, alongside.stream()
                .map(writer -> (Callable<Long>) () -> commit(writer, versions))
                .toList());
        for (int i = 0; i < alongside.size(); i++) {
            if (commits.get(i).failure().isPresent()) {
                throw restoreAndFail(alongside.get(i), commits.get(i).failure().get());
            }
        }
        if (Thread.interrupted()) { // cleared, so that the restore's Spark jobs and file operations can run
            throw Errors.interruptedWhileCommitting(describe(restoreAll(false)), new InterruptedException());
        }
        for (TableWriter writer : writers()) {
            if (!writer.commitsAlongsideOthers()) {
                try {
                    commit(writer, versions);
                }
                catch (Exception | Error failure) { // restores, then an Error goes on up as it is
                    throw restoreAndFail(writer, failure);
                }
            }
        }
        if (optimize) {
            for (TableWriter writer : writers()) {
                try (var step = steps.start("optimize " + writer.name())) {
                    versions.put(writer.name(), writer.optimize());
                }
                catch (Exception e) {
                    LOG.warn("Could not compact {}: {}", writer.path(), Errors.rootMessage(e), e);
                    warnings.add("compaction of " + writer.name() + " failed (the data is published): " + Errors.rootMessage(e));
                }
            }
        }
        return writers().stream()
                .map(writer -> new TableOutcome(writer.name(), rowCounts.getOrDefault(writer.name(), 0L), versions.get(writer.name())))
                .toList();
    }

    private long commit(TableWriter writer, Map<String, Long> versions)
    {
        try (var step = steps.start("publish " + writer.name())) {
            long version = writer.commit();
            versions.put(writer.name(), version);
            return version;
        }
    }

    private RuntimeException restoreAndFail(TableWriter failed, Throwable failure)
    {
        String restored = describe(restoreAll(failure instanceof SupersededException));
        RuntimeException publishFailed = failure instanceof SupersededException superseded
                ? Errors.superseded(job, logicalDate, superseded.table(), superseded.path(), superseded.rivalRunId(), restored)
                : Errors.publishFailed(failed.name(), failed.path(), restored, failure);
        if (failure instanceof Error error) {
            error.addSuppressed(publishFailed); // the tables are restored; the error itself goes on up
            throw error;
        }
        return publishFailed;
    }

    /** Undoes this run's commits, last first; when it gives way to another run of its date, its appends once per date stay. */
    private List<RestoreOutcome> restoreAll(boolean superseded)
    {
        List<RestoreOutcome> restored = new ArrayList<>();
        List<TableWriter> writers = new ArrayList<>(writers());
        java.util.Collections.reverse(writers);
        for (TableWriter writer : writers) {
            if (writer.committedVersion().isEmpty()) {
                if (writer.commitInDoubt()) {
                    restored.add(new RestoreOutcome(writer.name(), RestoreOutcome.Kind.LEFT_AS_IS, Optional.of("this run's commit may have landed: the "
                            + "storage failed while it was being made and its log could not be read back; the table reads either as it was or with "
                            + "this run's rows, never a mix")));
                }
                continue;
            }
            long version = writer.committedVersion().get();
            if (superseded && writer.keptWhenSuperseded()) {
                restored.add(new RestoreOutcome(writer.name(), RestoreOutcome.Kind.LEFT_AS_IS, Optional.of("its append of the date (version " + version
                        + ") stays: the other run skips its own append because of it")));
                continue;
            }
            try {
                restored.add(writer.restore());
            }
            catch (Exception e) {
                LOG.error("Could not restore {} (this run's commit is version {})", writer.path(), version, e);
                restored.add(new RestoreOutcome(writer.name(), RestoreOutcome.Kind.LEFT_AS_IS, Optional.of("could not undo this run's commit (version "
                        + version + "): " + Errors.rootMessage(e) + "; undo it with RESTORE TABLE delta.`" + writer.path() + "` TO VERSION AS OF "
                        + (version - 1) + " if no other run committed to it since")));
            }
        }
        java.util.Collections.reverse(restored);
        return restored;
    }

    private static String describe(List<RestoreOutcome> outcomes)
    {
        List<String> restored = outcomes.stream().filter(outcome -> outcome.kind() == RestoreOutcome.Kind.RESTORED)
                .map(outcome -> outcome.table() + " (" + outcome.detail().orElse("") + ")").toList();
        List<String> left = outcomes.stream().filter(outcome -> outcome.kind() == RestoreOutcome.Kind.LEFT_AS_IS)
                .map(outcome -> outcome.table() + ": " + outcome.detail().orElse("")).toList();
        if (restored.isEmpty() && left.isEmpty()) {
            return "No table was changed.";
        }
        return (restored.isEmpty() ? "" : "Restored what this run had published to " + String.join(", ", restored) + ".")
                + (left.isEmpty() ? "" : (restored.isEmpty() ? "" : " ") + "Left as they are: " + String.join("; ", left) + ".");
    }

    private List<TableWriter> writers()
    {
        return outputs.stream().map(Output::writer).toList();
    }

    /** Drops what was staged and not published: uncommitted files, cached rows. */
    @Override
    public void close()
    {
        for (Output output : outputs) {
            try {
                output.writer().abort();
            }
            catch (RuntimeException e) {
                LOG.warn("Could not drop the staged rows of {}: {}", output.writer().path(), Errors.rootMessage(e));
            }
        }
    }

    /** A task's failure as thrown to the caller: errors as they are, checked exceptions (thrown undeclared by Scala code) wrapped. */
    static RuntimeException unchecked(Throwable failure)
    {
        if (failure instanceof Error error) {
            throw error;
        }
        return failure instanceof RuntimeException runtime ? runtime : Errors.runFailed(failure);
    }

    /** The declared spec of each table the job returned, in the job's order; undeclared tables are a bug in the job. */
    static Map<String, TableSpec> declaredOutputs(dev.sparkjobs.api.Job job, Map<String, Dataset<Row>> results)
    {
        Map<String, TableSpec> declared = new LinkedHashMap<>();
        job.outputs().forEach(spec -> declared.put(spec.name(), spec));
        List<String> undeclared = results.keySet().stream().filter(name -> !declared.containsKey(name)).toList();
        if (!undeclared.isEmpty()) {
            throw Errors.undeclaredOutput(job.name(), undeclared, declared.keySet());
        }
        Map<String, TableSpec> returned = new LinkedHashMap<>();
        results.keySet().forEach(name -> returned.put(name, declared.get(name)));
        return returned;
    }
}
