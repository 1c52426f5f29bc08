package dev.eventloop.exercises;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One entry of the wrong-answer catalogue ({@code solutions/wrong-answers/<name>.txt}): a
 * realistic wrong replacement for one or more exercise regions, or for one line of the baseline
 * code, of the reference solutions. {@link WrongAnswers} proves each entry wrong by running the
 * exercise tests against it; {@code solutions/wrong-answers/README.md} describes the file format.
 *
 * @param name          the file name without {@code .txt}: {@code <tag>-NN-short-name}, or {@code baseline-NN-short-name}
 * @param misconception what a learner who wrote it believes, in one line
 * @param file          the source it patches, relative to {@code solutions/src/main/java}
 * @param exercise      the exercise whose regions it replaces; empty for a change of the baseline code
 * @param line          the baseline line it replaces; null for regions
 * @param parts         what replaces what: for regions, one part per region, in the file's order; for a baseline
 *                      line, one part (region 0)
 * @param troubleshooting the starts of the bold leads of the bullets, on its exercise's page, that list the failure
 *                      it meets ({@link Troubleshooting}): one, or more where which test fails first depends on timing
 */
record WrongAnswer(String name, String misconception, String file, Optional<Exercise> exercise, String line,
        List<Part> parts, List<String> troubleshooting) {
    /** The sources all exercises live in; an entry names another with {@code # file:}. */
    static final String DEFAULT_FILE = "dev/eventloop/exercises/Server.java";
    /** The name prefix of an entry that changes a line outside every region. */
    static final String BASELINE = "baseline";
    private static final Pattern HEADER = Pattern.compile("^#\\s*([a-z-]+):\\s?(.*)$");
    /** A line of the text that starts the replacement of one more region of the same exercise. */
    private static final Pattern MORE = Pattern.compile("^# region: (.*)$");
    private static final List<String> KEYS = List.of("misconception", "region", "replace-line", "file", "troubleshooting", "note");

    /**
     * One replacement: the contents of the k-th region of the entry's exercise (counted from 1 in
     * file order), or of the baseline line (region 0).
     */
    record Part(int region, List<String> body) {
    }

    /** Reads an entry; throws {@link IllegalArgumentException} saying what is wrong with the file. */
    static WrongAnswer parse(String fileName, String text) {
        String name = fileName.endsWith(".txt") ? fileName.substring(0, fileName.length() - ".txt".length()) : fileName;
        List<String> lines = lines(text);
        Map<String, String> header = new LinkedHashMap<>();
        List<String> troubleshooting = new ArrayList<>();
        int i = 0;
        for (; i < lines.size() && lines.get(i).startsWith("#"); i++) {
            Matcher m = HEADER.matcher(lines.get(i));
            if (!m.matches() || !KEYS.contains(m.group(1))) {
                throw new IllegalArgumentException("line " + (i + 1) + " is not a header line \"# <key>: <value>\" with a key"
                        + " of " + KEYS + ": " + lines.get(i));
            }
            if (m.group(1).equals("troubleshooting")) {
                troubleshooting.add(m.group(2).strip());
            }
            String before = header.putIfAbsent(m.group(1), m.group(2).strip());
            if (before != null && !m.group(1).equals("note") && !m.group(1).equals("troubleshooting")) {
                throw new IllegalArgumentException("line " + (i + 1) + ": a second \"# " + m.group(1) + ":\"");
            }
        }
        String misconception = header.getOrDefault("misconception", "");
        if (misconception.isEmpty()) {
            throw new IllegalArgumentException("no \"# misconception: <one line>\" in its header");
        }
        if (header.containsKey("region") == header.containsKey("replace-line")) {
            throw new IllegalArgumentException("its header needs exactly one of \"# region: <exercise> <k>\" and"
                    + " \"# replace-line: <baseline line>\"");
        }
        List<String> rest = lines.subList(i, lines.size());
        String file = header.getOrDefault("file", DEFAULT_FILE);
        if (header.containsKey("replace-line")) {
            String line = header.get("replace-line");
            if (line.isEmpty()) {
                throw new IllegalArgumentException("\"# replace-line:\" names no line");
            }
            requirePrefix(name, BASELINE);
            if (!troubleshooting.isEmpty()) {
                throw new IllegalArgumentException("\"# troubleshooting:\" names a bullet of an exercise page, and a"
                        + " baseline change belongs to no exercise");
            }
            if (rest.stream().anyMatch(l -> MORE.matcher(l).matches())) {
                throw new IllegalArgumentException("a baseline entry replaces one line: it has no \"# region:\"");
            }
            return new WrongAnswer(name, misconception, file, Optional.empty(), line,
                    List.of(new Part(0, trimBlankLines(rest))), List.of());
        }
        // the header's region, then one more for each "# region:" line in the text
        List<String> where = new ArrayList<>(List.of(header.get("region")));
        List<List<String>> bodies = new ArrayList<>(List.of(new ArrayList<>()));
        for (String l : rest) {
            Matcher more = MORE.matcher(l);
            if (more.matches()) {
                where.add(more.group(1).strip());
                bodies.add(new ArrayList<>());
            } else {
                bodies.get(bodies.size() - 1).add(l);
            }
        }
        Optional<Exercise> exercise = Optional.empty();
        List<Part> parts = new ArrayList<>();
        for (int k = 0; k < where.size(); k++) {
            String[] at = where.get(k).split("\\s+");
            Optional<Exercise> e = at.length == 2 ? exercise(at[0]) : Optional.empty();
            int region = at.length == 2 && at[1].matches("[1-9][0-9]{0,3}") ? Integer.parseInt(at[1]) : 0;
            if (e.isEmpty() || region == 0) {
                throw new IllegalArgumentException("\"# region: " + where.get(k) + "\" is not \"<exercise number or tag>"
                        + " <k>\", k counted from 1 (the exercises: " + Arrays.stream(Exercise.values())
                        .map(x -> x.number() + " " + x.tag()).toList() + ")");
            }
            if (exercise.isPresent() && exercise.get() != e.get()) {
                throw new IllegalArgumentException("\"# region: " + where.get(k) + "\" is another exercise's: an entry"
                        + " replaces regions of one exercise");
            }
            exercise = e;
            int r = region;
            if (parts.stream().anyMatch(p -> p.region() == r)) {
                throw new IllegalArgumentException("region " + region + " is replaced twice");
            }
            parts.add(new Part(region, trimBlankLines(bodies.get(k))));
        }
        parts.sort(Comparator.comparingInt(Part::region));
        requirePrefix(name, exercise.get().tag());
        return new WrongAnswer(name, misconception, file, exercise, null, List.copyOf(parts), List.copyOf(troubleshooting));
    }

    /** The tag whose tests to run first, the ones most likely to fail: the exercise's, or none. */
    Optional<String> tag() {
        return exercise.map(Exercise::tag);
    }

    /**
     * {@code source} (the reference {@link #file}) with this entry's change, its line endings kept.
     * Throws {@link IllegalArgumentException} when the region or line is not there (once).
     */
    String apply(String source) {
        List<String> lines = lines(source);
        List<String> patched = new ArrayList<>(lines);
        if (exercise.isPresent()) {
            Exercise e = exercise.get();
            List<int[]> regions = ResetExercise.regions(lines, e.tag());
            // the last region first, so that the line numbers of the ones before it still hold
            for (int k = parts.size() - 1; k >= 0; k--) {
                Part part = parts.get(k);
                if (part.region() > regions.size()) {
                    throw new IllegalArgumentException(file + " has " + regions.size() + " region(s) of exercise "
                            + e.number() + " (" + e.tag() + "), so there is no region " + part.region() + " to replace");
                }
                int[] markers = regions.get(part.region() - 1);
                List<String> contents = patched.subList(markers[0] + 1, markers[1]);
                contents.clear();
                contents.addAll(part.body());
            }
        } else {
            List<Integer> found = baselineLines(lines, line);
            if (found.size() != 1) {
                throw new IllegalArgumentException(found.isEmpty()
                        ? "no line outside the exercise regions of " + file + " reads: " + line
                        : found.size() + " lines outside the exercise regions of " + file + " read \"" + line
                                + "\" (lines " + found.stream().map(n -> n + 1).toList() + "): replace a line that is unique");
            }
            List<String> at = patched.subList(found.get(0), found.get(0) + 1);
            at.clear();
            at.addAll(parts.get(0).body());
        }
        String eol = source.contains("\r\n") ? "\r\n" : "\n";
        return String.join(eol, patched) + (source.endsWith("\n") ? eol : "");
    }

    /** The indexes of the lines outside every exercise region (markers included) that read {@code wanted}, spaces aside. */
    private static List<Integer> baselineLines(List<String> lines, String wanted) {
        boolean[] inRegion = new boolean[lines.size()];
        for (Exercise e : Exercise.values()) {
            for (int[] markers : ResetExercise.regions(lines, e.tag())) {
                Arrays.fill(inRegion, markers[0], markers[1] + 1, true);
            }
        }
        List<Integer> found = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (!inRegion[i] && lines.get(i).strip().equals(wanted.strip())) {
                found.add(i);
            }
        }
        return found;
    }

    private static Optional<Exercise> exercise(String numberOrTag) {
        return Arrays.stream(Exercise.values())
                .filter(e -> String.valueOf(e.number()).equals(numberOrTag) || e.tag().equals(numberOrTag)).findFirst();
    }

    /** The name says what an entry changes, so a listing of the catalogue reads by exercise. */
    private static void requirePrefix(String name, String prefix) {
        if (!name.startsWith(prefix + "-")) {
            throw new IllegalArgumentException("its name must start with \"" + prefix + "-\" (what it changes): " + name);
        }
    }

    private static List<String> trimBlankLines(List<String> lines) {
        int from = 0;
        int to = lines.size();
        while (from < to && lines.get(from).isBlank()) {
            from++;
        }
        while (to > from && lines.get(to - 1).isBlank()) {
            to--;
        }
        return List.copyOf(lines.subList(from, to));
    }

    /** The text's lines, whatever its line endings, without the final line break's empty line. */
    static List<String> lines(String text) {
        List<String> lines = new ArrayList<>(List.of(text.split("\r?\n", -1)));
        if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1);
        }
        return lines;
    }
}
