package dev.sparkjobs.internal.checks;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import dev.sparkjobs.api.Check;
import dev.sparkjobs.internal.publish.StagedTable;

/**
 * Evaluates a staged table's checks: all row-level checks and the row count in one aggregation
 * pass; unique keys with one grouped count each; offending rows fetched (a few) only for checks
 * that fail.
 */
public final class CheckEvaluator
{
    private final int sampleRows;

    public CheckEvaluator(int sampleRows)
    {
        this.sampleRows = sampleRows;
    }

    public record TableChecks(String table, long rows, List<CheckOutcome> outcomes) {}

    public TableChecks evaluate(StagedTable staged)
    {
        Dataset<Row> rows = staged.rows();
        List<Check> rowChecks = staged.checks().stream().filter(check -> check.rule() instanceof Check.RowRule).toList();
        List<Column> aggregates = new ArrayList<>();
        aggregates.add(count(lit(1)));
        for (Check check : rowChecks) {
            Column violation = ((Check.RowRule) check.rule()).violation();
            aggregates.add(sum(when(violation, 1L).otherwise(0L)));
        }
        Row totals = rows.agg(aggregates.get(0), aggregates.subList(1, aggregates.size()).toArray(Column[]::new)).first();
        long rowCount = totals.getLong(0);

        List<CheckOutcome> outcomes = new ArrayList<>();
        int index = 1;
        for (Check check : staged.checks()) {
            if (check.rule() instanceof Check.RowRule rule) {
                long violations = totals.isNullAt(index) ? 0 : totals.getLong(index);
                index++;
                List<String> examples = violations == 0 ? List.of() : examples(rows.filter(rule.violation()), rule.columns());
                outcomes.add(new CheckOutcome(staged.name(), check, violations, examples));
            }
            else if (check.rule() instanceof Check.UniqueKey unique) {
                Column[] keys = unique.columns().stream().map(name -> col(name)).toArray(Column[]::new);
                Dataset<Row> duplicates = rows.groupBy(keys).count().filter(col("count").gt(1));
                long violations = duplicates.count();
                List<String> shown = new ArrayList<>(unique.columns());
                shown.add("count");
                outcomes.add(new CheckOutcome(staged.name(), check, violations, violations == 0 ? List.of() : examples(duplicates, shown)));
            }
            else if (check.rule() instanceof Check.MinRows minimum) {
                long missing = Math.max(0, minimum.minimum() - rowCount);
                outcomes.add(new CheckOutcome(staged.name(), check, missing, List.of()));
            }
        }
        return new TableChecks(staged.name(), rowCount, outcomes);
    }

    private List<String> examples(Dataset<Row> offending, List<String> columns)
    {
        if (sampleRows == 0) {
            return List.of();
        }
        Dataset<Row> shown = columns.isEmpty() ? offending : offending.select(columns.stream().map(name -> col(name)).toArray(Column[]::new));
        String[] names = shown.columns();
        return shown.limit(sampleRows).collectAsList().stream()
                .map(row -> {
                    List<String> cells = new ArrayList<>();
                    for (int i = 0; i < names.length; i++) {
                        cells.add(names[i] + "=" + row.get(i));
                    }
                    return String.join(", ", cells);
                })
                .collect(Collectors.toList());
    }
}
