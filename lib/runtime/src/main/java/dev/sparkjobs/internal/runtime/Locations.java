package dev.sparkjobs.internal.runtime;

import java.nio.file.Path;

/** Turns configured locations into URIs Spark and Hadoop understand. */
public final class Locations
{
    private Locations() {}

    /**
     * {@code lake} becomes {@code file:/abs/lake} (Hadoop's form, which Delta compares locations
     * in); {@code file:///x} becomes {@code file:/x}; other URIs are kept; no trailing slash.
     */
    public static String normalise(String location)
    {
        String trimmed = location.trim();
        String uri;
        if (trimmed.matches("[a-zA-Z][a-zA-Z0-9+.-]*://.*") || trimmed.startsWith("file:")) {
            uri = trimmed;
        }
        else {
            uri = Path.of(trimmed).toAbsolutePath().normalize().toUri().toString();
        }
        if (uri.startsWith("file:///")) {
            uri = "file:/" + uri.substring("file:///".length());
        }
        while (uri.endsWith("/") && !uri.endsWith("://") && !uri.equals("file:/")) {
            uri = uri.substring(0, uri.length() - 1);
        }
        return uri;
    }

    public static String child(String root, String name)
    {
        return normalise(root) + "/" + name;
    }
}
