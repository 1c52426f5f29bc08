package dev.eventloop.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * A Markdown table, built row by row: every table the reports write goes through here. Columns
 * are right-aligned, as figures are, unless {@link #leftAligned} says otherwise; the first column,
 * which names the row, always is.
 */
public final class MarkdownTable {
    private final List<String> header;
    private final boolean[] left;
    private final List<List<String>> rows = new ArrayList<>();

    private MarkdownTable(List<String> header) {
        this.header = List.copyOf(header);
        this.left = new boolean[header.size()];
        this.left[0] = true;
    }

    /** A table with these column headings. */
    public static MarkdownTable of(String... header) {
        return new MarkdownTable(Arrays.asList(header));
    }

    /** A table with these column headings. */
    public static MarkdownTable of(List<String> header) {
        return new MarkdownTable(header);
    }

    /** Left-aligns the columns at these indexes (from 0): words rather than figures. */
    public MarkdownTable leftAligned(int... columns) {
        for (int column : columns) {
            left[column] = true;
        }
        return this;
    }

    /** Right-aligns the first column too: a table whose rows are named by a number. */
    public MarkdownTable firstColumnRightAligned() {
        left[0] = false;
        return this;
    }

    /** Adds a row; missing cells at its end are left empty. */
    public MarkdownTable row(Object... cells) {
        return row(Arrays.stream(cells).map(String::valueOf).toList());
    }

    /** Adds a row; missing cells at its end are left empty. */
    public MarkdownTable row(List<String> cells) {
        if (cells.size() > header.size()) {
            throw new IllegalArgumentException(cells.size() + " cells for " + header.size() + " columns: " + cells);
        }
        List<String> row = new ArrayList<>(cells);
        row.addAll(Collections.nCopies(header.size() - cells.size(), ""));
        rows.add(row);
        return this;
    }

    /** The table, every line ending with a line break. */
    @Override
    public String toString() {
        StringBuilder md = new StringBuilder(line(header));
        StringBuilder rule = new StringBuilder("|");
        for (boolean l : left) {
            rule.append(l ? "---|" : "--:|");
        }
        md.append(rule).append('\n');
        rows.forEach(row -> md.append(line(row)));
        return md.toString();
    }

    private static String line(List<String> cells) {
        StringBuilder line = new StringBuilder("|");
        for (String cell : cells) {
            line.append(cell.isEmpty() ? " |" : " " + cell + " |");
        }
        return line.append('\n').toString();
    }
}
