package dev.sparkjobs.internal.publish;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

import org.apache.spark.api.java.function.FilterFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.DeltaLog;
import org.apache.spark.sql.delta.OptimisticTransaction;
import org.apache.spark.sql.delta.actions.Action;
import org.apache.spark.sql.delta.actions.AddFile;
import org.apache.spark.sql.delta.actions.RemoveFile;
import org.apache.spark.sql.delta.actions.SetTransaction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.delta.exceptions.DeltaConcurrentModificationException;
import io.delta.tables.DeltaTable;
import scala.Option;
import scala.collection.JavaConverters;

import dev.sparkjobs.api.Check;
import dev.sparkjobs.api.SessionConf;
import dev.sparkjobs.api.TableSpec;
import dev.sparkjobs.api.WriteMode;
import dev.sparkjobs.errors.Errors;
import dev.sparkjobs.internal.delta.logstore.CommitFileNotWrittenException;

/**
 * Publishes one output table of a run in one Delta commit, the way its write mode says. A writer
 * owns its table's lifecycle: {@link #stage} computes the job's result once (for the checks and the
 * commit), {@link #commit} publishes it, {@link #abort} drops what was staged and never published,
 * {@link #restore} undoes the run's commit, {@link #optimize} compacts what the run wrote.
 * <p>
 * Other runs write the same tables at the same time. Delta's optimistic concurrency retries a
 * commit that touches nothing another writer changed; a commit that does conflict is tried again
 * on top of the other writer's commit, unless that writer is a run of the same job and logical
 * date that started before this one: it publishes the date, and this run gives way
 * ({@link SupersededException}).
 */
