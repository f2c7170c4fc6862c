package dev.sparkjobs.api;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A documented, typed and validated configuration key with its default. Keys use kebab-case words
 * joined by dots for hierarchy ({@code anomaly.window-days}).
 *
 * @param <T> the type of the value
 */
public final class ConfigKey<T>
{
    private static final List<String> SECRET_MARKERS = List.of("secret", "password", "token", "access-key", "access.key", "accesskey");

    private final String name;
    private final String typeDescription;
    private final Function<String, T> parser;
    private final T defaultValue;
    private final String description;
    private final Predicate<T> constraint;
    private final String constraintDescription;
    private final Function<T, String> formatter;

    private ConfigKey(String name, String typeDescription, Function<String, T> parser, T defaultValue, String description,
            Predicate<T> constraint, String constraintDescription)
    {
        this(name, typeDescription, parser, defaultValue, description, constraint, constraintDescription, String::valueOf);
    }

    private ConfigKey(String name, String typeDescription, Function<String, T> parser, T defaultValue, String description,
            Predicate<T> constraint, String constraintDescription, Function<T, String> formatter)
    {
        this.formatter = requireNonNull(formatter, "formatter is null");
        this.name = requireNonNull(name, "name is null");
        this.typeDescription = requireNonNull(typeDescription, "typeDescription is null");
        this.parser = requireNonNull(parser, "parser is null");
        this.defaultValue = requireNonNull(defaultValue, "defaultValue is null");
        this.description = requireNonNull(description, "description is null");
        this.constraint = requireNonNull(constraint, "constraint is null");
        this.constraintDescription = requireNonNull(constraintDescription, "constraintDescription is null");
        if (!name.matches("[a-z][a-z0-9-]*(\\.[a-z0-9][a-z0-9-]*)*")) {
            throw new IllegalArgumentException("Invalid config key name '" + name + "': use kebab-case words joined by dots");
        }
        if (!constraint.test(defaultValue)) {
            throw new IllegalArgumentException("Default " + defaultValue + " of config key " + name + " is not " + constraintDescription);
        }
    }

    public static ConfigKey<String> ofString(String name, String defaultValue, String description)
    {
        return new ConfigKey<>(name, "string", value -> value, defaultValue, description, value -> true, "");
    }

    public static ConfigKey<Integer> ofInteger(String name, int defaultValue, String description)
    {
        return new ConfigKey<>(name, "integer", ConfigKey::parseInteger, defaultValue, description, value -> true, "");
    }

    public static ConfigKey<Long> ofLong(String name, long defaultValue, String description)
    {
        return new ConfigKey<>(name, "integer", ConfigKey::parseLong, defaultValue, description, value -> true, "");
    }

    public static ConfigKey<Double> ofDouble(String name, double defaultValue, String description)
    {
        return new ConfigKey<>(name, "number", ConfigKey::parseDouble, defaultValue, description, Double::isFinite, "a finite number");
    }

    public static ConfigKey<Boolean> ofBoolean(String name, boolean defaultValue, String description)
    {
        return new ConfigKey<>(name, "boolean", ConfigKey::parseBoolean, defaultValue, description, value -> true, "");
    }

    /** A string that must be one of {@code allowed} (compared case-insensitively, stored lower-case). */
    public static ConfigKey<String> ofChoice(String name, String defaultValue, String description, String... allowed)
    {
        List<String> choices = List.of(allowed);
        return new ConfigKey<>(name, "one of " + String.join("|", choices), value -> value.trim().toLowerCase(Locale.ROOT),
                defaultValue, description, choices::contains, "one of " + String.join(", ", choices));
    }

