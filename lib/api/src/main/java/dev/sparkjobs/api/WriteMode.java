package dev.sparkjobs.api;

import static java.util.Objects.requireNonNull;

import java.util.List;

/** How a table's staged rows are published: always one atomic Delta commit per table and run. */
public sealed interface WriteMode
        permits WriteMode.ReplacePartition, WriteMode.Merge, WriteMode.IdempotentAppend, WriteMode.Overwrite
{
    /** How the mode publishes, in words, for 'describe'. */
    String describe();

    /** The columns the mode names (they must be in the table's schema). */
    default List<String> columns()
    {
        return List.of();
    }

    /** Whether the mode fits the table's partitioning; a reason when it does not. */
    default java.util.Optional<String> misfit(List<String> partitionColumns)
    {
        return java.util.Optional.empty();
    }

    /**
     * Replaces the run's partition ({@code replaceWhere column = <logical date at granularity>}); with
     * {@code scope=all}, replaces every partition present in the result. A re-run replaces, never
     * duplicates.
     */
    record ReplacePartition(String column, Granularity granularity)
            implements WriteMode
    {
        public ReplacePartition
        {
            requireNonNull(column, "column is null");
            requireNonNull(granularity, "granularity is null");
        }

        @Override
        public String describe()
        {
            return "replace-partition on " + column + " (" + granularity.name().toLowerCase(java.util.Locale.ROOT) + " of --date)";
        }

        @Override
        public List<String> columns()
        {
            return List.of(column);
        }

        @Override
        public java.util.Optional<String> misfit(List<String> partitionColumns)
        {
            return partitionColumns.contains(column)
                    ? java.util.Optional.empty()
                    : java.util.Optional.of("replaces partitions of " + column + " but is partitioned by " + partitionColumns);
        }
    }

    /** Upserts on the declared keys: matched rows are updated, others inserted. */
    record Merge(List<String> keys)
            implements WriteMode
    {
        public Merge
        {
            keys = List.copyOf(requireNonNull(keys, "keys is null"));
            if (keys.isEmpty()) {
                throw new IllegalArgumentException("Merge needs at least one key column");
            }
        }

        @Override
        public String describe()
        {
            return "merge on " + String.join(", ", keys);
        }

        @Override
        public List<String> columns()
        {
            return keys;
        }
    }

    /**
     * Appends, at most once per job, table and logical date (Delta {@code txnAppId}/{@code
     * txnVersion}): a retry of the same date is skipped by Delta instead of appended twice.
     */
    record IdempotentAppend()
            implements WriteMode
    {
        @Override
        public String describe()
        {
            return "append, once per --date";
        }
    }

    /** Replaces the whole table: for small tables recomputed from everything. */
    record Overwrite()
            implements WriteMode
    {
        @Override
        public String describe()
        {
            return "overwrite";
        }
    }

    static WriteMode replacePartition(String column, Granularity granularity)
    {
        return new ReplacePartition(column, granularity);
    }

    static WriteMode merge(String... keys)
    {
        return new Merge(List.of(keys));
    }

    static WriteMode idempotentAppend()
    {
        return new IdempotentAppend();
    }

    static WriteMode overwrite()
    {
        return new Overwrite();
    }
}
