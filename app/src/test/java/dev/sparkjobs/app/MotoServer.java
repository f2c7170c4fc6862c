package dev.sparkjobs.app;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * moto's server ({@code moto_server}, a stand-in for the AWS APIs) as its own process on a free
 * loopback port, for the tests of one class: started before them, stopped after them even when
 * they fail. Where moto_server is not installed, it is not started and each test is skipped (a
 * skip per test, so that the build's report shows the reason).
 */
final class MotoServer
        implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback
{
    private static final String NOT_INSTALLED = "moto_server is not installed (moto 5 with its server: pip install 'moto[server]'), "
            + "so the submission to moto's EMR on EKS API is not tested here; CI has it";

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final int START_ATTEMPTS = 3;

    private Path folder;
    private Process process;
    private int port;

    @Override
    public void beforeAll(ExtensionContext context)
            throws IOException, InterruptedException
    {
        if (!CommandLineTool.runs("moto_server", "--help")) {
            return;
        }
        folder = Files.createTempDirectory("moto-server-");
        for (int attempt = 1; process == null; attempt++) {
            start(attempt == START_ATTEMPTS);
        }
    }

    @Override
    public void beforeEach(ExtensionContext context)
    {
        assumeTrue(running(), NOT_INSTALLED);
    }

    @Override
    public void afterAll(ExtensionContext context)
            throws IOException, InterruptedException
    {
        try {
            stop();
        }
        finally {
            if (folder != null) {
                try (Stream<Path> paths = Files.walk(folder)) {
                    paths.sorted(Comparator.reverseOrder()).forEach(MotoServer::delete);
                }
            }
        }
    }

    boolean running()
    {
        return process != null;
    }

    URI endpoint()
    {
        if (process == null) {
            throw new IllegalStateException("moto_server is not running");
        }
        return URI.create("http://127.0.0.1:" + port);
    }

    Path folder()
    {
        return folder;
    }

    /** Starts the server on a free port; another process may take the port first, so a failed start may be retried. */
    private void start(boolean lastAttempt)
            throws IOException, InterruptedException
    {
        int candidate = freeLoopbackPort();
        Path log = folder.resolve("moto-server-" + candidate + ".log");
        ProcessBuilder builder = new ProcessBuilder(List.of("moto_server", "-H", "127.0.0.1", "-p", Integer.toString(candidate)))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        OfflineAws.apply(builder.environment(), folder);
        Process started = builder.start();
        try {
            Instant deadline = Instant.now().plus(START_TIMEOUT);
            while (started.isAlive() && Instant.now().isBefore(deadline)) {
                if (accepts(candidate)) {
                    process = started;
                    port = candidate;
                    return;
                }
                Thread.sleep(100);
            }
        }
        finally {
            if (process != started) {
                destroy(started);
            }
        }
        if (lastAttempt) {
            throw new IllegalStateException("Cannot start moto_server on 127.0.0.1:" + candidate + " (" + START_ATTEMPTS + " attempts); its output:\n" + Files.readString(log));
        }
    }

    private void stop()
            throws InterruptedException
    {
        if (process != null) {
            destroy(process);
            process = null;
        }
    }

    private static void destroy(Process process)
            throws InterruptedException
    {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static boolean accepts(int port)
    {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
            return true;
        }
        catch (IOException e) {
            return false;
        }
    }

    private static int freeLoopbackPort()
            throws IOException
    {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void delete(Path path)
    {
        try {
            Files.delete(path);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
