package dev.sparkjobs.internal.ledger;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.sparkjobs.errors.Errors;

/**
 * The sign of life of a running driver: the file {@code <output.root>/_runs/_heartbeats/<run id>},
 * rewritten every {@code interval} from a daemon thread while the run is RUNNING and deleted when
 * it ends. A driver killed or cut off stops rewriting it, and the file's modification time says
 * since when; {@link RunLedger#markAbandoned} reads it. A file write is one small PUT on S3 and
 * never touches the ledger's Delta log, so it costs nothing to the runs that commit to it.
 */
public final class RunHeartbeat
        implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(RunHeartbeat.class);

    private final FileSystem fileSystem;
    private final Path file;
    private final Clock clock;
    private final ScheduledExecutorService timer;

    private RunHeartbeat(FileSystem fileSystem, Path file, Clock clock)
    {
        this.fileSystem = requireNonNull(fileSystem, "fileSystem is null");
        this.file = requireNonNull(file, "file is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "spark-jobs-heartbeat");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Writes the first heartbeat now (a failure is the caller's: the lake is not writable) and the next ones every {@code interval}. */
    public static RunHeartbeat start(Configuration hadoop, String ledgerPath, String runId, Duration interval, Clock clock)
            throws IOException
    {
        Path file = new Path(RunLedger.heartbeats(ledgerPath), runId);
        RunHeartbeat heartbeat = new RunHeartbeat(file.getFileSystem(hadoop), file, clock);
        heartbeat.beat();
        long millis = interval.toMillis();
        heartbeat.timer.scheduleWithFixedDelay(heartbeat::beatOrWarn, millis, millis, TimeUnit.MILLISECONDS);
        return heartbeat;
    }

    /** The interval between heartbeats for runs that are abandoned after {@code abandonAfter} without one: a quarter of it, 30 s at most. */
    public static Duration interval(Duration abandonAfter)
    {
        long quarter = abandonAfter.toMillis() / 4;
        return Duration.ofMillis(Math.max(250, Math.min(30_000, quarter)));
    }

    private void beat()
            throws IOException
    {
        try (FSDataOutputStream out = fileSystem.create(file, true)) {
            out.write((clock.instant() + "\n").getBytes(StandardCharsets.UTF_8));
        }
    }

    private void beatOrWarn()
    {
        try {
            beat();
        }
        catch (IOException | RuntimeException e) { // the next one may succeed; the run itself fails if the lake is gone
            LOG.warn("Could not write the run's heartbeat {}: {}", file, Errors.rootMessage(e));
        }
    }

    /** Stops the heartbeats and deletes the file: the run's outcome is in the ledger (or it could not be written). */
    @Override
    public void close()
    {
        timer.shutdown(); // no next beat; one being written finishes (interrupting it would only fail it)
        try {
            if (!timer.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("The heartbeat of {} did not stop within 10 s", file);
                timer.shutdownNow();
            }
            fileSystem.delete(file, false);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        catch (IOException | RuntimeException e) {
            LOG.warn("Could not delete the run's heartbeat {}: {}", file, Errors.rootMessage(e));
        }
    }
}
