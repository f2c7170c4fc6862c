package dev.sparkjobs.cli;

import static java.util.Objects.requireNonNull;

import java.util.List;

import org.apache.spark.sql.SparkSession;

import dev.sparkjobs.config.ConfigLoader;
import dev.sparkjobs.config.FrameworkKeys;
import dev.sparkjobs.internal.lake.LakeCatalog;
import dev.sparkjobs.internal.runtime.Locations;
import dev.sparkjobs.internal.runtime.SparkSessions;

/** The SparkSession of commands that run no job (sample-data, export, sql, tables, runs, report), set up from framework keys. */
final class SparkSessionsForCommands
{
    private SparkSessionsForCommands() {}

    /** A session and the lake of {@code output.root}, for the commands that read the lake. */
    record Lake(SparkSession spark, String root)
    {
        Lake
        {
            requireNonNull(spark, "spark is null");
            requireNonNull(root, "root is null");
        }

        LakeCatalog catalog()
        {
            return new LakeCatalog(spark, root);
        }
    }

    static SparkSession frameworkSession(Cli cli, String env, List<String> settings, String appName)
    {
        var config = new ConfigLoader(cli.configSource().get(), cli.registry().get().jobs()).loadFramework(env, settings);
        return SparkSessions.getOrCreate(config, appName);
    }

    static Lake lake(Cli cli, String env, List<String> settings, String appName)
    {
        var config = new ConfigLoader(cli.configSource().get(), cli.registry().get().jobs()).loadFramework(env, settings);
        Locations.requireFileSystem(FrameworkKeys.OUTPUT_ROOT.name(), config.get(FrameworkKeys.OUTPUT_ROOT), config);
        return new Lake(SparkSessions.getOrCreate(config, appName), Locations.normalise(config.get(FrameworkKeys.OUTPUT_ROOT)));
    }
}
