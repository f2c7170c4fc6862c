package dev.sparkjobs.internal.runtime;

import java.io.IOException;
import java.nio.file.Path;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;

import dev.sparkjobs.api.JobConfig;
import dev.sparkjobs.errors.Errors;

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

    /**
     * Refuses, before Spark starts, a location whose scheme no Hadoop file system on the class path
     * serves (gs:// without the GCS connector), instead of failing a started run at its first write.
     * A scheme the configuration maps itself ({@code spark.hadoop.fs.<scheme>.impl}) is accepted.
     */
    public static void requireFileSystem(String key, String location, JobConfig config)
    {
        String scheme = new org.apache.hadoop.fs.Path(normalise(location)).toUri().getScheme();
        // s3:// is EMRFS on EMR, which EMR may configure in spark-defaults rather than core-site.xml: not checkable here
        if (scheme == null || scheme.equals("s3") || config.raw("spark.hadoop.fs." + scheme + ".impl").isPresent()) {
            return;
        }
        try {
            FileSystem.getFileSystemClass(scheme, new Configuration());
        }
        catch (IOException e) {
            throw Errors.unsupportedScheme(key, location, scheme);
        }
    }
}
