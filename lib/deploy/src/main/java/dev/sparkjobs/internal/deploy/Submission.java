package dev.sparkjobs.internal.deploy;

import static java.util.Objects.requireNonNull;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import dev.sparkjobs.api.ConfigKey;
import dev.sparkjobs.api.JobConfig;
import dev.sparkjobs.config.FrameworkKeys;

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

    /**
     * The keys with secret names whose values the rendered submission would carry in plain text: the
     * {@code --set} settings it forwards to the run, and every {@code spark.*} property of the
     * configuration (they become spark-defaults or {@code --conf} options).
     */
    public List<String> forwardedSecrets()
    {
        TreeSet<String> secrets = new TreeSet<>();
        for (String setting : settings) {
            int equals = setting.indexOf('=');
            String key = (equals < 0 ? setting : setting.substring(0, equals)).trim();
            String value = equals < 0 ? "" : setting.substring(equals + 1).trim();
            if (!key.startsWith(DEPLOYMENT_PREFIX) && ConfigKey.isSecretName(key) && !value.isEmpty()) {
                secrets.add(key);
            }
        }
        config.unredacted().forEach((key, value) -> {
            if (FrameworkKeys.isSparkProperty(key) && ConfigKey.isSecretName(key) && !value.isBlank()) {
                secrets.add(key);
            }
        });
        return List.copyOf(secrets);
    }

    /** The name of the job run: {@code <job>-<date>}, shortened to the API's 64 characters. */
    public String runName()
    {
        String suffix = "-" + date;
        int room = 64 - suffix.length();
        return (job.length() > room ? job.substring(0, room) : job) + suffix;
    }
}
