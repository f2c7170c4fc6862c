package dev.sparkjobs.costanalysis;

import static java.util.Objects.requireNonNull;

/** A column of a billing export that the job reads, with how its values are parsed. */
record SourceColumn(String name, Kind kind, Presence presence)
{
    enum Kind
    {
        TEXT,
        /** A decimal number; in CSV a text that must parse. */
        NUMBER,
        /** A timestamp or date; in CSV ISO 8601 text (2024-09-01T00:00:00Z or 2024-09-01 00:00:00). */
        TIMESTAMP,
        /** A string-to-string map; in CSV a JSON object text. */
        MAP
    }

    enum Presence
    {
        REQUIRED,
        OPTIONAL
    }

    SourceColumn
    {
        requireNonNull(name, "name is null");
        requireNonNull(kind, "kind is null");
        requireNonNull(presence, "presence is null");
    }

    static SourceColumn required(String name, Kind kind)
    {
        return new SourceColumn(name, kind, Presence.REQUIRED);
    }

    static SourceColumn optional(String name, Kind kind)
    {
        return new SourceColumn(name, kind, Presence.OPTIONAL);
    }

    boolean isRequired()
    {
        return presence == Presence.REQUIRED;
    }
}
