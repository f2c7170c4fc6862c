package dev.sparkjobs.api;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;

/**
 * What a set of input files looked like when a result was computed from them: how many, their
 * bytes, and a SHA-256 digest over each file's path, size, modification time and ETag (in path
 * order). Equal digests mean the same files, none rewritten; any change to one of them (a file
 * added, removed, rewritten, even at the same size) changes the digest.
 */
public record InputFingerprint(long files, long bytes, String digest)
{
    public InputFingerprint
    {
        requireNonNull(digest, "digest is null");
    }

    public static InputFingerprint of(List<InputFile> inputFiles)
    {
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
        long bytes = 0;
        for (InputFile file : inputFiles.stream().sorted(Comparator.comparing(InputFile::path)).toList()) {
            String line = file.path() + '\t' + file.size() + '\t' + file.modifiedAt().toEpochMilli() + '\t' + file.etag().orElse("") + '\n';
            sha256.update(line.getBytes(StandardCharsets.UTF_8));
            bytes += file.size();
        }
        return new InputFingerprint(inputFiles.size(), bytes, HexFormat.of().formatHex(sha256.digest()));
    }
}
