package dev.sparkjobs.internal.runtime;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.apache.spark.SparkContext;

import dev.sparkjobs.api.JobContext;

/**
 * Labels Spark work per step: each step gets its own job group ({@code <run id>/<n>}) and a
 * description ({@code <job>: <step>}) shown in the Spark UI, prints one progress line, and keeps
 * its duration for the run summary.
 */
public final class StepLabels
{
    private final SparkContext sparkContext;
    private final String job;
    private final String runId;
    private final Progress progress;
    private final List<StepTiming> timings = Collections.synchronizedList(new ArrayList<>());
    private final java.util.concurrent.atomic.AtomicInteger stepCount = new java.util.concurrent.atomic.AtomicInteger();

    public record StepTiming(String description, long millis) {}

    public StepLabels(SparkContext sparkContext, String job, String runId, Progress progress)
    {
        this.sparkContext = requireNonNull(sparkContext, "sparkContext is null");
        this.job = requireNonNull(job, "job is null");
        this.runId = requireNonNull(runId, "runId is null");
        this.progress = requireNonNull(progress, "progress is null");
    }

    /** Starts a step in the calling thread (Spark job groups are per thread): steps may run side by side in several threads. */
    public JobContext.Step start(String description)
    {
        requireNonNull(description, "description is null");
        int number = stepCount.incrementAndGet();
        String group = runId + "/" + number;
        sparkContext.setJobGroup(group, job + ": " + description, false);
        progress.step(job, description);
        long started = System.nanoTime();
        return () -> {
            timings.add(new StepTiming(description, (System.nanoTime() - started) / 1_000_000));
            sparkContext.clearJobGroup();
        };
    }

    /** The prefix of every job group this run's steps use. */
    public String groupPrefix()
    {
        return runId + "/";
    }

    public List<StepTiming> timings()
    {
        synchronized (timings) {
            return List.copyOf(timings);
        }
    }
}