public abstract sealed class TableWriter
        permits FileStagingWriter, CachedRowsWriter
{
    private static final Logger LOG = LoggerFactory.getLogger(TableWriter.class);
    private static final int COMMIT_ATTEMPTS = 10;
    private static final int RESTORE_ATTEMPTS = 10;
    /** The session setting through which Delta's DataFrame and SQL commands tag their commits. */
    static final String USER_METADATA = "spark.databricks.delta.commitInfo.userMetadata";

    final SparkSession spark;
    final TableSpec spec;
    final String path;
    final RunIdentity run;
    private final RivalRuns rivals;
    private Optional<Long> committed = Optional.empty();
    private boolean inDoubt;

    TableWriter(SparkSession spark, TableSpec spec, String path, RunIdentity run, RivalRuns rivals)
    {
        this.spark = requireNonNull(spark, "spark is null");
        this.spec = requireNonNull(spec, "spec is null");
        this.path = requireNonNull(path, "path is null");
        this.run = requireNonNull(run, "run is null");
        this.rivals = requireNonNull(rivals, "rivals is null");
    }

    /** The writer for the table's write mode. */
    public static TableWriter of(SparkSession spark, TableSpec spec, String path, RunIdentity run, RivalRuns rivals)
    {
        WriteMode mode = spec.writeMode();
        if (mode instanceof WriteMode.ReplacePartition replace) {
            return new ReplacePartitionWriter(spark, spec, path, run, rivals, replace);
        }
        if (mode instanceof WriteMode.Overwrite) {
            return new OverwriteWriter(spark, spec, path, run, rivals);
        }
        if (mode instanceof WriteMode.Merge merge) {
            return new MergeWriter(spark, spec, path, run, rivals, merge);
        }
        if (mode instanceof WriteMode.IdempotentAppend) {
            return new IdempotentAppendWriter(spark, spec, path, run, rivals);
        }
        throw new IllegalStateException("no writer for write mode " + mode);
    }

    public final String name()
    {
        return spec.name();
    }

    public final String path()
    {
        return path;
    }

    public final TableSpec spec()
    {
        return spec;
    }

    /** The version of this run's commit, once committed (and not restored since). */
    public final Optional<Long> committedVersion()
    {
        return committed;
    }

    /**
     * Whether the commit is a transaction of its own that may run while other tables commit. A MERGE
     * is not: it takes the run id through a session-wide setting.
     */
    public abstract boolean commitsAlongsideOthers();

    /** Computes the (schema-aligned) result once, for the checks and the commit. */
    public final StagedTable stage(Dataset<Row> aligned)
    {
        return new StagedTable(spec, path, stageRows(aligned), checks());
    }

    abstract Dataset<Row> stageRows(Dataset<Row> aligned);

    /** What the write mode needs to be safe, checked before anything is published. */
    List<Check> impliedChecks()
    {
        return List.of();
    }

    private List<Check> checks()
    {
        List<Check> checks = new ArrayList<>(impliedChecks());
        for (Check declared : spec.checks()) {
            if (checks.stream().noneMatch(implied -> implied.name().equals(declared.name()))) {
                checks.add(declared);
            }
        }
        return checks;
    }

    /** Publishes the staged result in one commit and returns its version. */
    public final long commit()
    {
        for (int attempt = 1; ; attempt++) {
            long readVersion = beginAttempt(attempt);
            try {
                long version = commitAttempt();
                if (committedByAttempt()) {
                    committed = Optional.of(version);
                }
                return version;
            }
            catch (DeltaConcurrentModificationException conflict) {
                Optional<String> rival = rivals.precedingRunOfTheDate(runIdsOfCommitsAfter(readVersion));
                if (rival.isPresent()) {
                    throw new SupersededException(name(), path, rival.get(), conflict);
                }
                if (attempt == COMMIT_ATTEMPTS) {
                    throw conflict;
                }
                LOG.info("Commit to {} conflicted with another writer's ({}); committing again on top of it (attempt {})", path,
                        Errors.rootMessage(conflict), attempt + 1);
                pause(attempt);
            }
            catch (Exception failure) { // Scala code throws checked IOExceptions undeclared: rethrown as they are
                findOutWhetherItLanded(readVersion, failure);
                throw failure;
            }
        }
    }

    /**
     * After a commit attempt failed for another reason than a conflict (the storage went away, say),
     * the commit file may have been written before the failure (Delta reads the log back after
     * writing it): looks for this run's commit in the log, so that the run restores it like any
     * other of its commits; when the log cannot be read either, the commit is in doubt.
     */
    private void findOutWhetherItLanded(long readVersion, Exception failure)
    {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof CommitFileNotWrittenException) {
                return;
            }
        }
        try {
            for (DeltaTables.LoggedCommit commit : DeltaTables.commitsAfter(spark, path, readVersion)) {
                if (commit.userMetadata().equals(Optional.of(run.runId()))) {
                    LOG.warn("The commit to {} failed ({}) after its version {} was written: it is this run's", path, Errors.rootMessage(failure), commit.version());
                    committed = Optional.of(commit.version());
                    return;
                }
            }
        }
        catch (Exception unreadable) { // Scala code throws checked IOExceptions undeclared
            LOG.warn("Cannot tell whether the failed commit to {} landed: reading its log failed too ({})", path, Errors.rootMessage(unreadable));
            inDoubt = true;
            failure.addSuppressed(unreadable);
        }
    }

    /** Whether a commit of this run failed in a way that leaves unknown whether it landed (the log could not be read back). */
    public final boolean commitInDoubt()
    {
        return inDoubt;
    }

    /**
     * Prepares a commit attempt (the first, or another after a conflict: it reads the table as it is
     * now) and returns the version it reads the table at (-1: no table yet).
     */
    abstract long beginAttempt(int attempt);

    /** One commit attempt; returns the table's version after it. A {@link DeltaConcurrentModificationException} means it did not commit. */
    abstract long commitAttempt();

    /** Whether the last attempt made a commit of this run (an idempotent append may find the date published already). */
    boolean committedByAttempt()
    {
        return true;
    }

    /**
     * Whether this run's commit stays when the run gives way to another run of its date: an append
     * made once per date, which the other run skips because it is there.
     */
    public boolean keptWhenSuperseded()
    {
        return false;
    }

    /** Drops what was staged and never published (cached rows, uncommitted files). */
    public abstract void abort();

    /**
     * Undoes this run's commit with a new commit that removes the files it added and adds back the
     * files it removed, as long as nobody changed those files since: a later commit by another run is
     * never undone (restoring the table to its earlier version would undo it).
     */
    public final RestoreOutcome restore()
    {
        if (committed.isEmpty()) {
            return RestoreOutcome.nothingCommitted(name());
        }
        long version = committed.get();
        for (int attempt = 1; ; attempt++) {
            try {
                RestoreOutcome outcome = undo(version);
                if (outcome.kind() == RestoreOutcome.Kind.RESTORED) {
                    committed = Optional.empty();
                }
                return outcome;
            }
            catch (DeltaConcurrentModificationException conflict) {
                if (attempt == RESTORE_ATTEMPTS) {
                    throw conflict;
                }
                pause(attempt);
            }
        }
    }

    private RestoreOutcome undo(long version)
    {
        DeltaLog log = DeltaTables.log(spark, path);
        DeltaTables.LoggedCommit ours = DeltaTables.commitsAfter(spark, path, version - 1).stream()
                .filter(commit -> commit.version() == version).findFirst().orElseThrow();
        if (!ours.userMetadata().equals(Optional.of(run.runId()))) {
            return RestoreOutcome.leftAsIs(name(), "version " + version + " is not this run's commit");
        }
        Set<String> added = new HashSet<>();
        Set<String> removed = new HashSet<>();
        Set<scala.collection.immutable.Map<String, String>> partitions = new HashSet<>();
        List<Action> undo = new ArrayList<>();
        for (Action action : ours.actions()) {
            if (action instanceof AddFile file) {
                added.add(file.path());
                partitions.add(file.partitionValues());
                undo.add(file.remove());
            }
            else if (action instanceof RemoveFile file) {
                removed.add(file.path());
                if (file.partitionValues() != null) {
                    partitions.add(file.partitionValues());
                }
            }
            else if (action instanceof SetTransaction transaction) {
                // a run of this date may append again once this one is undone
                undo.add(new SetTransaction(transaction.appId(), -1L, Option.apply(System.currentTimeMillis())));
            }
        }
        OptimisticTransaction transaction = log.startTransaction();
        List<AddFile> present = spec.partitionColumns().isEmpty() || partitions.isEmpty()
                ? DeltaTables.list(transaction.filterFiles())
                : DeltaTables.list(transaction.filterFiles(JavaConverters.asScalaSet(partitions).toSet()));
        Set<String> presentPaths = new HashSet<>();
        present.forEach(file -> presentPaths.add(file.path()));
        if (!presentPaths.containsAll(added)) {
            return RestoreOutcome.leftAsIs(name(), "another writer replaced this run's files after version " + version + "; its data stays");
        }
        if (!removed.isEmpty()) {
            Dataset<AddFile> earlier = log.getSnapshotAt(version - 1, Option.empty(), Option.empty()).allFiles();
            earlier.filter((FilterFunction<AddFile>) file -> removed.contains(file.path())).collectAsList()
                    .forEach(file -> undo.add(withDataChange(file)));
        }
        long undone = transaction.commit(DeltaTables.seq(undo),
                DeltaTables.write(SaveMode.Overwrite, spec.partitionColumns(), Optional.of("restore of run " + run.runId()), run.runId()));
        return RestoreOutcome.restored(name(), undone);
    }

    private static AddFile withDataChange(AddFile file)
    {
        return file.copy(file.path(), file.partitionValues(), file.size(), file.modificationTime(), true, file.stats(), file.tags(),
                file.deletionVector(), file.baseRowId(), file.defaultRowCommitVersion(), file.clusteringProvider());
    }

    /** Compacts what the run wrote: its partition (scope date), or the whole table; returns the table's version after. */
    public long optimize()
    {
        return SessionConf.with(spark, USER_METADATA, run.runId(), () -> {
            var builder = DeltaTable.forPath(spark, path).optimize();
            Optional<String> where = optimizeWhere();
            if (where.isPresent()) {
                builder = builder.where(where.get());
            }
            builder.executeCompaction();
            return DeltaTables.currentVersion(spark, path).orElseThrow();
        });
    }

    Optional<String> optimizeWhere()
    {
        return Optional.empty();
    }

    private List<String> runIdsOfCommitsAfter(long readVersion)
    {
        List<String> runIds = new ArrayList<>();
        DeltaTables.commitsAfter(spark, path, readVersion).forEach(commit -> commit.userMetadata()
                .filter(runId -> !runId.equals(run.runId()))
                .ifPresent(runIds::add));
        return runIds;
    }

    static void pause(int attempt)
    {
        try {
            Thread.sleep(Math.min(2000L, 50L << Math.min(attempt, 6)) + ThreadLocalRandom.current().nextLong(50));
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Errors.interruptedWhile("committing again after a concurrent commit", e);
        }
    }
}
