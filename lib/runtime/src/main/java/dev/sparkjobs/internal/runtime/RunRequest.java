package dev.sparkjobs.internal.runtime;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

/** What {@code run JOB --date D [--env E] [--conf F] [--set k=v]...} asks for. */
public record RunRequest(String job, LocalDate logicalDate, String env, Optional<Path> confFile, List<String> settings)
{
    public RunRequest
    {
        requireNonNull(job, "job is null");
        requireNonNull(logicalDate, "logicalDate is null");
        requireNonNull(env, "env is null");
        requireNonNull(confFile, "confFile is null");
        settings = List.copyOf(requireNonNull(settings, "settings is null"));
    }
}
