package dev.sparkjobs.internal.runtime;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import org.apache.spark.executor.TaskMetrics;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * Adds up task metrics of the Spark jobs whose job group starts with a run's prefix, so runs
 * sharing a SparkSession (tests, notebooks) do not count each other's work.
 */
public final class RunMetricsListener
        extends SparkListener
{
    private static final String JOB_GROUP_PROPERTY = "spark.jobGroup.id";

    private final String groupPrefix;
    private final Map<Integer, Boolean> stagesOfRun = new ConcurrentHashMap<>();
    private final LongAdder recordsRead = new LongAdder();
    private final LongAdder bytesRead = new LongAdder();
    private final LongAdder recordsWritten = new LongAdder();
    private final LongAdder bytesWritten = new LongAdder();
    private final LongAdder taskTime = new LongAdder();
    private final LongAdder shuffleRead = new LongAdder();
    private final LongAdder shuffleWrite = new LongAdder();
    private final LongAdder spilled = new LongAdder();
    private final LongAdder tasks = new LongAdder();

    public RunMetricsListener(String groupPrefix)
    {
        this.groupPrefix = requireNonNull(groupPrefix, "groupPrefix is null");
    }

    @Override
    public void onJobStart(SparkListenerJobStart jobStart)
    {
        String group = jobStart.properties() == null ? null : jobStart.properties().getProperty(JOB_GROUP_PROPERTY);
        if (group != null && group.startsWith(groupPrefix)) {
            scala.collection.Iterator<Object> stages = jobStart.stageIds().iterator();
            while (stages.hasNext()) {
                stagesOfRun.put((Integer) stages.next(), Boolean.TRUE);
            }
        }
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd taskEnd)
    {
        TaskMetrics metrics = taskEnd.taskMetrics();
        if (metrics == null || !stagesOfRun.containsKey(taskEnd.stageId())) {
            return;
        }
        tasks.increment();
        recordsRead.add(metrics.inputMetrics().recordsRead());
        bytesRead.add(metrics.inputMetrics().bytesRead());
        recordsWritten.add(metrics.outputMetrics().recordsWritten());
        bytesWritten.add(metrics.outputMetrics().bytesWritten());
        taskTime.add(metrics.executorRunTime());
        shuffleRead.add(metrics.shuffleReadMetrics().remoteBytesRead() + metrics.shuffleReadMetrics().localBytesRead());
        shuffleWrite.add(metrics.shuffleWriteMetrics().bytesWritten());
        spilled.add(metrics.memoryBytesSpilled() + metrics.diskBytesSpilled());
    }

    public RunMetrics snapshot()
    {
        return new RunMetrics(recordsRead.sum(), bytesRead.sum(), recordsWritten.sum(), bytesWritten.sum(), taskTime.sum(),
                shuffleRead.sum(), shuffleWrite.sum(), spilled.sum(), tasks.sum());
    }
}
