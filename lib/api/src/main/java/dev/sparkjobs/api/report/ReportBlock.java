package dev.sparkjobs.api.report;

/** One block of a report: a chart, a table or a note. Its id is unique in the report and becomes the HTML element id. */
public sealed interface ReportBlock
        permits Chart, DataTable, Note
{
    String id();

    String title();

    static void checkId(String id)
    {
        if (!id.matches("[a-z][a-z0-9-]*")) {
            throw new IllegalArgumentException("Invalid report block id '" + id + "': use kebab-case (a-z, 0-9, -)");
        }
    }
}
