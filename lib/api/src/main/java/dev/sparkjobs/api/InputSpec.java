package dev.sparkjobs.api;

import static java.util.Objects.requireNonNull;

/**
 * An input of a job. Its location (a file://, s3a:// or plain path, file or folder) is the value
 * of the key {@code input.<name>}.
 */
public record InputSpec(String name, String description, Presence presence)
{
    public enum Presence
    {
        REQUIRED,
        OPTIONAL
    }

    public InputSpec
    {
        requireNonNull(name, "name is null");
        requireNonNull(description, "description is null");
        requireNonNull(presence, "presence is null");
        if (!name.matches("[a-z][a-z0-9-]*")) {
            throw new IllegalArgumentException("Invalid input name '" + name + "': use kebab-case (a-z, 0-9, -)");
        }
    }

    public static InputSpec required(String name, String description)
    {
        return new InputSpec(name, description, Presence.REQUIRED);
    }

    public static InputSpec optional(String name, String description)
    {
        return new InputSpec(name, description, Presence.OPTIONAL);
    }

    public boolean isRequired()
    {
        return presence == Presence.REQUIRED;
    }

    /** The configuration key that holds this input's location. */
    public String key()
    {
        return "input." + name;
    }
}
