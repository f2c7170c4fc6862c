package dev.sparkjobs.app;

import static java.util.Objects.requireNonNull;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The AWS CLI ({@code aws}) against one endpoint, with fake credentials and nothing beyond that
 * endpoint: botocore, under the CLI, validates each request against the API's service model
 * before sending it.
 */
final class AwsCli
{
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI endpoint;
    private final Path folder;
    private int calls;

    record Result(int exitCode, String out, String err)
    {
        Result
        {
            requireNonNull(out, "out is null");
            requireNonNull(err, "err is null");
        }
    }

    /** {@code folder} keeps the output of every call (and holds the absent configuration files). */
    AwsCli(URI endpoint, Path folder)
    {
        this.endpoint = requireNonNull(endpoint, "endpoint is null");
        this.folder = requireNonNull(folder, "folder is null");
    }

    static boolean installed()
    {
        return CommandLineTool.runs("aws", "--version");
    }

    /** Runs {@code aws ARGUMENTS --endpoint-url ENDPOINT} in {@code directory}, which relative file:// paths are read from. */
    Result run(Path directory, List<String> arguments)
            throws IOException, InterruptedException
    {
        List<String> command = new ArrayList<>(List.of("aws"));
        command.addAll(arguments);
        command.addAll(List.of("--endpoint-url", endpoint.toString(), "--output", "json"));
        calls++;
        Path out = folder.resolve("aws-" + calls + ".out");
        Path err = folder.resolve("aws-" + calls + ".err");
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile());
        OfflineAws.apply(builder.environment(), folder);
        Process process = builder.start();
        try {
            assertThat(process.waitFor(2, TimeUnit.MINUTES)).as("%s finished", command).isTrue();
        }
        finally {
            process.destroyForcibly();
        }
        return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
    }

    /** Like {@link #run}, and the call must succeed: its JSON answer. */
    JsonNode call(Path directory, String... arguments)
            throws IOException, InterruptedException
    {
        Result result = run(directory, List.of(arguments));
        assertThat(result.exitCode()).as("aws %s failed:\n%s%s", String.join(" ", arguments), result.out(), result.err()).isZero();
        return JSON.readTree(result.out());
    }
}
