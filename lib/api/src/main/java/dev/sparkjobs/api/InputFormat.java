package dev.sparkjobs.api;

/** File formats {@link JobContext#readInput} understands. */
public enum InputFormat
{
    /** Chosen from file names: .parquet, .csv, .csv.gz, .json, .jsonl, .ndjson. */
    AUTO,
    PARQUET,
    /** RFC 4180 with a header line (quotes doubled inside quoted fields); the literal NULL and the empty string are nulls. */
    CSV,
    /** JSON Lines. */
    JSON
}