    /**
     * One of an enum's constants, written in lower case with dashes ({@code ALL} is {@code all},
     * {@code SINGLE_DRIVER} is {@code single-driver}), compared case-insensitively.
     */
    public static <E extends Enum<E>> ConfigKey<E> ofEnum(String name, Class<E> type, E defaultValue, String description)
    {
        List<String> choices = java.util.Arrays.stream(type.getEnumConstants()).map(ConfigKey::configValue).toList();
        return new ConfigKey<>(name, "one of " + String.join("|", choices), raw -> {
            for (E constant : type.getEnumConstants()) {
                if (configValue(constant).equals(raw.trim().toLowerCase(Locale.ROOT))) {
                    return constant;
                }
            }
            throw new IllegalArgumentException("not one of " + choices + ": " + raw);
        }, defaultValue, description, value -> true, "", ConfigKey::configValue);
    }

    /** How an enum constant is written in configuration: lower case, dashes for underscores. */
    public static String configValue(Enum<?> constant)
    {
        return constant.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** A copy that also requires {@code minimum <= value <= maximum}. */
    public <N extends Number & Comparable<N>> ConfigKey<T> withRange(N minimum, N maximum)
    {
        return withConstraint(value -> {
            double number = ((Number) value).doubleValue();
            return number >= minimum.doubleValue() && number <= maximum.doubleValue();
        }, "between " + minimum + " and " + maximum);
    }

    /** A copy that also requires {@code value >= minimum}. */
    public <N extends Number & Comparable<N>> ConfigKey<T> withMinimum(N minimum)
    {
        return withConstraint(value -> ((Number) value).doubleValue() >= minimum.doubleValue(), "at least " + minimum);
    }

    private ConfigKey<T> withConstraint(Predicate<T> extra, String extraDescription)
    {
        String combined = constraintDescription.isEmpty() ? extraDescription : constraintDescription + " and " + extraDescription;
        return new ConfigKey<>(name, typeDescription, parser, defaultValue, description, constraint.and(extra), combined, formatter);
    }

    public String name()
    {
        return name;
    }

    public T defaultValue()
    {
        return defaultValue;
    }

    public String description()
    {
        return description;
    }

    /** What values are accepted, for {@code describe} and error messages: "integer, at least 1". */
    public String typeDescription()
    {
        if (constraintDescription.isEmpty() || typeDescription.startsWith("one of")) {
            return typeDescription;
        }
        return typeDescription + ", " + constraintDescription;
    }

    /** True for keys whose values must never be printed, logged or stored. */
    public boolean isSecret()
    {
        return isSecretName(name);
    }

    public static boolean isSecretName(String key)
    {
        String lower = key.toLowerCase(Locale.ROOT);
        return SECRET_MARKERS.stream().anyMatch(lower::contains);
    }

    /**
     * Parses and validates a raw value.
     *
     * @return the problem, when the value is not acceptable; empty when {@code parse} will succeed
     */
    public Optional<String> problemWith(String raw)
    {
        T value;
        String shown = isSecret() ? "***" : raw;
        try {
            value = parser.apply(raw.trim());
        }
        catch (IllegalArgumentException e) {
            return Optional.of("expected " + typeDescription + " but got '" + shown + "'");
        }
        if (!constraint.test(value)) {
            return Optional.of("expected " + typeDescription() + " but got '" + shown + "'");
        }
        return Optional.empty();
    }

    public T parse(String raw)
    {
        problemWith(raw).ifPresent(problem -> {
            throw new IllegalArgumentException("Invalid value for " + name + ": " + problem);
        });
        return parser.apply(raw.trim());
    }

    public String formatDefault()
    {
        return formatter.apply(defaultValue);
    }

    private static Integer parseInteger(String raw)
    {
        return Integer.valueOf(raw);
    }

    private static Long parseLong(String raw)
    {
        return Long.valueOf(raw);
    }

    private static Double parseDouble(String raw)
    {
        return Double.valueOf(raw);
    }

    private static Boolean parseBoolean(String raw)
    {
        return switch (raw.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw new IllegalArgumentException("not a boolean: " + raw);
        };
    }

    @Override
    public String toString()
    {
        return name;
    }
}
