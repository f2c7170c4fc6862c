package dev.sparkjobs.bench.defectimages;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.sum;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import dev.sparkjobs.api.SampleDataGenerator;
import dev.sparkjobs.cli.Cli;
import dev.sparkjobs.cli.Main;
import dev.sparkjobs.defectimages.DefectImageSampleData;
import dev.sparkjobs.defectimages.ImageDecodeException;
import dev.sparkjobs.defectimages.ImageDecoder;
import dev.sparkjobs.defectimages.ImageFeatures;
import dev.sparkjobs.defectimages.LumaImage;
import dev.sparkjobs.defectimages.MaskFeatures;
import dev.sparkjobs.defectimages.QualityFlag;

/**
 * defect-image-stats throughput on generated PNGs, one mode per JVM (so peak memory is the mode's):
 * <pre>
 *   generate DIR N SIZE   N synthetic SIZExSIZE images (+ masks, inspections, process) under DIR
 *   job DIR LAKE          the packaged job through the CLI (decode + features + all five tables to Delta), local[2]
 *   plain DIR             plain Java, 2 threads: ImageIO decode + the same features and masks, no Spark (the baseline)
 *   plain-job-decoder DIR the same with the job's decoder (its direct PNG path): Spark's share of the job's cost
 *   image-source DIR      Spark's built-in image source, local[2], decoding only
 * </pre>
 * Each mode prints one line: mode, images, seconds, images/s, peak heap, peak resident memory.
 */
public final class DefectImagesBench
{
    private DefectImagesBench() {}

    public static void main(String[] args)
            throws Exception
    {
        String mode = args[0];
        Path dir = Path.of(args[1]).toAbsolutePath();
        long started = System.nanoTime();
        long images = switch (mode) {
            case "generate" -> generate(dir, Integer.parseInt(args[2]), Integer.parseInt(args[3]));
            case "job" -> job(dir, Path.of(args[2]).toAbsolutePath());
            case "plain" -> plain(dir, 2, ImageDecoder::decodeWithImageIO);
            case "plain-job-decoder" -> plain(dir, 2, ImageDecoder::decode);
            case "image-source" -> imageSource(dir);
            default -> throw new IllegalArgumentException("unknown mode " + mode + ": use generate, job, plain, plain-job-decoder or image-source");
        };
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf(Locale.ROOT, "RESULT mode=%s images=%d seconds=%.1f images_per_s=%.1f peak_heap_mib=%d peak_rss_mib=%d%n",
                mode, images, seconds, images / seconds, peakHeapBytes() >> 20, peakResidentKib() >> 10);
        SparkSession.getActiveSession().foreach(session -> {
            session.stop();
            return null;
        });
    }

    private static SparkSession spark(String name)
    {
        return SparkSession.builder()
                .master("local[2]")
                .appName(name)
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.ui.enabled", "false")
                .config("spark.ui.showConsoleProgress", "false")
                .config("spark.sql.session.timeZone", "UTC")
                .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
                .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
                .getOrCreate();
    }

    private static long generate(Path dir, int images, int size)
    {
        SampleDataGenerator.SampleData sample = new DefectImageSampleData(size)
                .generate(new SampleDataGenerator.Request(spark("generate"), dir.toUri().toString(), images, 42));
        System.out.println(sample.summary());
        return images;
    }

    private static long job(Path dir, Path lake)
    {
        spark("job");
        List<String> args = List.of("run", "defect-image-stats", "--date", "2024-09-06",
                "--set", "scope=all",
                "--set", "input.images=" + dir.resolve("images"),
                "--set", "input.masks=" + dir.resolve("masks"),
                "--set", "input.inspections=" + dir.resolve("inspections"),
                "--set", "input.process=" + dir.resolve("process"),
                "--set", "output.root=" + lake);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.execute(Cli.standard(System.out, new PrintStream(err, true, StandardCharsets.UTF_8)), args.toArray(String[]::new));
        if (code != 0) {
            throw new IllegalStateException("job failed with exit " + code + ": " + err.toString(StandardCharsets.UTF_8));
        }
        return images(dir.resolve("images")).size();
    }

    private interface Decoder
    {
        LumaImage decode(byte[] bytes)
                throws ImageDecodeException;
    }

    private static long plain(Path dir, int threads, Decoder decoder)
            throws Exception
    {
        List<Path> images = images(dir.resolve("images"));
        Map<String, Path> masks;
        try (Stream<Path> files = Files.walk(dir.resolve("masks"))) {
            masks = files.filter(Files::isRegularFile)
                    .collect(Collectors.toMap(file -> file.getFileName().toString().replace("_mask.png", ""), file -> file));
        }
        AtomicInteger next = new AtomicInteger();
        AtomicLong unreadable = new AtomicLong();
        AtomicLong flagged = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> workers = new ArrayList<>();
        for (int thread = 0; thread < threads; thread++) {
            workers.add(pool.submit(() -> {
                for (int at = next.getAndIncrement(); at < images.size(); at = next.getAndIncrement()) {
                    Path file = images.get(at);
                    try {
                        LumaImage image = decoder.decode(Files.readAllBytes(file));
                        ImageFeatures features = ImageFeatures.of(image);
                        if (QualityFlag.of(features, 50) != QualityFlag.OK) {
                            flagged.incrementAndGet();
                        }
                        Path mask = masks.get(file.getFileName().toString().replaceFirst("\\.[^.]*$", ""));
                        if (mask != null) {
                            MaskFeatures.of(decoder.decode(Files.readAllBytes(mask)));
                        }
                    }
                    catch (ImageDecodeException e) {
                        unreadable.incrementAndGet();
                    }
                    catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
                return null;
            }));
        }
        for (Future<?> worker : workers) {
            worker.get();
        }
        pool.shutdown();
        System.out.println("plain: " + unreadable.get() + " unreadable, " + flagged.get() + " flagged");
        return images.size();
    }

    private static long imageSource(Path dir)
    {
        SparkSession spark = spark("image-source");
        Row totals = spark.read().format("image")
                .option("recursiveFileLookup", "true")
                .option("pathGlobFilter", "*.png")
                .load(dir.resolve("images").toString())
                .agg(sum(col("image.width")), sum(length(col("image.data"))))
                .first();
        System.out.println("image source: width sum " + totals.get(0) + ", bytes " + totals.get(1));
        return images(dir.resolve("images")).size();
    }

    private static List<Path> images(Path root)
    {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(file -> file.getFileName().toString().endsWith(".png")).sorted().toList();
        }
        catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static long peakHeapBytes()
    {
        return ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(pool -> pool.getType() == MemoryType.HEAP)
                .mapToLong(pool -> pool.getPeakUsage().getUsed())
                .sum();
    }

    /** VmHWM: the process's peak resident set, heap and everything else. */
    private static long peakResidentKib()
    {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream()
                    .filter(line -> line.startsWith("VmHWM:"))
                    .mapToLong(line -> Long.parseLong(line.replaceAll("[^0-9]", "")))
                    .findFirst()
                    .orElse(-1);
        }
        catch (IOException e) {
            return -1;
        }
    }
}
