package dev.sparkjobs.internal.delta.logstore;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dev.sparkjobs.testing.LogStoreStress;
import dev.sparkjobs.testing.S3Proxy;
import dev.sparkjobs.testing.SharedS3;

/**
 * Six writer JVMs committing to one log in a tight loop, through each of our stores: every commit
 * is in the log exactly once, at contiguous versions, and none a writer believes it made is lost.
 * (bench/logstore-stress.sh runs the same against Delta's single-driver store, which loses commits.)
 */
@ExtendWith(SharedS3.class)
class LogStoreStressTest
{
    private static final int WRITERS = 6;
    private static final int COMMITS = 15;

    @TempDir
    Path work;

    @Test
    void conditionalPutsOnS3LoseNoCommit(S3Proxy s3)
            throws Exception
    {
        String bucket = s3.createBucket("stress");
        LogStoreStress.Result result = LogStoreStress.run(S3ConditionalPutLogStore.class.getName(), "s3a://" + bucket + "/table/_delta_log",
                WRITERS, COMMITS, s3.hadoopSettings(), work);
        assertEveryCommitOnce(result);
    }

    @Test
    void exclusiveLinksOnALocalFolderLoseNoCommit()
            throws Exception
    {
        LogStoreStress.Result result = LogStoreStress.run(LocalExclusiveLogStore.class.getName(), work.resolve("table/_delta_log").toUri().toString(),
                WRITERS, COMMITS, Map.of(), work.resolve("writers"));
        assertEveryCommitOnce(result);
    }

    private static void assertEveryCommitOnce(LogStoreStress.Result result)
    {
        System.out.println(result.describe());
        assertThat(result.versions()).as(result.describe()).isEqualTo(WRITERS * COMMITS);
        assertThat(result.contiguous()).as(result.describe()).isTrue();
        assertThat(result.commitsFound()).as(result.describe()).isEqualTo(WRITERS * COMMITS);
        assertThat(result.lost()).as(result.describe()).isZero();
        assertThat(result.duplicated()).as(result.describe()).isZero();
        assertThat(result.missing()).as(result.describe()).isZero();
        assertThat(result.versionsToldTwice()).as(result.describe()).isZero();
        assertThat(result.conflicts()).as("the writers did contend for versions: %s", result.describe()).isPositive();
    }
}
