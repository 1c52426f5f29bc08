package dev.eventloop.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Code blocks that quote source, and the tagged regions they quote.
 *
 * <p>In Markdown, a quote is a marker comment on the line right before a fenced block:
 * <pre>
 * &lt;!-- snippet: chapter06-eventloop/src/main/java/dev/eventloop/chapter06/Server.java#try-fill-buffer --&gt;
 * ```java
 * ...
 * ```
 * </pre>
 * The path is relative to the repository root. In the source, the region is the lines between
 * {@code // tag::try-fill-buffer[]} and {@code // end::try-fill-buffer[]} (also {@code #} or
 * {@code <!-- -->} comments): the tag lines themselves and any nested tag lines are left out, and
 * the indentation common to the region's lines is removed. The block must hold exactly those
 * lines (trailing spaces aside).
 */
final class Snippets {
    static final String REFRESH_COMMAND = "./mvnw -q -pl docs test-compile exec:java@refresh-snippets";

    private static final Pattern MARKER = Pattern.compile("^\\s*<!--\\s*snippet:\\s*(\\S+?)#([A-Za-z0-9_.-]+)\\s*-->\\s*$");
    private static final Pattern ANY_MARKER = Pattern.compile("^\\s*<!--\\s*snippet\\b.*$");
    private static final Pattern EXERCISE_BEGIN = Pattern.compile("^\\s*// ---- EXERCISE \\d \\([a-z-]+\\) begin\\b.*$");
    private static final Pattern EXERCISE_END = Pattern.compile("^\\s*// ---- EXERCISE \\d \\([a-z-]+\\) end ----$");
    private static final Pattern TAG_LINE = Pattern.compile(
            "^\\s*(?://|#|<!--)\\s*(tag|end)::([A-Za-z0-9_.-]+)\\[]\\s*(?:-->)?\\s*$");

    /** A tagged region of a source file, ready to compare. */
    record Region(Path source, String tag, List<String> lines, List<Integer> lineNumbers) {
    }

    /** One quote: the marker in a Markdown file and the block after it. */
    record Quote(Markdown markdown, int markerIndex, Markdown.Fence fence, String sourcePath, String tag) {
    }

    /**
     * A difference or an error, located. {@code insideExercise}: the difference lies in an
     * EXERCISE region, as it does once the learner has solved the exercise.
     */
    record Problem(String message, boolean insideExercise) {
        Problem(String message) {
            this(message, false);
        }
    }

    /** Said once, when a difference lies in an EXERCISE region: why, and what to run instead. */
    static final String AFTER_EXERCISES = "A difference inside an EXERCISE region is expected once you have solved the"
            + " exercises, as the pages quote the shipped stubs and this check is part of the maintainers' full check;"
            + " check your work with ./mvnw test -pl exercises instead.";

    private final Course course;

    Snippets(Course course) {
        this.course = course;
    }

    /** The quotes in {@code md}; malformed markers become problems. */
    List<Quote> quotes(Markdown md, List<Problem> problems) {
        List<Quote> quotes = new ArrayList<>();
        for (int i = 0; i < md.lines.size(); i++) {
            String line = md.lines.get(i);
            if (md.fenced(i) || !ANY_MARKER.matcher(line).matches()) {
                continue;
            }
            String where = course.rel(md.file) + ":" + (i + 1);
            Matcher m = MARKER.matcher(line);
            if (!m.matches()) {
                problems.add(new Problem(where + ": a snippet marker must read <!-- snippet: path/from/repo/root#tag -->"));
                continue;
            }
            Markdown.Fence fence = i + 1 < md.lines.size() ? md.fenceOpeningAt(i + 1) : null;
            if (fence == null) {
                problems.add(new Problem(where + ": the snippet marker must be followed, on the next line, by a fenced code block"));
                continue;
            }
            if (fence.close() < 0) {
                problems.add(new Problem(where + ": the code block after this snippet marker is never closed"));
                continue;
            }
            quotes.add(new Quote(md, i, fence, m.group(1), m.group(2)));
        }
        return quotes;
    }

    /** The region {@code tag} of {@code sourcePath}; throws {@link IllegalArgumentException} if there is none. */
    Region region(String sourcePath, String tag) {
        Path source = course.root().resolve(sourcePath).normalize();
        if (!source.startsWith(course.root()) || !Files.isRegularFile(source)) {
            throw new IllegalArgumentException("no such file: " + sourcePath);
        }
        List<String> all = Course.lines(source);
        int begin = -1;
        int end = -1;
        for (int i = 0; i < all.size(); i++) {
            Matcher m = TAG_LINE.matcher(all.get(i));
            if (m.matches() && m.group(2).equals(tag)) {
                if (m.group(1).equals("tag")) {
                    if (begin >= 0) {
                        throw new IllegalArgumentException(sourcePath + ":" + (i + 1) + ": a second tag::" + tag + "[]");
                    }
                    begin = i;
                } else if (begin >= 0 && end < 0) {
                    end = i;
                }
            }
        }
        if (begin < 0) {
            throw new IllegalArgumentException(sourcePath + " has no line // tag::" + tag + "[]");
        }
        if (end < 0) {
            throw new IllegalArgumentException(sourcePath + ":" + (begin + 1) + ": tag::" + tag + "[] has no end::" + tag + "[] after it");
        }
        List<String> lines = new ArrayList<>();
        List<Integer> numbers = new ArrayList<>();
        for (int i = begin + 1; i < end; i++) {
            if (!TAG_LINE.matcher(all.get(i)).matches()) {
                lines.add(stripTrailing(all.get(i)));
                numbers.add(i + 1);
            }
        }
        int common = Integer.MAX_VALUE;
        for (String line : lines) {
            if (!line.isBlank()) {
                common = Math.min(common, line.length() - line.stripLeading().length());
            }
        }
        List<String> dedented = new ArrayList<>();
        for (String line : lines) {
            dedented.add(line.isBlank() ? "" : line.substring(common == Integer.MAX_VALUE ? 0 : common));
        }
        return new Region(source, tag, List.copyOf(dedented), List.copyOf(numbers));
    }

