package dev.sparkjobs.costanalysis;

import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.sparkjobs.testing.JobPreview;
import dev.sparkjobs.testing.SharedSpark;

/**
 * The real FOCUS 1.0 sample (FinOps Foundation, CC BY 4.0; see focus-1.0/README.md): the job's
 * totals per provider and billing period against an independent plain-Java reading of the CSV.
 */
@ExtendWith(SharedSpark.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FocusSampleTest
{
    private static final Path SAMPLE = Path.of("src/test/resources/focus-1.0/focus_sample.csv");

    private JobPreview outputs;

    @BeforeAll
    void runJob(SparkSession spark)
    {
        outputs = CostAnalysisPreview.forAllPeriods(spark, SAMPLE.toString(), "2024-09-30");
    }

    @Test
    void totalsPerProviderAndPeriodMatchAPlainJavaReading()
            throws IOException
    {
        Map<String, Totals> expected = plainJavaTotals();
        assertThat(expected.keySet()).as("the sample's providers and periods")
                .containsExactly("AWS 2024-09", "Microsoft 2024-09", "Oracle 2024-09", "Oracle 2024-10");
        Map<String, Row> actual = new TreeMap<>();
        outputs.table("cost_line_items").groupBy("provider", "billing_period")
                .agg(count(lit(1)).as("rows"), sum("billed_cost").as("billed"), sum("effective_cost").as("effective"), sum("list_cost").as("list"))
                .collectAsList()
                .forEach(row -> actual.put(row.getString(0) + " " + row.get(1).toString().substring(0, 7), row));
        assertThat(actual.keySet()).isEqualTo(expected.keySet());
        expected.forEach((key, totals) -> {
            Row row = actual.get(key);
            assertThat(row.<Long>getAs("rows")).as("rows of %s", key).isEqualTo(totals.rows);
            assertThat(row.<Double>getAs("billed")).as("billed cost of %s", key).isCloseTo(totals.billed.doubleValue(), within(1e-9));
            assertThat(row.<Double>getAs("effective")).as("effective cost of %s", key).isCloseTo(totals.effective.doubleValue(), within(1e-9));
            assertThat(row.<Double>getAs("list")).as("list cost of %s", key).isCloseTo(totals.list.doubleValue(), within(1e-9));
        });
        assertThat(expected.get("AWS 2024-09").rows).as("AWS rows per the sample's README").isEqualTo(942);
        assertThat(expected.get("Microsoft 2024-09").rows).isEqualTo(51);
        assertThat(outputs.table("cost_rejects").count()).as("the sample parses fully").isZero();
    }

    @Test
    void tagsAreParsedFromJsonAndNullIsANull()
    {
        List<Row> tagged = outputs.table("cost_line_items")
                .filter("resource_id = 'arn:ats:emastilmoalfamanling:us-test-2:586597448978:moalfamanler/app/tungsten-lonbmuenle-amf/l365455f461l4e4a'")
                .collectAsList();
        assertThat(tagged).as("two rows of this load balancer").hasSize(2);
        // Tags of the sample's second row: {"application": "BrightLensMatrix", "environment": "dev", "business_unit": "ViennaAI"}
        for (Row row : tagged) {
            assertThat(row.<scala.collection.Map<String, String>>getAs("tags").get("business_unit").get()).isEqualTo("ViennaAI");
            assertThat(row.<String>getAs("environment")).isEqualTo("dev");
            assertThat(row.<String>getAs("account_id")).as("SubAccountId").isEqualTo("43883916739");
        }
        assertThat(outputs.table("cost_line_items").filter("tags is null").count()).as("rows whose Tags is NULL").isEqualTo(289);
    }

    @Test
    void processorKnownOnlyWhereTheDescriptionNamesAnInstance()
    {
        List<String> processors = outputs.table("cost_line_items").filter("processor is not null")
                .select("instance_type", "processor").distinct().orderBy("instance_type").collectAsList().stream()
                .map(row -> row.getString(0) + "=" + row.getString(1)).toList();
        assertThat(processors).contains("c5.2xlarge=intel", "t3.micro=intel").allMatch(entry -> entry.endsWith("=intel") || entry.endsWith("=amd")
                || entry.endsWith("=graviton"));
    }

    private record Totals(long rows, BigDecimal billed, BigDecimal effective, BigDecimal list)
    {
        Totals plus(BigDecimal billedCost, BigDecimal effectiveCost, BigDecimal listCost)
        {
            return new Totals(rows + 1, billed.add(billedCost), effective.add(effectiveCost), list.add(listCost));
        }
    }

    /** Sums per ProviderName and month of BillingPeriodStart, parsing the CSV (RFC 4180 quoting) in plain Java. */
    private static Map<String, Totals> plainJavaTotals()
            throws IOException
    {
        List<String> lines = Files.readAllLines(SAMPLE);
        List<String> header = fields(lines.get(0));
        int provider = header.indexOf("ProviderName");
        int period = header.indexOf("BillingPeriodStart");
        int billed = header.indexOf("BilledCost");
        int effective = header.indexOf("EffectiveCost");
        int list = header.indexOf("ListCost");
        Map<String, Totals> totals = new TreeMap<>();
        for (String line : lines.subList(1, lines.size())) {
            List<String> row = fields(line);
            assertThat(row).as("fields of %s", line).hasSameSizeAs(header);
            String key = row.get(provider) + " " + row.get(period).substring(0, 7);
            totals.merge(key, new Totals(1, new BigDecimal(row.get(billed)), new BigDecimal(row.get(effective)), new BigDecimal(row.get(list))),
                    (left, right) -> left.plus(right.billed, right.effective, right.list));
        }
        return totals;
    }

    private static List<String> fields(String line)
    {
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted && c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                field.append('"');
                i++;
            }
            else if (c == '"') {
                quoted = !quoted;
            }
            else if (c == ',' && !quoted) {
                fields.add(field.toString());
                field.setLength(0);
            }
            else {
                field.append(c);
            }
        }
        fields.add(field.toString());
        return fields;
    }
}
