package dev.sparkjobs.costanalysis;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * One data file of the billing input: where it is, how it is stored, the columns it has and
 * whether it holds any row (a CSV with a line after its header, a Parquet file whose footer counts rows).
 */
record BillingFile(String path, FileFormat fileFormat, List<String> columns, boolean hasRows)
{
    enum FileFormat
    {
        PARQUET,
        CSV
    }

    BillingFile
    {
        requireNonNull(path, "path is null");
        requireNonNull(fileFormat, "fileFormat is null");
        columns = List.copyOf(requireNonNull(columns, "columns is null"));
    }
}
