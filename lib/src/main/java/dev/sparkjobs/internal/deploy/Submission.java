package dev.sparkjobs.internal.deploy;

import static java.util.Objects.requireNonNull;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

import dev.sparkjobs.api.JobConfig;

/**
 * One run to submit: the job, its logical date and environment, the {@code --set} settings given
 * to {@code render} (forwarded to the run, except the deployment's own {@code emr.*} keys), and
 * the validated configuration of the job in that environment.
 */
public record Submission(String job, LocalDate date, String env, List<String> settings, JobConfig config)
{
    static final String DEPLOYMENT_PREFIX = "emr.";

    public Submission
    {
        requireNonNull(job, "job is null");
        requireNonNull(date, "date is null");
        requireNonNull(env, "env is null");
        settings = List.copyOf(requireNonNull(settings, "settings is null"));
        requireNonNull(config, "config is null");
    }

    /** The arguments of the application jar: the same as a local {@code spark-jobs run}. */
    public List<String> runArguments()
    {
        List<String> arguments = new ArrayList<>(List.of("run", job, "--date", date.toString(), "--env", env));
        for (String setting : settings) {
            if (!setting.trim().startsWith(DEPLOYMENT_PREFIX)) {
                arguments.add("--set");
                arguments.add(setting);
            }
        }
        return arguments;
    }

    /** The name of the job run: {@code <job>-<date>}, shortened to the API's 64 characters. */
    public String runName()
    {
        String suffix = "-" + date;
        int room = 64 - suffix.length();
        return (job.length() > room ? job.substring(0, room) : job) + suffix;
    }
}
