package dev.sparkjobs.app;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.s3a.AWSCredentialProviderList;
import org.apache.hadoop.fs.s3a.auth.CredentialProviderListFactory;

import software.amazon.awssdk.auth.credentials.AwsCredentials;

import dev.sparkjobs.api.JobConfig;
import dev.sparkjobs.internal.runtime.SparkSessions;

/**
 * Resolves the credentials S3A would use for s3a:// with the s3.* keys a run sets, and prints the
 * access key id (or why none was found): run in a JVM of its own, whose environment is the pod's.
 * {@code ResolveS3Credentials [s3.credentials-provider value; absent: the framework's default]}
 */
public final class ResolveS3Credentials
{
    private ResolveS3Credentials() {}

    public static void main(String[] args)
            throws Exception
    {
        Map<String, String> settings = new HashMap<>();
        if (args.length > 0) {
            settings.put("s3.credentials-provider", args[0]);
        }
        Configuration configuration = new Configuration();
        SparkSessions.configureS3(configuration, new JobConfig(settings));
        try (AWSCredentialProviderList providers = CredentialProviderListFactory.createAWSCredentialProviderList(URI.create("s3a://lake"), configuration)) {
            AwsCredentials credentials = providers.resolveCredentials();
            System.out.println("RESOLVED " + credentials.accessKeyId());
        }
        catch (RuntimeException e) {
            System.out.println("FAILED " + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }
}
