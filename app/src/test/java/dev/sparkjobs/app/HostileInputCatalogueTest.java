package dev.sparkjobs.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * docs/hostile-input.md stays true: every case names the test that pins it, and the message excerpt
 * it shows stands word for word in that test's source (Java string escapes undone).
 */
class HostileInputCatalogueTest
{
    private static final Path PROJECT = Path.of(System.getProperty("spark-jobs.conf.dir")).toAbsolutePath().getParent().normalize();
    private static final Pattern ROW = Pattern.compile("^\\| (\\d+) \\| [^|]+ \\| .+? \\| ([0-3]) \\| `(.+?)`.*\\| `([^`]+\\.java)` \\|$");

    private record Case(int number, String excerpt, Path test) {}

    @Test
    void everyCaseIsPinnedByTheTestItNames()
            throws IOException
    {
        List<Case> cases = new ArrayList<>();
        for (String line : Files.readAllLines(PROJECT.resolve("docs/hostile-input.md"), StandardCharsets.UTF_8)) {
            Matcher row = ROW.matcher(line);
            if (row.matches()) {
                cases.add(new Case(Integer.parseInt(row.group(1)), row.group(3), PROJECT.resolve(row.group(4))));
            }
            else {
                assertThat(line).as("a line of docs/hostile-input.md that looks like a case but does not parse").doesNotMatch("^\\| \\d+ \\|.*");
            }
        }
        assertThat(cases).as("cases in docs/hostile-input.md").hasSizeGreaterThanOrEqualTo(30);
        assertThat(cases).extracting(Case::number).as("numbered 1..n in order").isEqualTo(java.util.stream.IntStream.rangeClosed(1, cases.size()).boxed().toList());
        for (Case one : cases) {
            assertThat(one.test()).as("the test named by case %d", one.number()).isRegularFile();
            String source = Files.readString(one.test(), StandardCharsets.UTF_8).replace("\\\"", "\"").replace("\\\\", "\\");
            assertThat(source).as("case %d's message in %s", one.number(), PROJECT.relativize(one.test())).contains(one.excerpt());
        }
    }
}
