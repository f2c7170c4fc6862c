package dev.sparkjobs.app;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A Spark standalone cluster on 127.0.0.1 for tests: one Master and two Workers (one core and
 * 1 GiB each, so each runs one executor of an application), each a JVM of its own started from
 * the jars of app/target/spark-home, the SPARK_HOME of bin/spark-jobs. The workers start executors
 * as their child processes, with their logs in {@code <work dir>/<application id>/<executor id>/}.
 * {@link #close()} ends every JVM of the cluster, executors included.
 */
final class StandaloneCluster
        implements AutoCloseable
{
    static final Path SPARK_HOME = SparkJobsLauncher.PROJECT.resolve("app/target/spark-home");
    private static final String EXECUTOR_MAIN = "org.apache.spark.executor.CoarseGrainedExecutorBackend";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    /** The master logs this once per attempt: a worker that retries before it hears back is logged twice. */
    private static final Pattern REGISTERED = Pattern.compile("Registering worker (\\S+)");
    /** The list of bin/spark-jobs (org.apache.spark.launcher.JavaModuleOptions of Spark 3.5 on Java 17). */
    private static final List<String> ADD_OPENS = List.of(
            "-XX:+IgnoreUnrecognizedVMOptions",
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.net=ALL-UNNAMED",
            "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
            "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED",
            "--add-opens=java.base/sun.security.action=ALL-UNNAMED",
            "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED",
            "-Djdk.reflect.useDirectMethodHandle=false",
            "-Dio.netty.tryReflectionSetAccessible=true");

    /** An executor JVM of the cluster, started by the worker whose work dir holds {@link #folder()}. */
    record Executor(ProcessHandle process, String applicationId, String executorId, Path folder)
    {
        Executor
        {
            requireNonNull(process, "process is null");
            requireNonNull(applicationId, "applicationId is null");
            requireNonNull(executorId, "executorId is null");
            requireNonNull(folder, "folder is null");
        }

        /** What the executor has logged so far (Spark's default log4j configuration: INFO). */
        String stderr()
        {
            return readIfExists(folder.resolve("stderr"));
        }
    }

    private record Daemon(String name, Process process, Path log, Optional<Path> workDir)
    {
        Daemon
        {
            requireNonNull(name, "name is null");
            requireNonNull(process, "process is null");
            requireNonNull(log, "log is null");
            requireNonNull(workDir, "workDir is null");
        }
    }

    private final Path folder;
    private final String masterUrl;
    private final List<Daemon> daemons = new ArrayList<>();
    /** Ends the cluster when the test JVM is stopped before {@link #close()} (Ctrl-C, a fork timeout). */
    private final Thread stopOnExit = new Thread(this::close, "stop the standalone cluster");

    private StandaloneCluster(Path folder, int masterPort)
    {
        this.folder = requireNonNull(folder, "folder is null");
        this.masterUrl = "spark://127.0.0.1:" + masterPort;
        Runtime.getRuntime().addShutdownHook(stopOnExit);
    }

    /** Starts a master and two workers in {@code folder} (logs and work dirs) and waits until both workers are registered. */
    static StandaloneCluster start(Path folder)
            throws IOException, InterruptedException
    {
        if (!Files.isDirectory(SPARK_HOME.resolve("jars"))) {
            throw new IllegalStateException("Cannot start a standalone cluster: " + SPARK_HOME.resolve("jars") + " is missing; build it with ./mvnw -DskipTests install");
        }
        StandaloneCluster cluster = new StandaloneCluster(Files.createDirectories(folder), freePort());
        try {
            cluster.startMaster();
            for (int worker = 1; worker <= 2; worker++) {
                cluster.startWorker(worker);
            }
            cluster.awaitWorkers(2);
            return cluster;
        }
        catch (IOException | InterruptedException | RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
    }

    String masterUrl()
    {
        return masterUrl;
    }

    /** The live executor JVMs of this cluster's workers (of any application). */
    List<Executor> executors()
    {
        List<Executor> executors = new ArrayList<>();
        for (Daemon daemon : daemons) {
            if (daemon.workDir().isEmpty()) {
                continue;
            }
            daemon.process().toHandle().descendants()
                    .filter(ProcessHandle::isAlive)
                    .forEach(process -> executor(process, daemon.workDir().get()).ifPresent(executors::add));
        }
        return executors;
    }

    /** The folder of every executor an application had on this cluster, live or ended (one per executor id and worker). */
    List<Path> executorFolders(String applicationId)
    {
        List<Path> folders = new ArrayList<>();
        for (Daemon daemon : daemons) {
            Path application = daemon.workDir().map(workDir -> workDir.resolve(applicationId)).orElse(null);
            if (application != null && Files.isDirectory(application)) {
                try (Stream<Path> children = Files.list(application)) {
                    children.filter(Files::isDirectory).sorted().forEach(folders::add);
                }
                catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return folders;
    }

    /** The master's and workers' logs, for failure messages. */
    String logs()
    {
        StringBuilder logs = new StringBuilder();
        for (Daemon daemon : daemons) {
            logs.append("--- ").append(daemon.name()).append(" (").append(daemon.log()).append(")\n").append(readIfExists(daemon.log()));
        }
        return logs.toString();
    }

    @Override
    public void close()
    {
        List<ProcessHandle> descendants = new ArrayList<>();
        for (Daemon daemon : daemons) {
            daemon.process().toHandle().descendants().forEach(descendants::add);
        }
        // SIGTERM, workers first (a worker ends its executors on the way out), then SIGKILL for
        // whatever still runs after 10 s, the executors included
        List<Daemon> workersFirst = new ArrayList<>(daemons);
        Collections.reverse(workersFirst);
        workersFirst.forEach(daemon -> daemon.process().destroy());
        workersFirst.forEach(daemon -> awaitExit(daemon.process().toHandle()));
        descendants.forEach(StandaloneCluster::awaitExit);
        if (Thread.currentThread() != stopOnExit) {
            try {
                Runtime.getRuntime().removeShutdownHook(stopOnExit);
            }
            catch (IllegalStateException exiting) {
                // the JVM is exiting: the hook runs anyway, and finds the JVMs ended
            }
        }
    }

    private static void awaitExit(ProcessHandle process)
    {
        if (!exited(process)) {
            process.destroyForcibly();
            exited(process);
        }
    }

    private static boolean exited(ProcessHandle process)
    {
        return process.onExit().completeOnTimeout(null, 10, TimeUnit.SECONDS).join() != null;
    }

    private void startMaster()
            throws IOException
    {
        int port = Integer.parseInt(masterUrl.substring(masterUrl.lastIndexOf(':') + 1));
        start("master", Optional.empty(), "org.apache.spark.deploy.master.Master",
                "--host", "127.0.0.1", "--port", String.valueOf(port), "--webui-port", String.valueOf(freePort()));
    }

    private void startWorker(int number)
            throws IOException
    {
        Path workDir = Files.createDirectories(folder.resolve("worker-" + number));
        start("worker-" + number, Optional.of(workDir), "org.apache.spark.deploy.worker.Worker", masterUrl,
                "--host", "127.0.0.1", "--cores", "1", "--memory", "1g", "--work-dir", workDir.toString(), "--webui-port", String.valueOf(freePort()));
    }

    private void start(String name, Optional<Path> workDir, String mainClass, String... arguments)
            throws IOException
    {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx512m");
        command.addAll(ADD_OPENS);
        command.add("-cp");
        command.add(SPARK_HOME.resolve("jars") + "/*");
        command.add(mainClass);
        command.addAll(List.of(arguments));
        Path log = folder.resolve(name + ".log");
        ProcessBuilder builder = new ProcessBuilder(command).directory(folder.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> environment = builder.environment();
        // a worker builds its executors' command from SPARK_HOME/jars; without the Scala version it looks for a source build's folders
        environment.put("SPARK_HOME", SPARK_HOME.toString());
        environment.put("SPARK_SCALA_VERSION", "2.12");
        environment.put("SPARK_LOCAL_IP", "127.0.0.1");
        daemons.add(new Daemon(name, builder.start(), log, workDir));
    }

    private void awaitWorkers(int workers)
            throws InterruptedException
    {
        Daemon master = daemons.get(0);
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (REGISTERED.matcher(readIfExists(master.log())).results().map(match -> match.group(1)).distinct().count() < workers) {
            for (Daemon daemon : daemons) {
                if (!daemon.process().isAlive()) {
                    throw new IllegalStateException("Cannot start the standalone cluster: the " + daemon.name() + " exited with "
                            + daemon.process().exitValue() + "\n" + logs());
                }
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("Cannot start the standalone cluster: fewer than " + workers + " workers registered with the master at "
                        + masterUrl + " within " + START_TIMEOUT.toSeconds() + " s\n" + logs());
            }
            Thread.sleep(200);
        }
    }

    private static Optional<Executor> executor(ProcessHandle process, Path workDir)
    {
        String commandLine = process.info().commandLine().orElse("");
        if (!commandLine.contains(EXECUTOR_MAIN)) {
            return Optional.empty();
        }
        Optional<String> application = argument(commandLine, "--app-id");
        Optional<String> executor = argument(commandLine, "--executor-id");
        if (application.isEmpty() || executor.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Executor(process, application.get(), executor.get(), workDir.resolve(application.get()).resolve(executor.get())));
    }

    private static Optional<String> argument(String commandLine, String name)
    {
        Matcher matcher = Pattern.compile(Pattern.quote(name) + " (\\S+)").matcher(commandLine);
        return matcher.find() ? Optional.of(matcher.group(1)) : Optional.empty();
    }

    private static String readIfExists(Path file)
    {
        try {
            // lossy: an executor's log may hold bytes of the data it read
            return Files.isRegularFile(file) ? new String(Files.readAllBytes(file), StandardCharsets.UTF_8) : "";
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freePort()
            throws IOException
    {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
