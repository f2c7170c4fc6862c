package dev.sparkjobs.errors;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.file.AccessDeniedException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a failure to write the lake is likely about, as the hint of its message: credentials and
 * permissions only when the cause says so, another writer when it was a concurrent commit, the
 * endpoint when the server could not be reached.
 */
final class LakeFailures
{
    /** S3A's messages: {@code <operation> on <path>: <cause>}, e.g. {@code getFileStatus on s3a://bucket/key: ...}. */
    private static final Pattern OPERATION = Pattern.compile("^([A-Za-z][\\w .-]*?) on ((?:s3a?|s3n|gs|abfss?|wasbs?)://[^\\s:]+)");
    /** The HTTP client's: {@code Connect to 127.0.0.1:9000 [/127.0.0.1] failed: Connection refused}. */
    private static final Pattern ENDPOINT = Pattern.compile("Connect to (\\S+?)(?: \\[|\\s|$)");

    private LakeFailures() {}

    /**
     * The failure in its own words: for storage that could not be reached, the operation, the path
     * and the endpoint that refused (which the innermost message alone does not name), else the
     * innermost message.
     */
    static String describe(Throwable failure)
    {
        Optional<String> operation = Optional.empty();
        Optional<String> endpoint = Optional.empty();
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            String message = cause.getMessage() == null ? "" : cause.getMessage();
            Matcher named = OPERATION.matcher(message);
            if (operation.isEmpty() && named.find()) {
                operation = Optional.of(named.group(1) + " on " + named.group(2));
            }
            Matcher connect = ENDPOINT.matcher(message);
            if (endpoint.isEmpty() && connect.find()) {
                endpoint = Optional.of(connect.group(1));
            }
            if (endpoint.isEmpty() && cause instanceof UnknownHostException) {
                endpoint = Optional.of(message);
            }
        }
        String root = Errors.rootMessage(failure);
        if (endpoint.isEmpty()) {
            return root;
        }
        return operation.map(named -> named + " failed: ").orElse("") + "could not connect to " + endpoint.get() + " (" + root + ")";
    }

    static String hint(Throwable failure)
    {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            String type = cause.getClass().getName();
            if (cause instanceof AccessDeniedException || type.endsWith("NoAuthWithAWSException") || type.endsWith("NoAwsCredentialsException")
                    || type.endsWith("AWSCredentialProviderList$NoAuthWithAWSException") || messageHas(cause, "403 Forbidden", "Status Code: 403", "AccessDenied", "signature we calculated does not match",
                            "InvalidAccessKeyId", "SignatureDoesNotMatch", "Unable to load AWS credentials", "Unable to load credentials")) {
                return "The lake refused the credentials: check the IAM role of the job (IRSA on EKS) or, for an S3-compatible server, "
                        + "s3.access-key/s3.secret-key, and that they may write under output.root.";
            }
            if (cause instanceof UnknownHostException || cause instanceof ConnectException || messageHas(cause, "Unable to execute HTTP request")) {
                return "The lake's storage could not be reached: check that it is up, then output.root and, for s3a://, s3.endpoint and s3.region.";
            }
            if (type.startsWith("io.delta.exceptions.") || type.startsWith("org.apache.spark.sql.delta.") && type.endsWith("Exception")
                    && messageHas(cause, "concurrent")) {
                return "Another writer committed to the same table at the same time, and the commit could not be made on top of it.";
            }
        }
        return "Check that output.root points at a writable folder or bucket.";
    }

    private static boolean messageHas(Throwable cause, String... words)
    {
        String message = cause.getMessage();
        if (message == null) {
            return false;
        }
        for (String word : words) {
            if (message.contains(word)) {
                return true;
            }
        }
        return false;
    }
}
