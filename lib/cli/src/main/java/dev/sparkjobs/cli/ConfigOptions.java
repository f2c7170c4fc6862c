package dev.sparkjobs.cli;

import java.util.ArrayList;
import java.util.List;

import picocli.CommandLine.Option;

/** {@code --env NAME} and repeatable {@code --set key=value}, shared by the commands that load configuration. */
final class ConfigOptions
{
    @Option(names = "--env", defaultValue = "local", paramLabel = "NAME", description = "Environment: conf/env/NAME.conf (default: ${DEFAULT-VALUE}).")
    String env;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Set a key (repeatable), e.g. --set input.billing=s3a://b/cur/ or --set s3.endpoint=http://localhost:9000.")
    List<String> settings = new ArrayList<>();
}
