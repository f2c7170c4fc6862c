package dev.sparkjobs.internal.delta.logstore;

import java.io.BufferedReader;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.s3a.S3AFileSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.delta.storage.CloseableIterator;
import io.delta.storage.LineCloseableIterator;
import io.delta.storage.LogStore;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A Delta log store for S3 that is safe with any number of drivers, without a lock service: each
 * commit file is written in one conditional {@code PutObject} with {@code If-None-Match: *}, which
 * S3 answers with 412 when the key exists. That becomes the {@link FileAlreadyExistsException}
 * through which Delta's optimistic concurrency learns that another writer took the version: it
 * then checks for conflicts and retries at the next version, or fails the transaction.
 * <p>
 * Delta's own {@code S3SingleDriverLogStore} checks for the key and then writes it, mutually
 * exclusive only within one JVM: two drivers committing the same version both succeed and one
 * commit silently replaces the other.
 * <p>
 * A PUT is atomic (the object appears whole or not at all), so partial writes are never visible.
 * S3 lists are strongly consistent, so listing needs no cache. The S3 client is the S3A file
 * system's own (its endpoint, region, credentials and retries) for {@code s3a://}; other
 * file systems under an S3 scheme (EMRFS for {@code s3://}) get a client of the SDK's defaults.
 */
public final class S3ConditionalPutLogStore
        extends LogStore
{
    private static final Logger LOG = LoggerFactory.getLogger(S3ConditionalPutLogStore.class);
    private static final int PRECONDITION_FAILED = 412;
    private static final int CONFLICT = 409;
    private static final int CONFLICT_ATTEMPTS = 8;
    /** Apache HttpClient's HttpHostConnectException, as the SDK quotes it: the connection was never made. */
    private static final java.util.regex.Pattern CONNECT_FAILED = java.util.regex.Pattern.compile("Unable to execute HTTP request: Connect to \\S+ .*failed: ");

    public S3ConditionalPutLogStore(Configuration initHadoopConf)
    {
        super(initHadoopConf);
    }

    @Override
    public CloseableIterator<String> read(Path path, Configuration hadoopConf)
            throws IOException
    {
        FileSystem fs = path.getFileSystem(hadoopConf);
        return new LineCloseableIterator(new BufferedReader(new InputStreamReader(fs.open(path), StandardCharsets.UTF_8)));
    }

    @Override
    public void write(Path path, Iterator<String> actions, Boolean overwrite, Configuration hadoopConf)
            throws IOException
    {
        FileSystem fs = path.getFileSystem(hadoopConf);
        S3Key target = S3Key.of(fs.makeQualified(path));
        byte[] body = LogFiles.content(actions);
        S3Client s3 = S3Clients.of(fs);
        PutObjectRequest.Builder request = PutObjectRequest.builder().bucket(target.bucket()).key(target.key()).contentLength((long) body.length);
        if (!overwrite) {
            request.ifNoneMatch("*");
        }
        for (int attempt = 1; ; attempt++) {
            try {
                s3.putObject(request.build(), RequestBody.fromBytes(body));
                return;
            }
            catch (S3Exception e) {
                if (!overwrite && e.statusCode() == PRECONDITION_FAILED) {
                    // The key exists: another writer's commit, or this one's own when an earlier attempt of the
                    // request succeeded and its answer was lost (the SDK then retried it). Only the bytes tell.
                    if (holds(s3, target, body)) {
                        LOG.info("{} already holds this commit (a retried request of ours had written it)", path);
                        return;
                    }
                    throw new FileAlreadyExistsException(path.toString());
                }
                if (e.statusCode() == CONFLICT && attempt < CONFLICT_ATTEMPTS) {
                    // S3's ConditionalRequestConflict: a conditional write of the same key is in progress; ask again
                    pause(attempt);
                    continue;
                }
                throw new IOException("PutObject on " + path + ": " + e.getMessage(), e);
            }
            catch (SdkException e) {
                if (neverSent(e)) {
                    throw new CommitFileNotWrittenException("PutObject on " + path + ": " + e.getMessage() + " (no attempt reached the server: the commit "
                            + "file was not written)", e);
                }
                throw new IOException("PutObject on " + path + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * Whether no attempt of a request reached the server: the SDK keeps the failures of earlier
     * attempts as suppressed exceptions, with the HTTP client's message and no cause.
     */
    private static boolean neverSent(SdkException failure)
    {
        return couldNotConnect(failure) && Arrays.stream(failure.getSuppressed()).allMatch(S3ConditionalPutLogStore::couldNotConnect);
    }

    private static boolean couldNotConnect(Throwable failure)
    {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof java.net.ConnectException || cause instanceof java.net.UnknownHostException || cause instanceof java.net.NoRouteToHostException
                    || cause.getClass().getName().endsWith("ConnectTimeoutException")
                    || cause.getMessage() != null && CONNECT_FAILED.matcher(cause.getMessage()).find()) {
                return true;
            }
        }
        return false;
    }

    @Override
    public Iterator<FileStatus> listFrom(Path path, Configuration hadoopConf)
            throws IOException
    {
        FileSystem fs = path.getFileSystem(hadoopConf);
        Path qualified = fs.makeQualified(path);
        Path parent = qualified.getParent();
        S3Key folder = S3Key.of(parent);
        String prefix = folder.key().isEmpty() ? "" : folder.key() + "/";
        String name = qualified.getName();
        S3Client s3 = S3Clients.of(fs);
        long blockSize = fs.getDefaultBlockSize(parent);
        List<FileStatus> statuses = new ArrayList<>();
        try {
            ListObjectsV2Request.Builder request = ListObjectsV2Request.builder().bucket(folder.bucket()).prefix(prefix).delimiter("/");
            startBefore(prefix, name).ifPresent(request::startAfter);
            for (ListObjectsV2Response page : s3.listObjectsV2Paginator(request.build())) {
                for (S3Object object : page.contents()) {
                    String child = object.key().substring(prefix.length());
                    if (!child.isEmpty() && child.compareTo(name) >= 0) {
                        statuses.add(new FileStatus(object.size(), false, 1, blockSize, object.lastModified().toEpochMilli(), new Path(parent, child)));
                    }
                }
                for (CommonPrefix folderBelow : page.commonPrefixes()) { // listed as folders, as Hadoop's listStatus does
                    String child = folderBelow.prefix().substring(prefix.length(), folderBelow.prefix().length() - 1);
                    if (!child.isEmpty() && child.compareTo(name) >= 0) {
                        statuses.add(new FileStatus(0, true, 1, blockSize, 0, new Path(parent, child)));
                    }
                }
            }
            if (statuses.isEmpty() && !s3.listObjectsV2(ListObjectsV2Request.builder().bucket(folder.bucket()).prefix(prefix).maxKeys(1).build()).hasContents()) {
                throw new FileNotFoundException("No such file or directory: " + parent);
            }
        }
        catch (SdkException e) {
            throw new IOException("Cannot list the Delta log " + parent + ": " + e.getMessage(), e);
        }
        statuses.sort((left, right) -> left.getPath().getName().compareTo(right.getPath().getName()));
        return statuses.iterator();
    }

    @Override
    public Path resolvePathOnPhysicalStorage(Path path, Configuration hadoopConf)
            throws IOException
    {
        return path.getFileSystem(hadoopConf).makeQualified(path);
    }

    @Override
    public Boolean isPartialWriteVisible(Path path, Configuration hadoopConf)
    {
        return false;
    }

    /**
     * A key to start the listing after, so that S3 skips the earlier files of the log: the name with
     * its last character lowered by one. Keys between it and the name are filtered out afterwards.
     */
    static java.util.Optional<String> startBefore(String prefix, String name)
    {
        if (name.isEmpty() || name.charAt(name.length() - 1) == 0) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(prefix + name.substring(0, name.length() - 1) + (char) (name.charAt(name.length() - 1) - 1));
    }

    private static boolean holds(S3Client s3, S3Key target, byte[] body)
            throws IOException
    {
        try {
            ResponseBytes<GetObjectResponse> existing = s3.getObjectAsBytes(request -> request.bucket(target.bucket()).key(target.key()));
            return Arrays.equals(existing.asByteArrayUnsafe(), body);
        }
        catch (SdkException e) {
            throw new IOException("Cannot read Delta log file s3a://" + target.bucket() + "/" + target.key() + " back: " + e.getMessage(), e);
        }
    }

    private static void pause(int attempt)
            throws InterruptedIOException
    {
        try {
            Thread.sleep(Math.min(1000, 20L << attempt) + java.util.concurrent.ThreadLocalRandom.current().nextInt(20));
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("Interrupted while retrying a Delta log write");
        }
    }

    /** A bucket and key of an S3 path. */
    record S3Key(String bucket, String key)
    {
        static S3Key of(Path qualified)
        {
            java.net.URI uri = qualified.toUri();
            if (uri.getHost() == null) {
                throw new IllegalArgumentException("Not an S3 path with a bucket: " + qualified);
            }
            String path = uri.getPath() == null ? "" : uri.getPath();
            return new S3Key(uri.getHost(), path.startsWith("/") ? path.substring(1) : path);
        }
    }

    /** The S3 client of a file system: S3A's own, or one of the SDK's defaults for other S3 file systems. */
    static final class S3Clients
    {
        private static final java.util.concurrent.ConcurrentMap<String, S3Client> DEFAULT_CLIENTS = new java.util.concurrent.ConcurrentHashMap<>();

        private S3Clients() {}

        static S3Client of(FileSystem fs)
        {
            if (fs instanceof S3AFileSystem s3a) {
                return s3a.getS3AInternals().getAmazonS3Client("Delta log store");
            }
            return DEFAULT_CLIENTS.computeIfAbsent(fs.getUri().getScheme(), scheme -> S3Client.create());
        }
    }
}
