package dev.sparkjobs.internal.registry;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;

import dev.sparkjobs.api.ConfigKey;
import dev.sparkjobs.api.InputSpec;
import dev.sparkjobs.api.Job;
import dev.sparkjobs.api.TableSpec;
import dev.sparkjobs.config.FrameworkKeys;
import dev.sparkjobs.config.Suggestions;
import dev.sparkjobs.errors.Errors;

/**
 * The jobs on the classpath, found with {@link ServiceLoader}. Fails fast on an empty registry, a
 * duplicate name, or a job whose declarations are inconsistent.
 */
public final class JobRegistry
{
    private final Map<String, Job> jobs;

    private JobRegistry(Map<String, Job> jobs)
    {
        this.jobs = jobs;
    }

    public static JobRegistry load()
    {
        List<Job> found = new ArrayList<>();
        ServiceLoader.load(Job.class, Thread.currentThread().getContextClassLoader()).forEach(found::add);
        return of(found);
    }

    public static JobRegistry of(Collection<Job> candidates)
    {
        if (candidates.isEmpty()) {
            throw Errors.emptyRegistry();
        }
        Map<String, List<Job>> byName = new TreeMap<>();
        for (Job job : candidates) {
            byName.computeIfAbsent(job.name(), name -> new ArrayList<>()).add(job);
        }
        Map<String, Job> jobs = new LinkedHashMap<>();
        for (Map.Entry<String, List<Job>> entry : byName.entrySet()) {
            if (entry.getValue().size() > 1) {
                throw Errors.duplicateJob(entry.getKey(), entry.getValue().stream().map(job -> job.getClass().getName()).toList(), byName.keySet());
            }
            Job job = entry.getValue().get(0);
            validate(job);
            jobs.put(entry.getKey(), job);
        }
        return new JobRegistry(jobs);
    }

    public Job get(String name)
    {
        Job job = jobs.get(name);
        if (job == null) {
            throw Errors.unknownJob(name, jobs.keySet(), Suggestions.hint(name, jobs.keySet()));
        }
        return job;
    }

    public Collection<Job> jobs()
    {
        return jobs.values();
    }

    public Set<String> names()
    {
        return jobs.keySet();
    }

    private static void validate(Job job)
    {
        String type = job.getClass().getName();
        if (job.name() == null || !job.name().matches("[a-z][a-z0-9-]*")) {
            throw Errors.invalidJobDefinition(type, "its name '" + job.name() + "' is not kebab-case (a-z, 0-9, -)");
        }
        Set<String> frameworkKeys = new HashSet<>();
        FrameworkKeys.ALL.forEach(key -> frameworkKeys.add(key.name()));
        Set<String> keys = new HashSet<>();
        for (InputSpec input : job.inputs()) {
            if (!keys.add(input.key())) {
                throw Errors.invalidJobDefinition(type, "input " + input.name() + " is declared twice");
            }
        }
        for (ConfigKey<?> key : job.configKeys()) {
            if (frameworkKeys.contains(key.name()) || FrameworkKeys.isSparkProperty(key.name())) {
                throw Errors.invalidJobDefinition(type, "config key " + key.name() + " collides with a framework key");
            }
            if (!keys.add(key.name())) {
                throw Errors.invalidJobDefinition(type, "config key " + key.name() + " is declared twice");
            }
        }
        Set<String> tables = new HashSet<>();
        for (TableSpec table : job.outputs()) {
            if (!tables.add(table.name())) {
                throw Errors.invalidJobDefinition(type, "output table " + table.name() + " is declared twice");
            }
            if (table.name().startsWith("_")) {
                throw Errors.invalidJobDefinition(type, "output table " + table.name() + " starts with '_', which is reserved for the framework (_runs)");
            }
        }
    }
}
