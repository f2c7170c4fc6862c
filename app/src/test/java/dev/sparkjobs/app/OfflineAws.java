package dev.sparkjobs.app;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The environment of an AWS client or moto process in these tests: fake credentials and region,
 * no configuration or credential files of the machine's user, no instance metadata lookups and
 * no proxy, so that nothing leaves the loopback interface.
 */
final class OfflineAws
{
    static final String REGION = "eu-west-1";

    private static final List<String> REMOVED = List.of(
            "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
            "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_ENDPOINT_URL", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy");

    private OfflineAws() {}

    /** Sets the variables in {@code environment}; {@code folder} holds the (absent) configuration files. */
    static void apply(Map<String, String> environment, Path folder)
    {
        requireNonNull(environment, "environment is null");
        requireNonNull(folder, "folder is null");
        REMOVED.forEach(environment::remove);
        environment.put("AWS_ACCESS_KEY_ID", "testing");
        environment.put("AWS_SECRET_ACCESS_KEY", "testing");
        environment.put("AWS_SESSION_TOKEN", "testing");
        environment.put("AWS_DEFAULT_REGION", REGION);
        environment.put("AWS_EC2_METADATA_DISABLED", "true");
        environment.put("AWS_CONFIG_FILE", folder.resolve("no-config").toString());
        environment.put("AWS_SHARED_CREDENTIALS_FILE", folder.resolve("no-credentials").toString());
        environment.put("NO_PROXY", "127.0.0.1,localhost");
        environment.put("no_proxy", "127.0.0.1,localhost");
    }
}
