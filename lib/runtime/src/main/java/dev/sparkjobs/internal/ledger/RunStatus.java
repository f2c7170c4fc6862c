package dev.sparkjobs.internal.ledger;

public enum RunStatus
{
    RUNNING,
    SUCCEEDED,
    FAILED
}
