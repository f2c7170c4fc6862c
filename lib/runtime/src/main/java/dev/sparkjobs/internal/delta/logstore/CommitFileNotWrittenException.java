package dev.sparkjobs.internal.delta.logstore;

import java.io.IOException;

/**
 * A commit file that was certainly not written: every attempt of its request failed to connect to
 * the storage, so none reached it. A table writer that sees it knows its commit did not land, even
 * though the storage cannot be read to make sure.
 */
public final class CommitFileNotWrittenException
        extends IOException
{
    public CommitFileNotWrittenException(String message, Throwable cause)
    {
        super(message, cause);
    }
}
