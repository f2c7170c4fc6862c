package dev.sparkjobs.costanalysis;

import static java.util.Objects.requireNonNull;

import java.util.List;

/** One data file of the billing input: where it is, how it is stored and the columns it has. */
record BillingFile(String path, FileFormat fileFormat, List<String> columns)
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
