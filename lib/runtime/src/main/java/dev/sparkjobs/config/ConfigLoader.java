package dev.sparkjobs.config;

import static java.util.Objects.requireNonNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;

import dev.sparkjobs.api.ConfigKey;
import dev.sparkjobs.api.InputSpec;
import dev.sparkjobs.api.Job;
import dev.sparkjobs.api.JobConfig;
import dev.sparkjobs.errors.Errors;

/**
 * Builds the configuration of one run from its layers, later layers winning key by key:
 * <ol>
 *   <li>the declared defaults (framework keys and the job's keys);</li>
 *   <li>{@code conf/application.conf}, then {@code conf/env/<env>.conf}: framework keys at the top
 *       level, a job's keys under {@code jobs.<job>};</li>
 *   <li>{@code conf/jobs/<job>.conf}, then {@code --conf FILE}, then each {@code --set key=value}:
 *       keys relative to the job, framework keys included.</li>
 * </ol>
 * Each file is resolved on its own, so {@code ${?ENV_VAR}} substitutions read the environment.
 * Keys are kept flat, so an input's location {@code input.billing} and its option {@code
 * input.billing.format} can both be set; in a HOCON file that sets both, write the location as
 * {@code input.billing.path}. Every key is validated: unknown keys get a "did you mean" hint.
 */
public final class ConfigLoader
{
    public static final String JOBS_SECTION = "jobs";
    private static final String PATH_SUFFIX = ".path";

    private final ConfigSource source;
    private final Map<String, Job> jobs;

    public ConfigLoader(ConfigSource source, Collection<Job> knownJobs)
    {
        this.source = requireNonNull(source, "source is null");
        Map<String, Job> byName = new TreeMap<>();
        knownJobs.forEach(job -> byName.put(job.name(), job));
        this.jobs = byName;
    }

    public record Request(String job, String env, Optional<Path> confFile, List<String> settings)
    {
        public Request
        {
            requireNonNull(job, "job is null");
            requireNonNull(env, "env is null");
            requireNonNull(confFile, "confFile is null");
            settings = List.copyOf(requireNonNull(settings, "settings is null"));
        }
    }

    /** Every key a job understands (besides {@code spark.*}), in declaration order. */
    public static Map<String, ConfigKey<?>> declaredKeys(Job job)
    {
        Map<String, ConfigKey<?>> keys = frameworkKeys();
        for (InputSpec input : job.inputs()) {
            keys.put(input.key(), ConfigKey.ofString(input.key(), "", input.description()));
        }
        for (ConfigKey<?> key : job.configKeys()) {
            keys.put(key.name(), key);
        }
        return keys;
    }

    public JobConfig load(Request request)
    {
        Job job = jobs.get(request.job());
        requireNonNull(job, () -> "unknown job " + request.job());
        return load(Optional.of(job), request.env(), request.confFile(), request.settings());
    }

    /** The configuration of a command that runs no job ({@code export}): framework keys only. */
    public JobConfig loadFramework(String env, List<String> settings)
    {
        return load(Optional.empty(), env, Optional.empty(), settings);
    }

    private JobConfig load(Optional<Job> runningJob, String env, Optional<Path> confFile, List<String> settingsGiven)
    {
        Map<String, ConfigKey<?>> declared = runningJob.map(ConfigLoader::declaredKeys).orElseGet(ConfigLoader::frameworkKeys);
        String subject = runningJob.map(Job::name).orElse("(no job)");
        List<String> problems = new ArrayList<>();
        Map<String, Setting> settings = new LinkedHashMap<>();

        Config application = source.read("application.conf").orElse(ConfigFactory.empty());
        applyGlobalLayer(application, runningJob, settings, problems);

        Config environment = source.read("env/" + env + ".conf")
                .orElseThrow(() -> Errors.unknownEnvironment(env, source.list("env"), source.describe()));
        applyGlobalLayer(environment, runningJob, settings, problems);

        runningJob.flatMap(job -> source.read("jobs/" + job.name() + ".conf")).ifPresent(config -> applyJobLayer(config, settings));

        if (confFile.isPresent()) {
            Path file = confFile.get();
            if (!Files.isRegularFile(file)) {
                throw Errors.configFileNotFound(file.toString());
            }
            applyJobLayer(ConfigSource.parse(file.toString(), () -> ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults())), settings);
        }

        for (String setting : settingsGiven) {
            int equals = setting.indexOf('=');
            if (equals <= 0) {
                throw Errors.invalidSetting(setting);
            }
            String key = normaliseKey(setting.substring(0, equals).trim());
            settings.put(key, new Setting(setting.substring(equals + 1), "--set " + setting.substring(0, equals).trim()));
        }

