package dev.sparkjobs.internal.delta.logstore;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.List;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalExclusiveLogStoreTest
        extends LogStoreContract
{
    @TempDir
    java.nio.file.Path work;

    @BeforeEach
    void setUp()
    {
        configuration = new Configuration();
        store = new LocalExclusiveLogStore(configuration);
    }

    @Override
    Path logFolder()
    {
        return new Path(work.resolve("table/_delta_log").toUri());
    }

    @Override
    void createFolder(Path folder)
            throws Exception
    {
        Files.createDirectories(java.nio.file.Path.of(folder.toUri()));
    }

    @Test
    void writesLeaveNoTemporaryFilesAndDropAStaleHadoopChecksum()
            throws Exception
    {
        Path folder = logFolder();
        createFolder(folder);
        java.nio.file.Path local = java.nio.file.Path.of(folder.toUri());
        // what Hadoop's checksum file system wrote next to an earlier version of the file
        Files.writeString(local.resolve("._last_checkpoint.crc"), "stale");
        store.write(new Path(folder, "_last_checkpoint"), List.of("{\"version\":10}").iterator(), true, configuration);
        store.write(new Path(folder, "00000000000000000000.json"), List.of("{}").iterator(), false, configuration);

        try (var files = Files.list(local)) {
            assertThat(files.map(file -> file.getFileName().toString()).sorted().toList()).as("files in the log folder")
                    .containsExactly("00000000000000000000.json", "_last_checkpoint");
        }
        assertThat(read(new Path(folder, "_last_checkpoint"))).containsExactly("{\"version\":10}");
    }
}
