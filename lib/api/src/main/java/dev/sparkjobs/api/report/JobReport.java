package dev.sparkjobs.api.report;

/**
 * A job's report: what {@code spark-jobs report JOB} shows of the job's published tables, as
 * charts, tables and notes. The framework renders it (charts as inline SVG in one self-contained
 * HTML page); the job only says what to show.
 *
 * <p>A report reads the tables through its {@link ReportContext} and brings to the driver only
 * aggregates small enough to draw (days x top services, bins, the top rows), never a table's rows.
 */
public interface JobReport
{
    Report build(ReportContext context);
}
