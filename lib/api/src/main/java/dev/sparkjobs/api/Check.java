package dev.sparkjobs.api;

import static java.util.Objects.requireNonNull;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import org.apache.spark.sql.Column;

/**
 * A data-quality expectation on a staged output table, evaluated before anything is published.
 * An {@link Level#ERROR} failure publishes nothing and fails the run with exit code 3; a {@link
 * Level#WARN} failure is reported in the run summary.
 */
public record Check(String name, Level level, Rule rule)
{
    public enum Level
    {
        ERROR,
        WARN
    }

    /** What a check evaluates. */
    public sealed interface Rule
            permits RowRule, UniqueKey, MinRows {}

    /** Every row must not match {@code violation}; {@code columns} are shown for offending rows. */
    public record RowRule(Column violation, List<String> columns)
            implements Rule
    {
        public RowRule
        {
            requireNonNull(violation, "violation is null");
            columns = List.copyOf(requireNonNull(columns, "columns is null"));
        }
    }

    /** No two rows share the values of {@code columns}. */
    public record UniqueKey(List<String> columns)
            implements Rule
    {
        public UniqueKey
        {
            columns = List.copyOf(requireNonNull(columns, "columns is null"));
        }
    }

    /** The table has at least {@code minimum} rows. */
    public record MinRows(long minimum)
            implements Rule {}

    public Check
    {
        requireNonNull(name, "name is null");
        requireNonNull(level, "level is null");
        requireNonNull(rule, "rule is null");
    }

    /** The same check, reported as a warning instead of failing the run. */
    public Check asWarning()
    {
        return new Check(name, Level.WARN, rule);
    }

    public static Check notNull(String... columns)
    {
        Column violation = Arrays.stream(columns).map(column -> col(column).isNull()).reduce(Column::or).orElseThrow();
        return new Check("not_null(" + String.join(", ", columns) + ")", Level.ERROR, new RowRule(violation, List.of(columns)));
    }

    public static Check uniqueKey(String... columns)
    {
        return new Check("unique_key(" + String.join(", ", columns) + ")", Level.ERROR, new UniqueKey(List.of(columns)));
    }

    /** Non-null values of {@code column} are among {@code values}. */
    public static Check acceptedValues(String column, Object... values)
    {
        Column violation = col(column).isNotNull().and(not(col(column).isin(values)));
        String shown = Arrays.stream(values).map(String::valueOf).collect(Collectors.joining(", "));
        return new Check("accepted_values(" + column + ": " + shown + ")", Level.ERROR, new RowRule(violation, List.of(column)));
    }

    /** Non-null values of {@code column} lie in [minimum, maximum]; NaN is out of range. */
    public static Check range(String column, double minimum, double maximum)
    {
        Column value = col(column);
        Column violation = value.isNotNull().and(isnan(value).or(value.lt(lit(minimum))).or(value.gt(lit(maximum))));
        return new Check("range(" + column + " in [" + minimum + ", " + maximum + "])", Level.ERROR, new RowRule(violation, List.of(column)));
    }

    /** Non-null values of the numeric {@code columns} are finite: not NaN, not infinite. */
    public static Check finite(String... columns)
    {
        Column violation = Arrays.stream(columns)
                .map(column -> isnan(col(column))
                        .or(col(column).equalTo(lit(Double.POSITIVE_INFINITY)))
                        .or(col(column).equalTo(lit(Double.NEGATIVE_INFINITY))))
                .reduce(Column::or)
                .orElseThrow();
        return new Check("finite(" + String.join(", ", columns) + ")", Level.ERROR,
                new RowRule(coalesce(violation, lit(false)), List.of(columns)));
    }

    public static Check minRows(long minimum)
    {
        return new Check("min_rows(" + minimum + ")", Level.ERROR, new MinRows(minimum));
    }

    /**
     * Every row satisfies {@code condition}; a null result counts as satisfied (as in dbt), so
     * combine with {@link #notNull} where nulls matter.
     */
    public static Check predicate(String name, Column condition, String... shownColumns)
    {
        return new Check(name, Level.ERROR, new RowRule(not(coalesce(condition, lit(true))), List.of(shownColumns)));
    }

    /** {@link #predicate} written as a Spark SQL boolean expression by the job's author (not by users). */
    public static Check sql(String name, String sqlCondition, String... shownColumns)
    {
        return predicate(name, expr(sqlCondition), shownColumns);
    }
}
