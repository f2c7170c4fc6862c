package dev.sparkjobs.api;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;

/**
 * One data file of a declared input as its store lists it: path, size, modification time and,
 * where the store has one (S3), its ETag. What a job needs to tell whether an input changed
 * without reading it.
 */
public record InputFile(String path, long size, Instant modifiedAt, Optional<String> etag)
{
    public InputFile
    {
        requireNonNull(path, "path is null");
        requireNonNull(modifiedAt, "modifiedAt is null");
        requireNonNull(etag, "etag is null");
        if (size < 0) {
            throw new IllegalArgumentException("size is negative: " + size);
        }
    }
}
