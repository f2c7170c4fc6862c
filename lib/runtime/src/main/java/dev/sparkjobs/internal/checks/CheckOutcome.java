package dev.sparkjobs.internal.checks;

import static java.util.Objects.requireNonNull;

import java.util.List;

import dev.sparkjobs.api.Check;

/** The result of one check on one staged table; {@code examples} shows a few offending rows. */
public record CheckOutcome(String table, Check check, long violations, List<String> examples)
{
    public CheckOutcome
    {
        requireNonNull(table, "table is null");
        requireNonNull(check, "check is null");
        examples = List.copyOf(requireNonNull(examples, "examples is null"));
    }

    public boolean passed()
    {
        return violations == 0;
    }

    public boolean failsRun()
    {
        return !passed() && check.level() == Check.Level.ERROR;
    }

    public String describe()
    {
        String unit = check.rule() instanceof Check.UniqueKey ? "duplicate key(s)" : check.rule() instanceof Check.MinRows ? "rows missing" : "row(s) fail";
        StringBuilder text = new StringBuilder()
                .append("table ").append(table).append(": ").append(check.name())
                .append(" [").append(check.level().name().toLowerCase(java.util.Locale.ROOT)).append("]: ")
                .append(violations).append(' ').append(unit);
        examples.forEach(example -> text.append("\n      ").append(example));
        return text.toString();
    }
}
