package dev.eventloop.exercises;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One entry of the wrong-answer catalogue ({@code solutions/wrong-answers/<name>.txt}): a
 * realistic wrong replacement for one exercise region, or for one line of the baseline code, of
 * the reference solutions. {@link WrongAnswers} proves each entry wrong by running the exercise
 * tests against it; {@code solutions/wrong-answers/README.md} describes the file format.
 *
 * @param name          the file name without {@code .txt}: {@code <tag>-NN-short-name}, or {@code baseline-NN-short-name}
 * @param misconception what a learner who wrote it believes, in one line
 * @param file          the source it patches, relative to {@code solutions/src/main/java}
 * @param exercise      the exercise whose region it replaces; empty for a change of the baseline code
 * @param region        which region of that exercise in {@code file}, counted from 1; 0 for a baseline change
 * @param line          the baseline line it replaces; null for a region
 * @param body          the replacement: the lines between the region's markers, or in place of {@code line}
 * @param troubleshooting the start of the bold lead of the bullet, on its exercise's page, that lists the failure it
 *                      meets ({@link Troubleshooting}); empty if none is named
 */
record WrongAnswer(String name, String misconception, String file, Optional<Exercise> exercise, int region, String line,
        List<String> body, String troubleshooting) {
    /** The sources all exercises live in; an entry names another with {@code # file:}. */
    static final String DEFAULT_FILE = "dev/eventloop/exercises/Server.java";
    /** The name prefix of an entry that changes a line outside every region. */
    static final String BASELINE = "baseline";
    private static final Pattern HEADER = Pattern.compile("^#\\s*([a-z-]+):\\s?(.*)$");
    private static final List<String> KEYS = List.of("misconception", "region", "replace-line", "file", "troubleshooting", "note");

    /** Reads an entry; throws {@link IllegalArgumentException} saying what is wrong with the file. */
    static WrongAnswer parse(String fileName, String text) {
        String name = fileName.endsWith(".txt") ? fileName.substring(0, fileName.length() - ".txt".length()) : fileName;
        List<String> lines = lines(text);
        Map<String, String> header = new LinkedHashMap<>();
        int i = 0;
        for (; i < lines.size() && lines.get(i).startsWith("#"); i++) {
            Matcher m = HEADER.matcher(lines.get(i));
            if (!m.matches() || !KEYS.contains(m.group(1))) {
                throw new IllegalArgumentException("line " + (i + 1) + " is not a header line \"# <key>: <value>\" with a key"
                        + " of " + KEYS + ": " + lines.get(i));
            }
            String before = header.putIfAbsent(m.group(1), m.group(2).strip());
            if (before != null && !m.group(1).equals("note")) {
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
        List<String> body = trimBlankLines(lines.subList(i, lines.size()));
        String file = header.getOrDefault("file", DEFAULT_FILE);
        String troubleshooting = header.getOrDefault("troubleshooting", "");
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
            return new WrongAnswer(name, misconception, file, Optional.empty(), 0, line, body, "");
        }
        String[] where = header.get("region").split("\\s+");
        Optional<Exercise> exercise = where.length == 2 ? exercise(where[0]) : Optional.empty();
        int region = where.length == 2 && where[1].matches("[1-9][0-9]{0,3}") ? Integer.parseInt(where[1]) : 0;
        if (exercise.isEmpty() || region == 0) {
            throw new IllegalArgumentException("\"# region: " + header.get("region") + "\" is not \"<exercise number or tag>"
                    + " <k>\", k counted from 1 (the exercises: " + Arrays.stream(Exercise.values())
                    .map(e -> e.number() + " " + e.tag()).toList() + ")");
        }
        requirePrefix(name, exercise.get().tag());
        return new WrongAnswer(name, misconception, file, exercise, region, null, body, troubleshooting);
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
        List<String> patched = new ArrayList<>();
        if (exercise.isPresent()) {
            Exercise e = exercise.get();
            List<int[]> regions = ResetExercise.regions(lines, e.tag());
            if (region > regions.size()) {
                throw new IllegalArgumentException(file + " has " + regions.size() + " region(s) of exercise " + e.number()
                        + " (" + e.tag() + "), so there is no region " + region + " to replace");
            }
            int[] markers = regions.get(region - 1);
            patched.addAll(lines.subList(0, markers[0] + 1));
            patched.addAll(body);
            patched.addAll(lines.subList(markers[1], lines.size()));
        } else {
            List<Integer> found = baselineLines(lines, line);
            if (found.size() != 1) {
                throw new IllegalArgumentException(found.isEmpty()
                        ? "no line outside the exercise regions of " + file + " reads: " + line
                        : found.size() + " lines outside the exercise regions of " + file + " read \"" + line
                                + "\" (lines " + found.stream().map(n -> n + 1).toList() + "): replace a line that is unique");
            }
            int at = found.get(0);
            patched.addAll(lines.subList(0, at));
            patched.addAll(body);
            patched.addAll(lines.subList(at + 1, lines.size()));
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
