package dev.sparkjobs.internal.checks;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.sparkjobs.api.Check;
import dev.sparkjobs.api.TableSpec;
import dev.sparkjobs.internal.publish.StagedTable;
import dev.sparkjobs.testing.SharedSpark;

/** Each check kind on a tiny table whose violations are counted by hand. */
@ExtendWith(SharedSpark.class)
class CheckEvaluatorTest
{
    @Test
    void countsViolationsOfEveryCheckKind(SparkSession spark)
    {
        StructType schema = new StructType()
                .add("id", DataTypes.StringType)
                .add("kind", DataTypes.StringType)
                .add("share", DataTypes.DoubleType);
        Dataset<Row> rows = spark.createDataFrame(List.of(
                RowFactory.create("a", "usage", 0.5),
                RowFactory.create("b", "tax", 1.5),           // share out of range
                RowFactory.create("b", "bogus", Double.NaN),  // duplicate id, unknown kind, NaN: out of range and not finite
                RowFactory.create(null, null, null),          // null id; null kind and share are not violations of accepted/range
                RowFactory.create("e", "usage", Double.POSITIVE_INFINITY)), schema);
        List<Check> checks = List.of(
                Check.notNull("id"),
                Check.uniqueKey("id"),
                Check.acceptedValues("kind", "usage", "tax"),
                Check.range("share", 0, 1),
                Check.finite("share"),
                Check.sql("share_below_one", "share < 1", "id", "share"),
                Check.minRows(10).asWarning());
        TableSpec spec = TableSpec.builder("t").column("id", DataTypes.StringType, "").column("kind", DataTypes.StringType, "")
                .column("share", DataTypes.DoubleType, "").build();

        CheckEvaluator.TableChecks result = new CheckEvaluator(2).evaluate(new StagedTable(spec, "unused", rows, checks));

        assertThat(result.rows()).isEqualTo(5);
        Map<String, Long> violations = new LinkedHashMap<>();
        result.outcomes().forEach(outcome -> violations.put(outcome.check().name(), outcome.violations()));
        assertThat(violations).containsExactly(
                Map.entry("not_null(id)", 1L),
                Map.entry("unique_key(id)", 1L),
                Map.entry("accepted_values(kind: usage, tax)", 1L),
                Map.entry("range(share in [0.0, 1.0])", 3L),
                Map.entry("finite(share)", 2L),
                // NaN < 1 is false in Spark (NaN is the largest double); infinity fails; null passes
                Map.entry("share_below_one", 3L),
                Map.entry("min_rows(10)", 5L));

        CheckOutcome minRows = result.outcomes().get(6);
        assertThat(minRows.failsRun()).as("a warning never fails the run").isFalse();
        assertThat(result.outcomes().get(0).failsRun()).isTrue();
        CheckOutcome duplicates = result.outcomes().get(1);
        assertThat(duplicates.examples()).as("offending keys with their count").containsExactly("id=b, count=2");
        assertThat(result.outcomes().get(3).examples()).as("at most 2 examples").hasSize(2);
        assertThat(result.outcomes().get(2).describe()).isEqualTo("table t: accepted_values(kind: usage, tax) [error]: 1 row(s) fail\n      kind=bogus");
        assertThat(rows.filter(col("id").isNull()).count()).isEqualTo(1);
    }
}
