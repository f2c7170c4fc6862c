package dev.sparkjobs.api;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * What a job's run returns: one DataFrame per output table to stage, check and publish, plus
 * counters and warnings for the run summary and the run ledger.
 */
public record JobOutputs(Map<String, Dataset<Row>> tables, Map<String, Long> counters, List<String> warnings)
{
    public JobOutputs
    {
        tables = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(tables, "tables is null")));
        counters = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(counters, "counters is null")));
        warnings = List.copyOf(requireNonNull(warnings, "warnings is null"));
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

        public JobOutputs build()
        {
            return new JobOutputs(tables, counters, warnings);
        }
    }
}
