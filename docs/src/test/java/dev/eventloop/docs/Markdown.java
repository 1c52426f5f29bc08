package dev.eventloop.docs;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Just enough of a Markdown file for the checks: its lines, and its fenced code blocks (which
 * may be indented, as inside a list item or a {@code <details>} block).
 */
final class Markdown {
    private static final Pattern OPEN = Pattern.compile("^( *)(`{3,}|~{3,})\\s*([^`]*?)\\s*$");

    /**
     * One fenced block.
     *
     * @param open the 0-based index of the opening fence line
     * @param close the 0-based index of the closing fence line, or -1 if the block is never closed
     * @param indent the spaces before the opening fence, removed from each content line
     * @param info the info string: the language, such as {@code java} or {@code mermaid}
     * @param content the lines between the fences, without the indent
     */
    record Fence(int open, int close, int indent, String info, List<String> content) {
        /** The first word of the info string, lower case. */
        String language() {
            String first = info.isBlank() ? "" : info.trim().split("\\s+")[0];
            return first.toLowerCase(java.util.Locale.ROOT);
        }
    }

    final Path file;
    final List<String> lines;
    final List<Fence> fences;
    private final boolean[] fenced;

    private Markdown(Path file, List<String> lines) {
        this.file = file;
        this.lines = List.copyOf(lines);
        this.fenced = new boolean[lines.size()];
        List<Fence> found = new ArrayList<>();
        int i = 0;
        while (i < lines.size()) {
            Matcher open = OPEN.matcher(lines.get(i));
            if (!open.matches()) {
                i++;
                continue;
            }
            int indent = open.group(1).length();
            String fence = open.group(2);
            Pattern closing = Pattern.compile("^ *" + Pattern.quote(fence.substring(0, 1)) + "{" + fence.length() + ",}\\s*$");
            int close = -1;
            List<String> content = new ArrayList<>();
            for (int j = i + 1; j < lines.size(); j++) {
                if (closing.matcher(lines.get(j)).matches()) {
                    close = j;
                    break;
                }
                content.add(unindent(lines.get(j), indent));
            }
            found.add(new Fence(i, close, indent, open.group(3), Collections.unmodifiableList(content)));
            int last = close < 0 ? lines.size() - 1 : close;
            for (int j = i; j <= last; j++) {
                fenced[j] = true;
            }
            i = last + 1;
        }
        this.fences = List.copyOf(found);
    }

    static Markdown read(Path file) {
        return new Markdown(file, Course.lines(file));
    }

    static Markdown of(Path file, List<String> lines) {
        return new Markdown(file, lines);
    }

    /** Whether the 0-based line {@code index} is part of a fenced block (fence lines included). */
    boolean fenced(int index) {
        return fenced[index];
    }

    /** The fenced block whose opening fence is on line {@code index}, if any. */
    Fence fenceOpeningAt(int index) {
        for (Fence fence : fences) {
            if (fence.open() == index) {
                return fence;
            }
        }
        return null;
    }

    private static String unindent(String line, int indent) {
        int n = 0;
        while (n < indent && n < line.length() && line.charAt(n) == ' ') {
            n++;
        }
        return line.substring(n);
    }
}
