package dev.sparkjobs.testing;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;

import io.delta.storage.CloseableIterator;
import io.delta.storage.LogStore;

/**
 * Many writers, each its own JVM, committing to one Delta log in a tight loop through a LogStore,
 * the way Delta's optimistic concurrency does: write the next version without overwriting; when it
 * exists, list the log and try the version after the newest. Afterwards every version is read back:
 * a commit a writer believes it made but whose file holds another writer's commit is lost.
 * <p>
 * Used by a test (the stores of ours lose nothing) and by bench/logstore-stress.sh (Delta's
 * single-driver store, measured).
 */
public final class LogStoreStress
{
    private static final String START = "start";

    private LogStoreStress() {}

    /** What one stress run did. */
    public record Result(String store, int writers, int commitsEach, int versions, boolean contiguous, int commitsFound, int duplicated, int lost,
            int missing, int versionsToldTwice, long conflicts, Duration elapsed)
    {
        public int claimed()
        {
            return writers * commitsEach;
        }

        public String describe()
        {
            return String.format(java.util.Locale.ROOT, "%s: %d writers x %d commits: %d versions (contiguous: %s), %d commits found, %d lost, "
                    + "%d duplicated, %d missing, "
                    + "%d versions two writers were told they committed, %d conflicts retried, %.1f s", store, writers, commitsEach, versions, contiguous,
                    commitsFound, lost, duplicated, missing, versionsToldTwice, conflicts,
                    elapsed.toMillis() / 1000.0);
        }
    }

