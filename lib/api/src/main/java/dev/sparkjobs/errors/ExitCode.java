package dev.sparkjobs.errors;

/**
 * Process exit codes, a contract that Airflow DAGs and wrappers rely on.
 */
public enum ExitCode
{
    SUCCESS(0),
    /** Any failure that is neither bad usage nor a failed data-quality check. */
    FAILURE(1),
    /** Bad command-line usage or bad configuration: the message says what and how to fix it. */
    USAGE(2),
    /** A data-quality check failed: nothing was published. */
    CHECK_FAILED(3),
    /**
     * Another run of the same job and logical date published first (runs of one date at once: a
     * retry next to a lost attempt, a manual re-run): nothing of this run was published.
     */
    SUPERSEDED(4);

    private final int code;

    ExitCode(int code)
    {
        this.code = code;
    }

    public int code()
    {
        return code;
    }
}
