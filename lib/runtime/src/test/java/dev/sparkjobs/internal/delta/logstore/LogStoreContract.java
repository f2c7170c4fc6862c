package dev.sparkjobs.internal.delta.logstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.FileNotFoundException;
import java.nio.file.FileAlreadyExistsException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;

import io.delta.storage.CloseableIterator;
import io.delta.storage.LogStore;

/**
 * Delta's LogStore contract, for every store of ours: a write that does not overwrite fails with
 * FileAlreadyExistsException when the file exists and leaves it as it was; reads give the lines
 * back; listings are sorted, start at the given name and stay in the folder; a missing folder is a
 * FileNotFoundException; partial writes are never visible.
 */
abstract class LogStoreContract
{
    /** Set by each store's test before each test. */
    Configuration configuration;
    LogStore store;

    /** A fresh, empty folder for a table's log, as a qualified path. */
    abstract Path logFolder();

    /** Creates the folder the way Delta does before the first commit. */
    abstract void createFolder(Path folder)
            throws Exception;

    @Test
    void aFileThatExistsIsNeverReplacedByAWriteThatDoesNotOverwrite()
            throws Exception
    {
        Path folder = logFolder();
        createFolder(folder);
        Path commit = new Path(folder, "00000000000000000000.json");
        store.write(commit, List.of("{\"first\":1}", "{\"second\":2}").iterator(), false, configuration);

        assertThatThrownBy(() -> store.write(commit, List.of("{\"other\":3}").iterator(), false, configuration))
                .as("a second writer of the same version").isInstanceOf(FileAlreadyExistsException.class).hasMessageContaining("00000000000000000000.json");
        assertThat(read(commit)).as("the first writer's lines, in order").containsExactly("{\"first\":1}", "{\"second\":2}");

        store.write(commit, List.of("{\"replaced\":4}").iterator(), true, configuration);
        assertThat(read(commit)).as("after a write that overwrites").containsExactly("{\"replaced\":4}");
        assertThat(store.isPartialWriteVisible(commit, configuration)).as("partial writes visible").isFalse();
    }

    @Test
    void listingsAreSortedStartAtTheNameAndStayInTheFolder()
            throws Exception
    {
        Path folder = logFolder();
        createFolder(folder);
        for (String name : List.of("00000000000000000002.json", "00000000000000000000.json", "00000000000000000010.checkpoint.parquet",
                "00000000000000000001.json", "00000000000000000010.json", "_last_checkpoint")) {
            store.write(new Path(folder, name), List.of("{}").iterator(), false, configuration);
        }
        createFolder(new Path(folder, "_commits"));
        store.write(new Path(new Path(folder, "_commits"), "00000000000000000011.uuid.json"), List.of("{}").iterator(), false, configuration);

        assertThat(names(store.listFrom(new Path(folder, "00000000000000000001"), configuration))).as("listed from version 1")
                .containsExactly("00000000000000000001.json", "00000000000000000002.json", "00000000000000000010.checkpoint.parquet",
                        "00000000000000000010.json", "_commits", "_last_checkpoint")
                .doesNotContain("00000000000000000011.uuid.json");
        assertThat(names(store.listFrom(new Path(folder, "00000000000000000000"), configuration))).as("listed from version 0")
                .startsWith("00000000000000000000.json", "00000000000000000001.json");
        assertThat(names(store.listFrom(new Path(folder, "zzz"), configuration))).as("listed past the last name").isEmpty();
    }

    @Test
    void aMissingFolderOrFileIsNotFound()
    {
        Path folder = logFolder();
        assertThatThrownBy(() -> store.listFrom(new Path(folder, "00000000000000000000"), configuration))
                .as("listing a log that does not exist").isInstanceOf(FileNotFoundException.class);
        assertThatThrownBy(() -> store.read(new Path(folder, "_last_checkpoint"), configuration))
                .as("reading a file that does not exist").isInstanceOf(FileNotFoundException.class);
    }

    List<String> read(Path file)
            throws Exception
    {
        List<String> lines = new ArrayList<>();
        try (CloseableIterator<String> iterator = store.read(file, configuration)) {
            iterator.forEachRemaining(lines::add);
        }
        return lines;
    }

    static List<String> names(Iterator<FileStatus> statuses)
    {
        List<String> names = new ArrayList<>();
        statuses.forEachRemaining(status -> names.add(status.getPath().getName()));
        return names;
    }
}
