package dev.sparkjobs.internal.publish;

import static java.util.Objects.requireNonNull;

/**
 * Another run of the same job and logical date committed to a table while this run was about to:
 * that run published the data, and this one must not publish it a second time.
 */
public final class SupersededException
        extends RuntimeException
{
    private final String table;
    private final String path;
    private final String rivalRunId;

    SupersededException(String table, String path, String rivalRunId, Throwable conflict)
    {
        super("Table " + table + " was committed first by run " + rivalRunId, conflict);
        this.table = requireNonNull(table, "table is null");
        this.path = requireNonNull(path, "path is null");
        this.rivalRunId = requireNonNull(rivalRunId, "rivalRunId is null");
    }

    public String table()
    {
        return table;
    }

    public String path()
    {
        return path;
    }

    public String rivalRunId()
    {
        return rivalRunId;
    }
}
