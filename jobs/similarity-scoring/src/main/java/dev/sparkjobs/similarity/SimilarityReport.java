package dev.sparkjobs.similarity;

import static java.util.Objects.requireNonNull;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import dev.sparkjobs.api.report.Chart;
import dev.sparkjobs.api.report.DataTable;
import dev.sparkjobs.api.report.JobReport;
import dev.sparkjobs.api.report.Note;
import dev.sparkjobs.api.report.Report;
import dev.sparkjobs.api.report.ReportBlock;
import dev.sparkjobs.api.report.ReportContext;

/**
 * What {@code spark-jobs report similarity-scoring} shows: for one run date (--date, else the latest
 * in fraud_scores), the distribution of fraud scores with the bin of the flag threshold and the top
 * flagged listings next to their best genuine match; over every run, recall@k of the approximate
 * search from ann_quality. Only aggregates (score bins, the top rows, one point per run) reach the driver.
 */
final class SimilarityReport
        implements JobReport
{
    static final String SCORE_DISTRIBUTION = "score-distribution";
    static final String FLAGGED = "flagged";
    static final String RECALL_OVER_RUNS = "recall-over-runs";
    static final String NO_SCORES = "no-scores";
    static final String NO_ANN_QUALITY = "no-ann-quality";
    /** Bins of width 1 / BINS over [0, 1], the range of score (a check of fraud_scores). */
    static final int BINS = 20;
    static final int FLAGGED_ROWS = 50;
    static final List<String> FLAGGED_COLUMNS = List.of("listing", "seller", "brand", "best genuine match", "similarity", "price ratio",
            "score", "reasons");
    private static final String RUN_LEDGER = "_runs";

    @Override
    public Report build(ReportContext context)
    {
        requireNonNull(context, "context is null");
        Optional<Dataset<Row>> scores = context.table(SimilarityTables.FRAUD_SCORES.name());
        Optional<Dataset<Row>> quality = context.table(SimilarityTables.ANN_QUALITY.name());
        Optional<LocalDate> date = context.date().or(() -> scores.flatMap(table -> latestDate(context, table)));
        Section ofDate = scores.isEmpty() || date.isEmpty() ? noScores(date) : scoresOf(context, scores.get(), quality, date.get());
        List<ReportBlock> blocks = new ArrayList<>(ofDate.blocks());
        blocks.add(quality.map(table -> recallOverRuns(context, table)).orElseGet(() -> new Note(NO_ANN_QUALITY, "No recall measurements",
                "Table ann_quality does not exist in this lake yet: run " + runCommand(date) + " to measure recall@k.")));
        return new Report("similarity-scoring: counterfeit-like listings", ofDate.subtitle(), blocks);
    }

    /** The part of the report about one run date, and the subtitle that sums it up. */
    private record Section(String subtitle, List<ReportBlock> blocks) {}

    private static Section noScores(Optional<LocalDate> date)
    {
        return new Section("No run of similarity-scoring has published fraud scores here yet", List.of(new Note(NO_SCORES, "No fraud scores",
                "Table fraud_scores does not exist or holds no rows in this lake: run " + runCommand(date) + " first.")));
    }

    private static Section scoresOf(ReportContext context, Dataset<Row> scores, Optional<Dataset<Row>> quality, LocalDate date)
    {
        Dataset<Row> ofDate = scores.where(col("run_date").equalTo(lit(Date.valueOf(date))));
        Column bin = least(greatest(floor(col("score").multiply(BINS)), lit(0)), lit(BINS - 1)).cast("int");
        List<Row> bins = labelled(context, "score histogram of " + date, () -> ofDate.where(col("score").isNotNull())
                .groupBy(bin.as("bin"))
                .agg(count(lit(1)).as("listings"), sum(when(col("flagged"), 1L).otherwise(0L)).as("flagged"))
                .collectAsList());
        long scored = bins.stream().mapToLong(row -> row.getLong(1)).sum();
        if (scored == 0) {
            Optional<LocalDate> latest = latestDate(context, scores);
            return new Section("Run date " + date + ": no fraud scores", List.of(new Note(NO_SCORES, "No fraud scores for " + date,
                    "Table fraud_scores has no rows for run_date " + date + ": run " + runCommand(Optional.of(date))
                            + latest.map(day -> ", or report a date it holds (the latest is " + day + ")").orElse("") + ".")));
        }
        long flagged = bins.stream().mapToLong(row -> row.getLong(2)).sum();
        Threshold threshold = threshold(context, quality, date);

        long[] counts = new long[BINS];
        bins.forEach(row -> counts[row.getInt(0)] = row.getLong(1));
        List<Chart.Point> points = new ArrayList<>();
        for (int index = 0; index < BINS; index++) {
            points.add(new Chart.Point(binLabel(index), counts[index]));
        }
        Chart distribution = Chart.of(SCORE_DISTRIBUTION, "Fraud score distribution, " + date, "score", "listings",
                        List.of(Chart.Series.of("listings", Chart.Style.BAR, points)))
                .withMarkers(List.of(new Chart.Marker(binLabel(binOf(threshold.value())),
                        String.format(Locale.ROOT, "flag threshold %s (%s)", threshold.value(), threshold.source()))));

        List<Row> top = labelled(context, "top " + FLAGGED_ROWS + " flagged listings of " + date, () -> ofDate.where(col("flagged"))
                .orderBy(col("score").desc(), col("listing_id").asc())
                .limit(FLAGGED_ROWS)
                .select("listing_id", "seller_id", "brand", "best_match_id", "best_match_seller_id", "embedding_similarity", "price_ratio", "score", "reasons")
                .collectAsList());
        DataTable flaggedListings = new DataTable(FLAGGED, String.format(Locale.ROOT, "Flagged listings, %s: top %d of %d by score", date, top.size(),
                flagged), FLAGGED_COLUMNS, top.stream().map(SimilarityReport::flaggedRow).toList());
        return new Section(String.format(Locale.ROOT, "Run date %s: %d listings of unauthorized sellers scored, %d flagged (score >= %s)", date, scored,
                flagged, threshold.value()), List.of(distribution, flaggedListings));
    }

    /** The bin of a score: floor(score x BINS), a score of 1 in the last bin; the same arithmetic as the histogram's Spark column. */
    static int binOf(double score)
    {
        return Math.min(Math.max((int) Math.floor(score * BINS), 0), BINS - 1);
    }

    static String binLabel(int bin)
    {
        return String.format(Locale.ROOT, "%.2f-%.2f", (double) bin / BINS, (double) (bin + 1) / BINS);
    }

    private record Threshold(double value, String source) {}

    /**
     * The threshold the run that published the date used. fraud_scores keeps only the outcome
     * (flagged), and score.threshold may be set per run (--set, a conf file), so the job's default
     * may not be what flagged these rows. The run ledger keeps each run's effective configuration,
     * and ann_quality names the run that published the date (a run publishes all its tables in one
     * go). Without either, the default is shown and the marker says so.
     */
    private static Threshold threshold(ReportContext context, Optional<Dataset<Row>> quality, LocalDate date)
    {
        Optional<String> runId = quality.flatMap(table -> labelled(context, "run that published " + date, () -> table
                .where(col("run_date").equalTo(lit(Date.valueOf(date))))
                .select("run_id").limit(1).collectAsList()).stream().findFirst().map(row -> row.getString(0)));
        Optional<String> configured = runId.flatMap(id -> context.table(RUN_LEDGER).flatMap(ledger -> labelled(context, "configuration of run " + id,
                () -> ledger.where(col("run_id").equalTo(lit(id)))
                        .select(col("config").getItem(SimilarityKeys.SCORE_THRESHOLD.name()))
                        .limit(1).collectAsList()).stream().findFirst().map(row -> row.getString(0))));
        if (configured.isPresent()) {
            return new Threshold(SimilarityKeys.SCORE_THRESHOLD.parse(configured.get()), "run " + runId.orElseThrow());
        }
        return new Threshold(SimilarityKeys.SCORE_THRESHOLD.defaultValue(), "the default: the run's configuration was not found in " + RUN_LEDGER);
    }

    private static List<String> flaggedRow(Row row)
    {
        String bestMatch = row.isNullAt(3) ? "none" : row.getString(3) + (row.isNullAt(4) ? "" : " (" + row.getString(4) + ")");
        List<String> reasons = row.isNullAt(8) ? List.of() : row.getList(8);
        return List.of(row.getString(0), text(row, 1), text(row, 2), bestMatch, number(row, 5), number(row, 6), number(row, 7), String.join(", ", reasons));
    }

    private static String text(Row row, int index)
    {
        return row.isNullAt(index) ? "" : row.getString(index);
    }

    private static String number(Row row, int index)
    {
        return row.isNullAt(index) ? "n/a" : String.format(Locale.ROOT, "%.3f", row.getDouble(index));
    }

    /** One point per run date and search method; runs without a quality sample (recall null) are left out. */
    private static ReportBlock recallOverRuns(ReportContext context, Dataset<Row> quality)
    {
        List<Row> runs = labelled(context, "recall@k over runs", () -> quality.where(col("recall_at_k").isNotNull())
                .groupBy("method", "run_date")
                .agg(max("recall_at_k").as("recall_at_k"), min("k").as("k_min"), max("k").as("k_max"))
                .orderBy("run_date", "method")
                .collectAsList());
        if (runs.isEmpty()) {
            return new Note(NO_ANN_QUALITY, "No recall measurements", "Table ann_quality holds no recall@k: every run skipped the measurement "
                    + "(ann.quality-sample = 0). Run with ann.quality-sample above 0 (the default is "
                    + SimilarityKeys.ANN_QUALITY_SAMPLE.defaultValue() + ") to measure it.");
        }
        Map<String, List<Chart.Point>> byMethod = new LinkedHashMap<>();
        for (Row run : runs) {
            byMethod.computeIfAbsent(run.getString(0), method -> new ArrayList<>())
                    .add(new Chart.Point(localDate(run, 1).toString(), run.getDouble(2)));
        }
        int kMin = runs.stream().mapToInt(run -> run.getInt(3)).min().orElseThrow();
        int kMax = runs.stream().mapToInt(run -> run.getInt(4)).max().orElseThrow();
        String k = kMin == kMax ? String.valueOf(kMin) : "k";
        List<Chart.Series> series = byMethod.entrySet().stream()
                .map(entry -> Chart.Series.of("recall@" + k + " (" + entry.getKey() + ")", Chart.Style.LINE, entry.getValue()))
                .toList();
        return Chart.of(RECALL_OVER_RUNS, "Recall@" + k + " of the approximate search against exact brute force, per run", "run date",
                "recall@" + k, series);
    }

    private static Optional<LocalDate> latestDate(ReportContext context, Dataset<Row> table)
    {
        Row latest = labelled(context, "latest run date", () -> table.agg(max("run_date")).first());
        return latest.isNullAt(0) ? Optional.empty() : Optional.of(localDate(latest, 0));
    }

    /** A DATE value as Spark returns it: java.sql.Date, or LocalDate when spark.sql.datetime.java8API.enabled is set. */
    private static LocalDate localDate(Row row, int index)
    {
        Object value = row.get(index);
        return value instanceof LocalDate local ? local : ((Date) value).toLocalDate();
    }

    private static String runCommand(Optional<LocalDate> date)
    {
        return "spark-jobs run " + SimilarityScoringJob.NAME + " --date " + date.map(LocalDate::toString).orElse("YYYY-MM-DD");
    }

    /** Runs a Spark action as a labelled step, so the Spark UI says which part of the report it computes. */
    private static <T> T labelled(ReportContext context, String label, Supplier<T> action)
    {
        try (var step = context.step(label)) {
            return action.get();
        }
    }
}
