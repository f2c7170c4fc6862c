package dev.sparkjobs.testing;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

import io.delta.storage.LogStore;

import dev.sparkjobs.internal.delta.logstore.LocalExclusiveLogStore;
import dev.sparkjobs.internal.delta.logstore.S3ConditionalPutLogStore;

/**
 * A measurement, not a test (bench/logstore-stress.sh runs it): the stress of {@link LogStoreStress}
 * against our stores and Delta's defaults for the same schemes, on S3Proxy and a local folder; and
 * the time of one commit-file write (median of 50, one writer) with conditional-put and
 * single-driver on S3Proxy.
 * <p>
 * {@code LogStoreBench [WRITERS (6)] [COMMITS (25)] [WORK (/tmp/logstore-bench)]}
 */
public final class LogStoreBench
{
    private static final String SINGLE_DRIVER = "io.delta.storage.S3SingleDriverLogStore";
    private static final String HDFS = "io.delta.storage.HDFSLogStore";

    private LogStoreBench() {}

    public static void main(String[] args)
            throws Exception
    {
        int writers = args.length > 0 ? Integer.parseInt(args[0]) : 6;
        int commits = args.length > 1 ? Integer.parseInt(args[1]) : 25;
        java.nio.file.Path work = java.nio.file.Path.of(args.length > 2 ? args[2] : "/tmp/logstore-bench");
        TestFiles.deleteRecursively(work);
        Files.createDirectories(work);
        try (S3Proxy s3 = S3Proxy.start()) {
            Map<String, String> hadoop = s3.hadoopSettings();
            List<LogStoreStress.Result> results = new ArrayList<>();
            for (String store : List.of(S3ConditionalPutLogStore.class.getName(), SINGLE_DRIVER)) {
                String bucket = s3.createBucket("stress");
                results.add(LogStoreStress.run(store, "s3a://" + bucket + "/table/_delta_log", writers, commits, hadoop, work.resolve(bucket)));
            }
            for (String store : List.of(LocalExclusiveLogStore.class.getName(), HDFS)) {
                java.nio.file.Path folder = work.resolve("local-" + store.substring(store.lastIndexOf('.') + 1));
                results.add(LogStoreStress.run(store, folder.resolve("table/_delta_log").toUri().toString(), writers, commits, Map.of(), folder.resolve("writers")));
            }
            System.out.println("RESULT stress (each writer its own JVM, one log, a tight loop):");
            results.forEach(result -> System.out.println("RESULT   " + result.describe()));

            Configuration configuration = s3.hadoopConfiguration();
            for (String store : List.of(S3ConditionalPutLogStore.class.getName(), SINGLE_DRIVER)) {
                String bucket = s3.createBucket("latency");
                System.out.printf(java.util.Locale.ROOT, "RESULT one commit-file write on S3Proxy, %s: median %.1f ms of 50%n",
                        store.substring(store.lastIndexOf('.') + 1), medianWriteMillis(store, "s3a://" + bucket + "/table/_delta_log", configuration));
            }
        }
    }

    private static double medianWriteMillis(String storeClass, String folder, Configuration configuration)
            throws Exception
    {
        LogStore store = (LogStore) Class.forName(storeClass).getConstructor(Configuration.class).newInstance(configuration);
        Path log = new Path(folder);
        log.getFileSystem(configuration).mkdirs(log);
        String commit = "{\"commitInfo\":{\"timestamp\":1733300000000,\"operation\":\"WRITE\",\"operationParameters\":{\"mode\":\"Append\"},"
                + "\"isolationLevel\":\"WriteSerializable\",\"isBlindAppend\":true}}";
        String add = "{\"add\":{\"path\":\"part-00000-0a1b2c3d.snappy.parquet\",\"partitionValues\":{},\"size\":1024,\"modificationTime\":1733300000000,"
                + "\"dataChange\":true,\"stats\":\"{\\\"numRecords\\\":1}\"}}";
        for (int warmup = 0; warmup < 10; warmup++) {
            store.write(new Path(log, String.format("%020d.json", 1000 + warmup)), List.of(commit, add).iterator(), false, configuration);
        }
        double[] millis = new double[50];
        for (int i = 0; i < millis.length; i++) {
            long start = System.nanoTime();
            store.write(new Path(log, String.format("%020d.json", i)), List.of(commit, add).iterator(), false, configuration);
            millis[i] = (System.nanoTime() - start) / 1e6;
        }
        Arrays.sort(millis);
        return (millis[24] + millis[25]) / 2;
    }
}
