package dev.sparkjobs.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.util.Arrays;
import java.util.List;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import com.holdenkarau.spark.testing.DataFrameSuiteBase$;

/**
 * DataFrame comparisons backed by spark-testing-base's row comparison (numeric tolerance,
 * nulls, nested rows), usable from JUnit 5 on the shared session.
 */
public final class DataFrameAssertions
{
    private DataFrameAssertions() {}

    /** Same columns and the same rows in any order, numbers equal within {@code tolerance}. */
    public static void assertSameRows(String context, Dataset<Row> expected, Dataset<Row> actual, double tolerance)
    {
        assertThat(actual.columns()).as("%s: columns", context).containsExactly(expected.columns());
        Column[] order = Arrays.stream(expected.columns()).map(name -> new Column(name)).toArray(Column[]::new);
        List<Row> expectedRows = expected.orderBy(order).collectAsList();
        List<Row> actualRows = actual.select(order).orderBy(order).collectAsList();
        assertThat(actualRows).as("%s: row count", context).hasSameSizeAs(expectedRows);
        for (int i = 0; i < expectedRows.size(); i++) {
            if (!DataFrameSuiteBase$.MODULE$.approxEquals(expectedRows.get(i), actualRows.get(i), tolerance)) {
                fail("%s: row %d differs%n expected: %s%n   actual: %s%n all expected: %s%n all actual: %s",
                        context, i, expectedRows.get(i), actualRows.get(i), expectedRows, actualRows);
            }
        }
    }
}
