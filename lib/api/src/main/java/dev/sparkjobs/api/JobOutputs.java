package dev.sparkjobs.api;

import static java.util.Objects.requireNonNull;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * What a job's run returns: one DataFrame per output table to stage, check and publish, plus
 * counters and warnings for the run summary and the run ledger, and the partitions the run
 * recomputes ({@link Builder#recomputed}).
 */
public record JobOutputs(Map<String, Dataset<Row>> tables, Map<String, Long> counters, List<String> warnings, List<RecomputedPartition> recomputed)
{
    public JobOutputs
    {
        tables = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(tables, "tables is null")));
        counters = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(counters, "counters is null")));
        warnings = List.copyOf(requireNonNull(warnings, "warnings is null"));
        recomputed = List.copyOf(requireNonNull(recomputed, "recomputed is null"));
    }

    public static Builder builder()
    {
        return new Builder();
    }

    public static final class Builder
    {
        private final Map<String, Dataset<Row>> tables = new LinkedHashMap<>();
        private final Map<String, Long> counters = new LinkedHashMap<>();
        private final List<String> warnings = new ArrayList<>();
        private final Map<LocalDate, RecomputedPartition> recomputed = new LinkedHashMap<>();

        private Builder() {}

        public Builder table(String name, Dataset<Row> rows)
        {
            requireNonNull(name, "name is null");
            requireNonNull(rows, "rows is null");
            if (tables.putIfAbsent(name, rows) != null) {
                throw new IllegalArgumentException("Table " + name + " is returned twice");
            }
            return this;
        }

        /** A number worth keeping in the run ledger, e.g. {@code inspections_without_image}. */
        public Builder counter(String name, long value)
        {
            counters.put(requireNonNull(name, "name is null"), value);
            return this;
        }

        public Builder warning(String warning)
        {
            warnings.add(requireNonNull(warning, "warning is null"));
            return this;
        }

        /**
         * A partition the run recomputes, and from which input files. In a run of one date, the
         * replace-partition tables then replace this partition as well as the run's own (every
         * partition the run declares, rows or none); in a {@code scope=all} run, which replaces
         * every partition it writes, it is recorded only. The run ledger keeps the declarations of
         * a run that succeeded, for {@link JobContext#lastRecomputed()} of later runs.
         */
        public Builder recomputed(RecomputedPartition partition)
        {
            requireNonNull(partition, "partition is null");
            if (recomputed.putIfAbsent(partition.value(), partition) != null) {
                throw new IllegalArgumentException("Partition " + partition.value() + " is declared recomputed twice");
            }
            return this;
        }

        public JobOutputs build()
        {
            return new JobOutputs(tables, counters, warnings, List.copyOf(recomputed.values()));
        }
    }
}
