package dev.sparkjobs.testing;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.hadoop.conf.Configuration;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A real S3 API server for tests: S3Proxy (its jar-with-dependencies, copied by Maven into
 * {@code target/s3proxy/}) run as its own JVM on a free loopback port, storing objects in a
 * temporary folder. Buckets and objects are made through the AWS SDK, as a user would.
 */
public final class S3Proxy
        implements AutoCloseable
{
    public static final String REGION = "us-east-1";
    private static final String IDENTITY = "spark-jobs-test";
    private static final String CREDENTIAL = "spark-jobs-test-secret";
    private static final AtomicInteger BUCKETS = new AtomicInteger();
    /** The framework's default s3.credentials-provider (its static keys come first). */
    private static final String DEFAULT_CREDENTIALS_PROVIDERS = String.join(",",
            "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider",
            "org.apache.hadoop.fs.s3a.TemporaryAWSCredentialsProvider",
            "software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider",
            "software.amazon.awssdk.auth.credentials.WebIdentityTokenFileCredentialsProvider",
            "org.apache.hadoop.fs.s3a.auth.IAMInstanceCredentialsProvider");

    private final Path jar;
    private final Path folder;
    private final int port;
    private final String endpoint;
    private final S3Client client;
    private Process process;

    private S3Proxy(Path jar, Process process, Path folder, int port)
    {
        this.jar = requireNonNull(jar, "jar is null");
        this.process = requireNonNull(process, "process is null");
        this.folder = requireNonNull(folder, "folder is null");
        this.port = port;
        this.endpoint = "http://127.0.0.1:" + port;
        this.client = S3Client.builder()
                .endpointOverride(URI.create(endpoint))
                .region(Region.of(REGION))
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(IDENTITY, CREDENTIAL)))
                .build();
    }

    public static S3Proxy start()
    {
        Path jar = Path.of(System.getProperty("spark-jobs.s3proxy.jar", "target/s3proxy/s3proxy.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("S3Proxy jar not found at " + jar + ": run the tests through Maven (./mvnw verify), "
                    + "which copies it there in generate-test-resources");
        }
        try {
            Path folder = Files.createTempDirectory("s3proxy");
            Path data = Files.createDirectories(folder.resolve("data"));
            int port = freePort();
            String endpoint = "http://127.0.0.1:" + port;
            Path properties = folder.resolve("s3proxy.properties");
            Files.writeString(properties, String.join("\n",
                    "s3proxy.endpoint=" + endpoint,
                    "s3proxy.authorization=aws-v2-or-v4",
                    "s3proxy.identity=" + IDENTITY,
                    "s3proxy.credential=" + CREDENTIAL,
                    "s3proxy.ignore-unknown-headers=true",
                    "jclouds.provider=filesystem",
                    "jclouds.filesystem.basedir=" + data,
                    ""));
            return new S3Proxy(jar, launch(jar, folder, port), folder, port);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Process launch(Path jar, Path folder, int port)
            throws IOException
    {
        Path log = folder.resolve("s3proxy.log");
        Process process = new ProcessBuilder(javaExecutable(), "-Xmx512m", "-jar", jar.toString(), "--properties", folder.resolve("s3proxy.properties").toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        awaitPort(process, port, log);
        return process;
    }

    /** Stops the server as an outage would (SIGKILL), keeping its objects: {@link #restart()} brings it back on the same endpoint. */
    public void stop()
    {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Starts the server again after {@link #stop()}, with the objects it had, on the same endpoint. */
    public void restart()
    {
        if (process.isAlive()) {
            throw new IllegalStateException("S3Proxy at " + endpoint + " is running: stop() it first");
        }
        try {
            process = launch(jar, folder, port);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String endpoint()
    {
        return endpoint;
    }

    /** A new, uniquely named bucket. */
    public String createBucket(String prefix)
    {
        String bucket = prefix + "-" + BUCKETS.incrementAndGet() + "-" + ProcessHandle.current().pid();
        client.createBucket(request -> request.bucket(bucket));
        return bucket;
    }

    /** Uploads a local file, or every file under a local folder, to s3a://bucket/prefix/... */
    public void upload(Path source, String bucket, String prefix)
    {
        try (var files = Files.walk(source)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String relative = Files.isDirectory(source) ? source.relativize(file).toString().replace('\\', '/') : file.getFileName().toString();
                String key = prefix.isEmpty() ? relative : prefix + "/" + relative;
                client.putObject(request -> request.bucket(bucket).key(key), RequestBody.fromFile(file));
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public List<String> keys(String bucket, String prefix)
    {
        return client.listObjectsV2Paginator(request -> request.bucket(bucket).prefix(prefix)).contents().stream().map(S3Object::key).sorted().toList();
    }

    /** The framework keys (for --set) that point s3a:// at this server. */
    public List<String> settings()
    {
        return List.of(
                "s3.endpoint=" + endpoint,
                "s3.region=" + REGION,
                "s3.path-style-access=true",
                "s3.access-key=" + IDENTITY,
                "s3.secret-key=" + CREDENTIAL);
    }

    /** A Hadoop configuration whose s3a:// file systems reach this server, set from {@link #settings()} as a run sets them. */
    public Configuration hadoopConfiguration()
    {
        Configuration configuration = new Configuration();
        hadoopSettings().forEach(configuration::set);
        return configuration;
    }

    /**
     * The S3A settings a run makes of {@link #settings()}, as key-value pairs (the runtime's tests pin
     * that they are what it makes).
     */
    public Map<String, String> hadoopSettings()
    {
        Map<String, String> hadoop = new TreeMap<>();
        hadoop.put("fs.s3a.endpoint", endpoint);
        hadoop.put("fs.s3a.connection.ssl.enabled", "false");
        hadoop.put("fs.s3a.endpoint.region", REGION);
        hadoop.put("fs.s3a.path.style.access", "true");
        hadoop.put("fs.s3a.aws.credentials.provider", DEFAULT_CREDENTIALS_PROVIDERS);
        hadoop.put("fs.s3a.access.key", IDENTITY);
        hadoop.put("fs.s3a.secret.key", CREDENTIAL);
        return hadoop;
    }

    public static String secretKey()
    {
        return CREDENTIAL;
    }

    @Override
    public void close()
    {
        client.close();
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        TestFiles.deleteRecursively(folder);
    }

    private static int freePort()
            throws IOException
    {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void awaitPort(Process process, int port, Path log)
            throws IOException
    {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("S3Proxy exited with " + process.exitValue() + " before listening:\n" + Files.readString(log));
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            }
            catch (IOException notYet) {
                try {
                    Thread.sleep(100);
                }
                catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
        }
        process.destroyForcibly();
        throw new IllegalStateException("S3Proxy did not listen on port " + port + " within 60 s:\n" + Files.readString(log));
    }

    static String javaExecutable()
    {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