    /** Compares every quote in the course text with its region. */
    List<Problem> check() {
        List<Problem> problems = new ArrayList<>();
        for (Path file : course.markdownFiles()) {
            Markdown md = Markdown.read(file);
            for (Quote quote : quotes(md, problems)) {
                check(quote, problems);
            }
        }
        return problems;
    }

    void check(Quote quote, List<Problem> problems) {
        String marker = course.rel(quote.markdown().file) + ":" + (quote.markerIndex() + 1);
        Region region;
        try {
            region = region(quote.sourcePath(), quote.tag());
        } catch (IllegalArgumentException e) {
            problems.add(new Problem(marker + ": the snippet's source region is missing: " + e.getMessage()));
            return;
        }
        List<String> block = quote.fence().content();
        int n = Math.max(block.size(), region.lines().size());
        for (int k = 0; k < n; k++) {
            String got = k < block.size() ? stripTrailing(block.get(k)) : null;
            String want = k < region.lines().size() ? region.lines().get(k) : null;
            if (got != null && got.equals(want)) {
                continue;
            }
            String docsPlace = course.rel(quote.markdown().file) + ":"
                    + (k < block.size() ? quote.fence().open() + 2 + k : quote.fence().close() + 1);
            String sourcePlace = course.rel(region.source()) + ":"
                    + (k < region.lines().size() ? region.lineNumbers().get(k) : endLine(region));
            int sourceLine = k < region.lineNumbers().size() ? region.lineNumbers().get(k) : endLine(region);
            boolean insideExercise = insideExerciseRegion(region.source(), sourceLine);
            problems.add(new Problem(String.format(
                    "the code block at %s differs from its source region %s (tag %s):%n"
                            + "    in the docs:   %s%n"
                            + "    in the source: %s%n"
                            + "  %s",
                    docsPlace, sourcePlace, quote.tag(),
                    got == null ? "(the block ends here)" : got,
                    want == null ? "(the region ends here)" : want,
                    insideExercise ? "This line is inside an EXERCISE region. " + AFTER_EXERCISES
                            : "Refresh every quoted block from its source with: " + REFRESH_COMMAND), insideExercise));
            return;
        }
    }

    /**
     * Rewrites every quoted block from its region. Returns what it changed, one line per block;
     * problems (missing regions, malformed markers) are added to {@code problems} and left alone.
     */
    List<String> refresh(List<Problem> problems) {
        List<String> changed = new ArrayList<>();
        for (Path file : course.markdownFiles()) {
            String text = Course.read(file);
            String eol = text.contains("\r\n") ? "\r\n" : "\n";
            Markdown md = Markdown.read(file);
            List<String> lines = new ArrayList<>(md.lines);
            List<Quote> quotes = quotes(md, problems);
            boolean dirty = false;
            for (int q = quotes.size() - 1; q >= 0; q--) {
                Quote quote = quotes.get(q);
                Region region;
                try {
                    region = region(quote.sourcePath(), quote.tag());
                } catch (IllegalArgumentException e) {
                    problems.add(new Problem(course.rel(file) + ":" + (quote.markerIndex() + 1) + ": " + e.getMessage()));
                    continue;
                }
                String indent = " ".repeat(quote.fence().indent());
                List<String> fresh = new ArrayList<>();
                for (String line : region.lines()) {
                    fresh.add(line.isEmpty() ? "" : indent + line);
                }
                List<String> old = lines.subList(quote.fence().open() + 1, quote.fence().close());
                if (!old.equals(fresh)) {
                    old.clear();
                    old.addAll(fresh);
                    dirty = true;
                    changed.add(course.rel(file) + ":" + (quote.markerIndex() + 1) + " <- " + quote.sourcePath() + "#" + quote.tag());
                }
            }
            if (dirty) {
                try {
                    Files.writeString(file, String.join(eol, lines) + eol);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return changed;
    }

    /** Whether the 1-based {@code line} of {@code source} lies between EXERCISE begin and end markers. */
    private static boolean insideExerciseRegion(Path source, int line) {
        List<String> all = Course.lines(source);
        boolean inside = false;
        for (int i = 0; i < all.size() && i < line - 1; i++) {
            if (EXERCISE_BEGIN.matcher(all.get(i)).matches()) {
                inside = true;
            } else if (EXERCISE_END.matcher(all.get(i)).matches()) {
                inside = false;
            }
        }
        return inside;
    }

    private static int endLine(Region region) {
        List<Integer> numbers = region.lineNumbers();
        return numbers.isEmpty() ? 0 : numbers.get(numbers.size() - 1) + 1;
    }

    private static String stripTrailing(String line) {
        return line.stripTrailing();
    }
}
