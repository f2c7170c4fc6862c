package dev.sparkjobs.internal.ledger;

public enum RunStatus
{
    RUNNING,
    SUCCEEDED,
    FAILED,
    /** Was RUNNING when its driver stopped writing heartbeats (killed or cut off): marked so by a later run of the job. */
    ABANDONED
}
