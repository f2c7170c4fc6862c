package dev.sparkjobs.app;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What a Spark application's event log (spark.eventLog.enabled, uncompressed, one JSON event a
 * line) says about failures: the tasks that did not succeed and the stages Spark ran again, each
 * with the description of its Spark job (the framework labels a job with the run's step).
 */
final class SparkEventLog
{
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A task that ended without success. */
    record FailedTask(long taskId, int stageId, int stageAttempt, String executorId, String reason, String step)
    {
        FailedTask
        {
            requireNonNull(executorId, "executorId is null");
            requireNonNull(reason, "reason is null");
            requireNonNull(step, "step is null");
        }
    }

    /** A stage submitted again (attempt 1 or later), to recompute what a lost executor held. */
    record StageAttempt(int stageId, int attempt, String name, int tasks, String step)
    {
        StageAttempt
        {
            requireNonNull(name, "name is null");
            requireNonNull(step, "step is null");
        }
    }

    private final List<FailedTask> failedTasks;
    private final List<StageAttempt> retriedStages;

    private SparkEventLog(List<FailedTask> failedTasks, List<StageAttempt> retriedStages)
    {
        this.failedTasks = List.copyOf(failedTasks);
        this.retriedStages = List.copyOf(retriedStages);
    }

    /** The event log of {@code applicationId} in {@code folder}, the application having ended. */
    static SparkEventLog read(Path folder, String applicationId)
    {
        Path file = folder.resolve(applicationId);
        List<JsonNode> events = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(file)) {
                events.add(JSON.readTree(line));
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException("Cannot read the Spark event log " + file, e);
        }
        Map<Integer, String> steps = new HashMap<>();
        for (JsonNode event : events) {
            if (event.path("Event").asText().equals("SparkListenerJobStart")) {
                String description = event.path("Properties").path("spark.job.description").asText("?");
                event.path("Stage IDs").forEach(stage -> steps.put(stage.asInt(), description));
            }
        }
        List<FailedTask> failedTasks = new ArrayList<>();
        List<StageAttempt> retriedStages = new ArrayList<>();
        for (JsonNode event : events) {
            switch (event.path("Event").asText()) {
                case "SparkListenerTaskEnd" -> {
                    String reason = event.path("Task End Reason").path("Reason").asText();
                    if (!reason.equals("Success")) {
                        int stage = event.path("Stage ID").asInt();
                        JsonNode task = event.path("Task Info");
                        failedTasks.add(new FailedTask(task.path("Task ID").asLong(), stage, event.path("Stage Attempt ID").asInt(),
                                task.path("Executor ID").asText(), reason, steps.getOrDefault(stage, "?")));
                    }
                }
                case "SparkListenerStageSubmitted" -> {
                    JsonNode stage = event.path("Stage Info");
                    int attempt = stage.path("Stage Attempt ID").asInt();
                    if (attempt > 0) {
                        int id = stage.path("Stage ID").asInt();
                        retriedStages.add(new StageAttempt(id, attempt, stage.path("Stage Name").asText(), stage.path("Number of Tasks").asInt(),
                                steps.getOrDefault(id, "?")));
                    }
                }
                default -> {
                    // other events say nothing about failures
                }
            }
        }
        return new SparkEventLog(failedTasks, retriedStages);
    }

    List<FailedTask> failedTasks()
    {
        return failedTasks;
    }

    List<StageAttempt> retriedStages()
    {
        return retriedStages;
    }
}
