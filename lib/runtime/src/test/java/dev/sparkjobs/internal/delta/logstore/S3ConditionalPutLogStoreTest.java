package dev.sparkjobs.internal.delta.logstore;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.sparkjobs.testing.S3Proxy;
import dev.sparkjobs.testing.SharedS3;

/** The conditional-put store against a real S3 API server (S3Proxy, which honours If-None-Match on PUT). */
@ExtendWith(SharedS3.class)
class S3ConditionalPutLogStoreTest
        extends LogStoreContract
{
    private String bucket;
    private int tables;

    @BeforeEach
    void setUp(S3Proxy s3)
    {
        configuration = s3.hadoopConfiguration();
        store = new S3ConditionalPutLogStore(configuration);
        bucket = s3.createBucket("logstore");
    }

    @Override
    Path logFolder()
    {
        return new Path("s3a://" + bucket + "/lake/table-" + (++tables) + "/_delta_log");
    }

    @Override
    void createFolder(Path folder)
            throws Exception
    {
        folder.getFileSystem(configuration).mkdirs(folder);
    }

    @Test
    void aRetriedWriteOfTheSameCommitIsNotAConflict()
            throws Exception
    {
        // the answer to a conditional PUT that succeeded can be lost, and the SDK then sends it again: S3 answers 412
        Path folder = logFolder();
        Path commit = new Path(folder, "00000000000000000000.json");
        store.write(commit, List.of("{\"commitInfo\":{\"txnId\":\"a\"}}").iterator(), false, configuration);
        store.write(commit, List.of("{\"commitInfo\":{\"txnId\":\"a\"}}").iterator(), false, configuration);
        assertThat(read(commit)).as("the one commit").containsExactly("{\"commitInfo\":{\"txnId\":\"a\"}}");
    }

    @Test
    void aLogWithoutAFolderMarkerIsListed()
            throws Exception
    {
        // on S3 a folder exists as soon as a key is under it; Delta's mkdirs marker may be missing
        Path folder = logFolder();
        store.write(new Path(folder, "00000000000000000000.json"), List.of("{}").iterator(), false, configuration);
        assertThat(names(store.listFrom(new Path(folder, "00000000000000000000"), configuration))).containsExactly("00000000000000000000.json");
    }
}
