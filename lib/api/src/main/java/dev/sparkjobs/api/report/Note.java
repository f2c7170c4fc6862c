package dev.sparkjobs.api.report;

import static java.util.Objects.requireNonNull;

/** A paragraph of text: what a chart shows, or why a part of the report is empty. */
public record Note(String id, String title, String text)
        implements ReportBlock
{
    public Note
    {
        requireNonNull(id, "id is null");
        requireNonNull(title, "title is null");
        requireNonNull(text, "text is null");
        ReportBlock.checkId(id);
    }
}
