package dev.sparkjobs.internal.delta.logstore;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.UUID;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import io.delta.storage.CloseableIterator;
import io.delta.storage.HadoopFileSystemLogStore;
import io.delta.storage.LineCloseableIterator;

/**
 * A Delta log store for local lakes that is safe with any number of processes: each commit file is
 * written whole to a temporary file and then published with a hard link, which the kernel refuses
 * atomically when the name exists ({@code link(2)}). Delta's default for {@code file:} checks for
 * the name and then renames, and {@code rename(2)} replaces an existing file: two processes
 * committing one version can both succeed, and one commit is lost.
 * <p>
 * Files are read and written with java.nio, past Hadoop's checksum file system: the files this
 * store writes have no {@code .crc} side files, and an overwritten file's stale one is deleted.
 */
public final class LocalExclusiveLogStore
        extends HadoopFileSystemLogStore
{
    public LocalExclusiveLogStore(Configuration initHadoopConf)
    {
        super(initHadoopConf);
    }

    @Override
    public CloseableIterator<String> read(Path path, Configuration hadoopConf)
            throws IOException
    {
        try {
            return new LineCloseableIterator(Files.newBufferedReader(local(path, hadoopConf), StandardCharsets.UTF_8));
        }
        catch (NoSuchFileException e) { // Delta tells a missing file (no _last_checkpoint yet, say) by this type
            throw new FileNotFoundException("No such file: " + path);
        }
    }

    @Override
    public void write(Path path, Iterator<String> actions, Boolean overwrite, Configuration hadoopConf)
            throws IOException
    {
        java.nio.file.Path target = local(path, hadoopConf);
        java.nio.file.Path folder = target.getParent();
        if (!Files.isDirectory(folder)) {
            throw new FileNotFoundException("No such file or directory: " + folder);
        }
        if (!overwrite && Files.exists(target)) {
            throw new FileAlreadyExistsException(path.toString());
        }
        java.nio.file.Path temporary = folder.resolve("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer bytes = ByteBuffer.wrap(LogFiles.content(actions));
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
                channel.force(true); // a crash never publishes a commit file with missing bytes
            }
            Files.deleteIfExists(folder.resolve("." + target.getFileName() + ".crc")); // Hadoop's checksum of an earlier version
            if (overwrite) {
                Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
            else {
                Files.createLink(target, temporary); // throws FileAlreadyExistsException when another writer took the name
            }
        }
        finally {
            Files.deleteIfExists(temporary);
        }
    }

    @Override
    public Boolean isPartialWriteVisible(Path path, Configuration hadoopConf)
    {
        return false;
    }

    private static java.nio.file.Path local(Path path, Configuration hadoopConf)
            throws IOException
    {
        FileSystem fs = path.getFileSystem(hadoopConf);
        Path qualified = fs.makeQualified(path);
        if (!"file".equals(qualified.toUri().getScheme())) {
            throw new IOException("LocalExclusiveLogStore writes local files only, not " + qualified
                    + ": set spark.delta.logStore." + qualified.toUri().getScheme() + ".impl to a store for that scheme");
        }
        return java.nio.file.Path.of(qualified.toUri());
    }
}