        Map<String, String> values = new TreeMap<>();
        declared.values().forEach(key -> values.put(key.name(), key.formatDefault()));
        settings.forEach((key, setting) -> {
            ConfigKey<?> definition = declared.get(key);
            if (definition == null && !FrameworkKeys.isSparkProperty(key)) {
                problems.add("Unknown key " + key + " (" + setting.origin() + ")" + Suggestions.hint(key, declared.keySet())
                        + (runningJob.isPresent() ? ": job " + subject + " has no such key" : ": only framework keys apply here"));
                return;
            }
            if (definition != null) {
                definition.problemWith(setting.value()).ifPresent(problem ->
                        problems.add("Invalid value for " + key + " (" + setting.origin() + "): " + problem));
            }
            values.put(key, setting.value());
        });
        if (!problems.isEmpty()) {
            throw Errors.invalidConfiguration(subject, problems);
        }
        return new JobConfig(values);
    }

    /** A top-level file: framework keys at the root, job keys under {@code jobs.<job>}. */
    private void applyGlobalLayer(Config config, Optional<Job> runningJob, Map<String, Setting> settings, List<String> problems)
    {
        for (Map.Entry<String, ConfigValue> entry : config.entrySet()) {
            List<String> path = ConfigUtil.splitPath(entry.getKey());
            String origin = origin(entry.getValue());
            if (path.get(0).equals(JOBS_SECTION)) {
                if (path.size() < 3) {
                    problems.add("Key " + String.join(".", path) + " (" + origin + ") must name a job and a key: jobs.<job>.<key>");
                    continue;
                }
                String jobName = path.get(1);
                String key = normaliseKey(String.join(".", path.subList(2, path.size())));
                if (!jobs.containsKey(jobName)) {
                    problems.add("Unknown job '" + jobName + "' in section jobs (" + origin + ")" + Suggestions.hint(jobName, jobs.keySet())
                            + ": known jobs are " + String.join(", ", jobs.keySet()));
                }
                else if (runningJob.map(job -> job.name().equals(jobName)).orElse(false)) {
                    settings.put(key, new Setting(text(entry.getValue()), origin));
                }
                else if (!declaredKeys(jobs.get(jobName)).containsKey(key) && !FrameworkKeys.isSparkProperty(key)) {
                    problems.add("Unknown key " + key + " for job " + jobName + " (" + origin + ")"
                            + Suggestions.hint(key, declaredKeys(jobs.get(jobName)).keySet()));
                }
                continue;
            }
            String key = String.join(".", path);
            if (FrameworkKeys.ALL.stream().noneMatch(framework -> framework.name().equals(key)) && !FrameworkKeys.isSparkProperty(key)) {
                problems.add("Unknown key " + key + " (" + origin + ")" + Suggestions.hint(key, frameworkKeyNames())
                        + ": at the top level of this file only framework keys are allowed; put a job's keys under jobs.<job>");
                continue;
            }
            settings.put(key, new Setting(text(entry.getValue()), origin));
        }
    }

    /** A file in the job's view: every key relative to the job. */
    private static void applyJobLayer(Config config, Map<String, Setting> settings)
    {
        for (Map.Entry<String, ConfigValue> entry : config.entrySet()) {
            String key = normaliseKey(String.join(".", ConfigUtil.splitPath(entry.getKey())));
            settings.put(key, new Setting(text(entry.getValue()), origin(entry.getValue())));
        }
    }

    private static Map<String, ConfigKey<?>> frameworkKeys()
    {
        Map<String, ConfigKey<?>> keys = new LinkedHashMap<>();
        FrameworkKeys.ALL.forEach(key -> keys.put(key.name(), key));
        return keys;
    }

    private static List<String> frameworkKeyNames()
    {
        return FrameworkKeys.ALL.stream().map(ConfigKey::name).toList();
    }

    /** {@code input.billing.path} is the file-friendly spelling of {@code input.billing}. */
    private static String normaliseKey(String key)
    {
        if (key.startsWith("input.") && key.endsWith(PATH_SUFFIX) && key.split("\\.").length == 3) {
            return key.substring(0, key.length() - PATH_SUFFIX.length());
        }
        return key;
    }

    private static String text(ConfigValue value)
    {
        if (value.valueType() == ConfigValueType.LIST) {
            return String.join(",", ((List<?>) value.unwrapped()).stream().map(String::valueOf).toList());
        }
        return String.valueOf(value.unwrapped());
    }

    private static String origin(ConfigValue value)
    {
        String file = Optional.ofNullable(value.origin().filename())
                .or(() -> Optional.ofNullable(value.origin().resource()).map(resource -> "classpath:" + resource))
                .orElse(value.origin().description());
        return value.origin().lineNumber() > 0 ? file + ":" + value.origin().lineNumber() : file;
    }

    private record Setting(String value, String origin) {}
}
