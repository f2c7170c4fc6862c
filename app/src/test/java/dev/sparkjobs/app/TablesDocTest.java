package dev.sparkjobs.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;

import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.Test;

import dev.sparkjobs.api.Job;
import dev.sparkjobs.api.TableSpec;
import dev.sparkjobs.internal.ledger.RunLedger;
import dev.sparkjobs.internal.registry.JobRegistry;

/**
 * docs/tables.md, the analysts' page of every table and column with its meaning, is generated
 * from the tables the jobs declare (the same comments the Delta tables carry), and this test keeps
 * it true: a changed column, comment or table fails the build until the page is regenerated.
 */
class TablesDocTest
{
    private static final Path PROJECT = Path.of(System.getProperty("spark-jobs.conf.dir")).toAbsolutePath().getParent().normalize();
    private static final Path PAGE = PROJECT.resolve("docs/tables.md");

    @Test
    void docsTablesMdDescribesEveryTableAsTheJobsDeclareIt()
            throws IOException
    {
        String expected = page();
        Path generated = Path.of("target", "tables.md").toAbsolutePath();
        Files.createDirectories(generated.getParent());
        Files.writeString(generated, expected, StandardCharsets.UTF_8);
        assertThat(Files.exists(PAGE) ? Files.readString(PAGE, StandardCharsets.UTF_8) : "")
                .as("%s against the tables the jobs declare; after changing a table, copy the page this test generated: cp %s %s",
                        PROJECT.relativize(PAGE), generated, PAGE)
                .isEqualTo(expected);
    }

    static String page()
    {
        StringBuilder page = new StringBuilder("""
                # Tables

                Every table the jobs publish, with what each column means: the same table and column comments the
                Delta tables carry (`DESCRIBE` in any Delta reader, `bin/spark-jobs describe JOB`). Table `T` is at
                `<output.root>/T`; the README says how to read it with Spark SQL, Athena or Trino.
                Generated from the jobs' table declarations and checked by app's TablesDocTest: do not edit by hand.

                """);
        List<Job> jobs = JobRegistry.load().jobs().stream().sorted(Comparator.comparing(Job::name)).toList();
        for (Job job : jobs) {
            page.append("## ").append(job.name()).append("\n\n").append(job.description()).append("\n\n");
            job.outputs().forEach(table -> table(page, table));
        }
        page.append("## The run ledger\n\n");
        table(page, RunLedger.SPEC);
        return page.toString();
    }

    private static void table(StringBuilder page, TableSpec table)
    {
        page.append("### `").append(table.name()).append("`\n\n").append(table.comment()).append("\n\n");
        if (!table.partitionColumns().isEmpty()) {
            page.append("Partitioned by ").append(String.join(", ", table.partitionColumns().stream().map(column -> "`" + column + "`").toList()))
                    .append(". ");
        }
        page.append("Published by ").append(table.writeMode().describe()).append(".\n\n");
        page.append("| column | type | meaning |\n|---|---|---|\n");
        for (StructField field : table.schema().fields()) {
            page.append("| `").append(field.name()).append("` | ").append(field.dataType().simpleString().replace("|", "\\|")).append(" | ")
                    .append(TableSpec.columnComment(field).orElse("").replace("|", "\\|").replace("\n", " ")).append(" |\n");
        }
        page.append('\n');
    }
}
