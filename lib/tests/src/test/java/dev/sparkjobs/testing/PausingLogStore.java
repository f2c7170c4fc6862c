package dev.sparkjobs.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Iterator;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;

import io.delta.storage.CloseableIterator;
import io.delta.storage.LogStore;

import dev.sparkjobs.internal.delta.logstore.LocalExclusiveLogStore;
import dev.sparkjobs.internal.delta.logstore.S3ConditionalPutLogStore;

/**
 * The framework's log store with a stop in it, for tests that kill a driver (or its storage) at an
 * exact moment: once it has written a commit file of the table named by {@value #TABLE} (or, with
 * {@value #BEFORE} set to true, just before it writes it), it creates the file named by {@value
 * #MARKER} and waits until the file named by {@value #RELEASE} exists (for ever without one), so that
 * the test can SIGKILL the driver or stop the S3 server between the conditional put of a commit and
 * whatever comes next. Set it for a scheme with {@code --set
 * spark.delta.logStore.<scheme>.impl=dev.sparkjobs.testing.PausingLogStore} and the keys with
 * {@code --set spark.hadoop.<key>=...}.
 */
public final class PausingLogStore
        extends LogStore
{
    public static final String TABLE = "spark-jobs.test.pause-after-commit-of";
    public static final String MARKER = "spark-jobs.test.pause-marker";
    public static final String RELEASE = "spark-jobs.test.release-marker";
    public static final String BEFORE = "spark-jobs.test.pause-before-commit";

    private final LogStore local;
    private final LogStore s3;

    public PausingLogStore(Configuration initHadoopConf)
    {
        super(initHadoopConf);
        local = new LocalExclusiveLogStore(initHadoopConf);
        s3 = new S3ConditionalPutLogStore(initHadoopConf);
    }

    private LogStore delegate(Path path)
    {
        return "file".equals(path.toUri().getScheme()) ? local : s3;
    }

    @Override
    public CloseableIterator<String> read(Path path, Configuration hadoopConf)
            throws IOException
    {
        return delegate(path).read(path, hadoopConf);
    }

    @Override
    public void write(Path path, Iterator<String> actions, Boolean overwrite, Configuration hadoopConf)
            throws IOException
    {
        boolean before = initHadoopConf().getBoolean(BEFORE, false);
        if (before) {
            pauseAtCommitOfTheTable(path);
        }
        delegate(path).write(path, actions, overwrite, hadoopConf);
        if (!before) {
            pauseAtCommitOfTheTable(path);
        }
    }

    private void pauseAtCommitOfTheTable(Path path)
            throws IOException
    {
        String table = initHadoopConf().get(TABLE, "");
        Path log = path.getParent();
        if (table.isEmpty() || !path.getName().matches("\\d{20}\\.json") || !log.getName().equals("_delta_log") || !log.getParent().getName().equals(table)) {
            return;
        }
        Files.writeString(java.nio.file.Path.of(initHadoopConf().get(MARKER)), path.toString());
        String release = initHadoopConf().get(RELEASE, "");
        while (release.isEmpty() || !Files.exists(java.nio.file.Path.of(release))) {
            try {
                Thread.sleep(50);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while paused at the commit " + path, e);
            }
        }
    }

    @Override
    public Iterator<FileStatus> listFrom(Path path, Configuration hadoopConf)
            throws IOException
    {
        return delegate(path).listFrom(path, hadoopConf);
    }

    @Override
    public Path resolvePathOnPhysicalStorage(Path path, Configuration hadoopConf)
            throws IOException
    {
        return delegate(path).resolvePathOnPhysicalStorage(path, hadoopConf);
    }

    @Override
    public Boolean isPartialWriteVisible(Path path, Configuration hadoopConf)
            throws IOException
    {
        return delegate(path).isPartialWriteVisible(path, hadoopConf);
    }
}
