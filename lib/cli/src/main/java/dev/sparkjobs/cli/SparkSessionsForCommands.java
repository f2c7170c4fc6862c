package dev.sparkjobs.cli;

import java.util.List;

import org.apache.spark.sql.SparkSession;

import dev.sparkjobs.config.ConfigLoader;
import dev.sparkjobs.internal.runtime.SparkSessions;

/** The SparkSession of commands that run no job (sample-data, export), set up from framework keys. */
final class SparkSessionsForCommands
{
    private SparkSessionsForCommands() {}

    static SparkSession frameworkSession(Cli cli, String env, List<String> settings, String appName)
    {
        var config = new ConfigLoader(cli.configSource().get(), cli.registry().get().jobs()).loadFramework(env, settings);
        return SparkSessions.getOrCreate(config, appName);
    }
}
