package dev.sparkjobs.internal.deploy;

import java.util.List;

/**
 * Where docker/Dockerfile puts things in the job image, and where the EMR on EKS base image keeps
 * Spark and Delta. The rendered requests and docker/test-image.sh rely on the same paths.
 */
public final class ImageLayout
{
    public static final String HOME = "/opt/spark-jobs";
    public static final String APPLICATION_JAR = HOME + "/spark-jobs.jar";
    public static final String CONF_DIR = HOME + "/conf";
    public static final String MAIN_CLASS = "dev.sparkjobs.cli.Main";
    public static final String SPARK_SUBMIT = "/usr/lib/spark/bin/spark-submit";

    /** EMR 7.x ships Delta outside Spark's classpath; a job adds it with --jars. */
    public static final List<String> DELTA_JARS = List.of(
            "/usr/share/aws/delta/lib/delta-spark.jar",
            "/usr/share/aws/delta/lib/delta-storage.jar");

    private ImageLayout() {}

    public static String local(String path)
    {
        return "local://" + path;
    }

    public static String deltaJarsAsLocalUris()
    {
        return String.join(",", DELTA_JARS.stream().map(ImageLayout::local).toList());
    }
}
