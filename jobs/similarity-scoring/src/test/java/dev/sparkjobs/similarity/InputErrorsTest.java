package dev.sparkjobs.similarity;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dev.sparkjobs.testing.CliRun;
import dev.sparkjobs.testing.SharedSpark;
import dev.sparkjobs.testing.TestFiles;

/** Inputs the job refuses: mixed embedding dimensions (exit 2), too many rejects (exit 3); nothing is published. */
@ExtendWith(SharedSpark.class)
class InputErrorsTest
{
    @TempDir
    Path work;

    private CliRun run(List<String> listings, String... extra)
    {
        TestFiles.write(work.resolve("listings/part-0.jsonl"), listings);
        TestFiles.write(work.resolve("authorized/sellers.csv"), List.of("brand,seller_id", "b,s1"));
        List<String> settings = new ArrayList<>(List.of("output.root=" + work.resolve("lake"), "input.listings=" + work.resolve("listings"),
                "input.authorized-sellers=" + work.resolve("authorized")));
        settings.addAll(List.of(extra));
        return CliRun.withSettings(List.of("run", SimilarityScoringJob.NAME, "--date", "2024-09-30"), settings);
    }

    private static String listing(String id, double price, double... embedding)
    {
        StringBuilder values = new StringBuilder();
        for (double value : embedding) {
            values.append(values.length() == 0 ? "" : ",").append(value);
        }
        return String.format(Locale.ROOT, "{\"listing_id\":\"%s\",\"seller_id\":\"s1\",\"brand\":\"b\",\"title\":\"t\",\"price\":%s,"
                + "\"embedding\":[%s],\"listed_at\":\"2024-09-01T00:00:00Z\"}", id, price, values);
    }

    @Test
    void mixedEmbeddingDimensionsAreAClearErrorNamingAnExample()
    {
        List<String> rows = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            rows.add(listing("A" + i, 10, 1, i, 0));
        }
        for (int i = 0; i < 4; i++) {
            rows.add(listing("B" + i, 10, 1, i));
        }
        CliRun run = run(rows);
        assertThat(run.exitCode()).as(run.transcript()).isEqualTo(2);
        assertThat(run.err())
                .contains("Cannot read input input.listings: embeddings do not share one dimension: expected 3 (the most common embedding length) "
                        + "but found 2 in 4 of 10 listings, e.g. listing_id B")
                .contains("part-0.jsonl")
                .contains("re-embed the listings with the same model");
        assertThat(Files.exists(work.resolve("lake/listing_neighbors"))).as("nothing published").isFalse();
    }

    @Test
    void configuredDimensionThatNoListingHasIsAnError()
    {
        CliRun run = run(List.of(listing("A", 10, 1, 2, 3), listing("B", 10, 3, 2, 1)), "embedding.dimension=4");
        assertThat(run.exitCode()).as(run.transcript()).isEqualTo(2);
        assertThat(run.err()).contains("expected 4 (embedding.dimension = 4) but found 3 in 2 of 2 listings, e.g. listing_id ");
    }

    @Test
    void tooManyRejectsFailWithExitThreeAndPublishNothing()
    {
        CliRun run = run(List.of(listing("A", 10, 1, 2, 3), listing("B", -1, 3, 2, 1), listing("C", 0, 1, 1, 1), listing("D", 5, 1, 0, 0)),
                "rejects.max-fraction=0.25");
        assertThat(run.exitCode()).as(run.transcript()).isEqualTo(3);
        assertThat(run.err()).contains("Too many rejected rows for job similarity-scoring: 2 of 4 (50.0000%) exceed rejects.max-fraction = 0.25; "
                + "nothing was published");
        assertThat(Files.exists(work.resolve("lake/fraud_scores"))).as("nothing published").isFalse();
    }

    @Test
    void inconsistentScoreThresholdsAreAUsageError()
    {
        CliRun run = run(List.of(listing("A", 10, 1, 2, 3)), "score.price.far-below-ratio=0.95");
        assertThat(run.exitCode()).as(run.transcript()).isEqualTo(2);
        assertThat(run.err()).contains("score.price.far-below-ratio (0.95) must be below score.price.normal-ratio (0.9)");
    }
}