    /**
     * Runs {@code writers} JVMs of {@link #writerMain} against the log folder {@code logFolder} (an
     * existing folder, or an s3a:// prefix) and checks what they left.
     */
    public static Result run(String storeClass, String logFolder, int writers, int commitsEach, Map<String, String> hadoop, Path work)
            throws IOException, InterruptedException
    {
        Files.createDirectories(work);
        Path start = work.resolve(START);
        Files.deleteIfExists(start);
        List<Process> processes = new ArrayList<>();
        List<Path> outputs = new ArrayList<>();
        for (int writer = 0; writer < writers; writer++) {
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                    "-Dlog4j2.configurationFile=" + System.getProperty("log4j2.configurationFile", ""),
                    "-cp", System.getProperty("java.class.path"), LogStoreStress.class.getName(),
                    storeClass, logFolder, Integer.toString(writer), Integer.toString(commitsEach), start.toString()));
            hadoop.forEach((key, value) -> command.add(key + "=" + value));
            Path output = work.resolve("writer-" + writer + ".out");
            outputs.add(output);
            processes.add(new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start());
        }
        awaitReady(processes, outputs);
        Instant began = Instant.now();
        Files.writeString(start, "go");
        for (Process process : processes) {
            if (!process.waitFor(10, TimeUnit.MINUTES)) {
                processes.forEach(Process::destroyForcibly);
                throw new IllegalStateException("a stress writer did not finish within 10 minutes");
            }
        }
        Duration elapsed = Duration.between(began, Instant.now());
        Map<Long, String> claims = new TreeMap<>();
        Map<String, Long> claimedBy = new HashMap<>();
        long conflicts = 0;
        int toldTwice = 0;
        for (int writer = 0; writer < writers; writer++) {
            if (processes.get(writer).exitValue() != 0) {
                throw new IllegalStateException("stress writer " + writer + " failed:\n" + Files.readString(outputs.get(writer)));
            }
            for (String line : Files.readAllLines(outputs.get(writer))) {
                String[] words = line.split(" ");
                if (words[0].equals("claim")) {
                    long version = Long.parseLong(words[1]);
                    if (claims.put(version, words[2]) != null) {
                        toldTwice++; // two writers told they committed one version: at most one of them is in it
                    }
                    claimedBy.put(words[2], version);
                }
                else if (words[0].equals("conflicts")) {
                    conflicts += Long.parseLong(words[1]);
                }
            }
        }
        Map<Long, String> found = readAll(storeClass, logFolder, hadoop);
        Map<String, Integer> counts = new HashMap<>();
        found.values().forEach(commit -> counts.merge(commit, 1, Integer::sum));
        int lost = 0;
        for (Map.Entry<String, Long> claim : claimedBy.entrySet()) {
            if (!claim.getKey().equals(found.get(claim.getValue()))) {
                lost++;
            }
        }
        int missing = 0;
        for (int writer = 0; writer < writers; writer++) {
            for (int commit = 0; commit < commitsEach; commit++) {
                if (!counts.containsKey(commitId(writer, commit))) {
                    missing++;
                }
            }
        }
        int duplicated = (int) counts.values().stream().filter(count -> count > 1).count();
        boolean contiguous = found.isEmpty() || ((TreeMap<Long, String>) found).lastKey() == found.size() - 1;
        return new Result(shortName(storeClass), writers, commitsEach, found.size(), contiguous, counts.size(), duplicated, lost, missing, toldTwice,
                conflicts, elapsed);
    }

    private static String shortName(String storeClass)
    {
        return storeClass.substring(storeClass.lastIndexOf('.') + 1);
    }

    private static void awaitReady(List<Process> processes, List<Path> outputs)
            throws IOException, InterruptedException
    {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
        for (int writer = 0; writer < processes.size(); writer++) {
            while (!Files.readString(outputs.get(writer)).contains("ready")) {
                if (!processes.get(writer).isAlive() || Instant.now().isAfter(deadline)) {
                    processes.forEach(Process::destroyForcibly);
                    throw new IllegalStateException("stress writer " + writer + " did not get ready:\n" + Files.readString(outputs.get(writer)));
                }
                Thread.sleep(50);
            }
        }
    }

    private static Map<Long, String> readAll(String storeClass, String logFolder, Map<String, String> hadoop)
            throws IOException
    {
        Configuration configuration = configuration(hadoop);
        LogStore store = store(storeClass, configuration);
        Map<Long, String> commits = new TreeMap<>();
        Iterator<FileStatus> files = store.listFrom(new org.apache.hadoop.fs.Path(logFolder, name(0).replace(".json", "")), configuration);
        while (files.hasNext()) {
            FileStatus file = files.next();
            String fileName = file.getPath().getName();
            if (fileName.matches("\\d{20}\\.json")) {
                try (CloseableIterator<String> lines = store.read(file.getPath(), configuration)) {
                    commits.put(Long.parseLong(fileName.substring(0, 20)), lines.next());
                }
            }
        }
        return commits;
    }

    static String commitId(int writer, int commit)
    {
        return "w" + writer + "-c" + commit;
    }

    private static String name(long version)
    {
        return String.format("%020d.json", version);
    }

    private static Configuration configuration(Map<String, String> hadoop)
    {
        Configuration configuration = new Configuration();
        hadoop.forEach(configuration::set);
        return configuration;
    }

    private static LogStore store(String storeClass, Configuration configuration)
    {
        try {
            return (LogStore) Class.forName(storeClass).getConstructor(Configuration.class).newInstance(configuration);
        }
        catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException("Cannot make log store " + storeClass, e);
        }
    }

    /** One writer: {@code STORE_CLASS LOG_FOLDER WRITER COMMITS START_FILE [hadoop.key=value ...]}. */
    public static void main(String[] args)
            throws Exception
    {
        String storeClass = args[0];
        org.apache.hadoop.fs.Path folder = new org.apache.hadoop.fs.Path(args[1]);
        int writer = Integer.parseInt(args[2]);
        int commits = Integer.parseInt(args[3]);
        Path start = Path.of(args[4]);
        Map<String, String> hadoop = new HashMap<>();
        for (int i = 5; i < args.length; i++) {
            hadoop.put(args[i].substring(0, args[i].indexOf('=')), args[i].substring(args[i].indexOf('=') + 1));
        }
        Configuration configuration = configuration(hadoop);
        LogStore store = store(storeClass, configuration);
        folder.getFileSystem(configuration).mkdirs(folder);
        System.out.println("ready " + ManagementFactory.getRuntimeMXBean().getPid());
        while (!Files.exists(start)) {
            Thread.sleep(5);
        }
        long next = 0;
        long conflicts = 0;
        for (int commit = 0; commit < commits; commit++) {
            String id = commitId(writer, commit);
            while (true) {
                try {
                    store.write(new org.apache.hadoop.fs.Path(folder, name(next)), List.of(id).iterator(), false, configuration);
                    System.out.println("claim " + next + " " + id);
                    next++;
                    break;
                }
                catch (FileAlreadyExistsException taken) {
                    conflicts++;
                    next = newest(store, folder, configuration) + 1;
                }
            }
        }
        System.out.println("conflicts " + conflicts);
        System.out.flush();
    }

    private static long newest(LogStore store, org.apache.hadoop.fs.Path folder, Configuration configuration)
            throws IOException
    {
        long newest = -1;
        Iterator<FileStatus> files = store.listFrom(new org.apache.hadoop.fs.Path(folder, "0"), configuration);
        while (files.hasNext()) {
            String fileName = files.next().getPath().getName();
            if (fileName.matches("\\d{20}\\.json")) {
                newest = Math.max(newest, Long.parseLong(fileName.substring(0, 20)));
            }
        }
        return newest;
    }
}
