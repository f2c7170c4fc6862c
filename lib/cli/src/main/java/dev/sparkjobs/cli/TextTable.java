package dev.sparkjobs.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** A table printed with aligned columns: a header, a rule, the rows; numbers right-aligned. */
final class TextTable
{
    private static final int MAX_WIDTH = 60;

    private TextTable() {}

    static void print(PrintStream out, List<String> header, List<List<String>> rows)
    {
        int[] widths = new int[header.size()];
        List<List<String>> all = new ArrayList<>();
        all.add(header);
        rows.forEach(row -> all.add(row.stream().map(TextTable::clip).toList()));
        for (List<String> row : all) {
            for (int i = 0; i < row.size(); i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        boolean[] numeric = new boolean[header.size()];
        for (int i = 0; i < header.size(); i++) {
            final int column = i;
            numeric[i] = !rows.isEmpty() && rows.stream().allMatch(row -> row.get(column).isEmpty() || row.get(column).matches("[-+]?[0-9][0-9,.]*(E-?[0-9]+)?"));
        }
        line(out, header, widths, new boolean[header.size()]);
        StringBuilder rule = new StringBuilder();
        for (int i = 0; i < widths.length; i++) {
            rule.append(i == 0 ? "" : "  ").append("-".repeat(widths[i]));
        }
        out.println(rule);
        for (int r = 1; r < all.size(); r++) {
            line(out, all.get(r), widths, numeric);
        }
    }

    private static void line(PrintStream out, List<String> cells, int[] widths, boolean[] rightAligned)
    {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            String cell = cells.get(i);
            String padding = " ".repeat(widths[i] - cell.length());
            line.append(i == 0 ? "" : "  ").append(rightAligned[i] ? padding + cell : i == cells.size() - 1 ? cell : cell + padding);
        }
        out.println(line);
    }

    private static String clip(String value)
    {
        String flat = value.replace('\n', ' ').replace('\r', ' ').replace('\t', ' ');
        return flat.length() <= MAX_WIDTH ? flat : flat.substring(0, MAX_WIDTH - 3) + "...";
    }
}
