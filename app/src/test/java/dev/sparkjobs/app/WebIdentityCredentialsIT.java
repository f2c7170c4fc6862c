package dev.sparkjobs.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The default s3.credentials-provider finds IRSA's credentials the way a pod on EKS gets them: an
 * OIDC token in the file AWS_WEB_IDENTITY_TOKEN_FILE names, exchanged with STS for the role
 * AWS_ROLE_ARN names (STS is moto's server here). Hadoop 3.4's own default chain has no
 * web-identity provider and finds nothing in the same environment.
 */
class WebIdentityCredentialsIT
{
    @RegisterExtension
    static final MotoServer MOTO = new MotoServer();

    @Test
    void theDefaultChainExchangesTheWebIdentityTokenForTheRolesCredentials()
            throws Exception
    {
        String resolved = resolve(List.of());
        assertThat(resolved).as("credentials with the framework's default chain").startsWith("RESOLVED ASIA");

        String hadoopDefault = resolve(List.of(""));
        assertThat(hadoopDefault).as("with s3.credentials-provider empty: Hadoop's own default chain").startsWith("FAILED");
    }

    private static String resolve(List<String> arguments)
            throws IOException, InterruptedException
    {
        Path folder = Files.createDirectories(MOTO.folder().resolve("irsa"));
        Path token = Files.writeString(folder.resolve("token"), "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6c3Bhcmstam9icyJ9.c2lnbmF0dXJl");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), ResolveS3Credentials.class.getName()));
        command.addAll(arguments);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> environment = builder.environment();
        OfflineAws.apply(environment, folder);
        // what EMR on EKS puts into the job's pods for IRSA, and no static keys
        environment.remove("AWS_ACCESS_KEY_ID");
        environment.remove("AWS_SECRET_ACCESS_KEY");
        environment.remove("AWS_SESSION_TOKEN");
        environment.put("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/spark-jobs-dev-execution");
        environment.put("AWS_WEB_IDENTITY_TOKEN_FILE", token.toString());
        environment.put("AWS_REGION", OfflineAws.REGION);
        environment.put("AWS_ENDPOINT_URL_STS", MOTO.endpoint().toString());
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(process.waitFor(2, TimeUnit.MINUTES)).as("resolving credentials ended").isTrue();
        return output.lines().filter(line -> line.startsWith("RESOLVED") || line.startsWith("FAILED")).findFirst()
                .orElseThrow(() -> new AssertionError("no outcome printed:\n" + output));
    }
}
