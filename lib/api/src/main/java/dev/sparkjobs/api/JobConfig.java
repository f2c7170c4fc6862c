package dev.sparkjobs.api;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The validated configuration of one run, in the job's view: framework keys ({@code output.root},
 * {@code scope}, {@code spark.*}, ...) and the job's own keys, all relative to the job.
 */
public final class JobConfig
{
    private final Map<String, String> values;

    public JobConfig(Map<String, String> values)
    {
        this.values = Map.copyOf(requireNonNull(values, "values is null"));
    }

    /** The value of a declared key: the configured one, else its default. */
    public <T> T get(ConfigKey<T> key)
    {
        String raw = values.get(key.name());
        return raw == null ? key.defaultValue() : key.parse(raw);
    }

    /** A raw value, for keys without a declaration ({@code spark.*}). */
    public Optional<String> raw(String key)
    {
        return Optional.ofNullable(values.get(key));
    }

    /** All configured values, sorted, with secrets shown as {@code ***}: safe to print and store. */
    public Map<String, String> redacted()
    {
        Map<String, String> redacted = new TreeMap<>();
        values.forEach((key, value) -> redacted.put(key, ConfigKey.isSecretName(key) ? "***" : value));
        return redacted;
    }

    /** All configured values, secrets included: never print or store the result. */
    public Map<String, String> unredacted()
    {
        return values;
    }

    @Override
    public String toString()
    {
        return redacted().toString();
    }
}
