package dev.eventloop.exercises;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Puts one exercise back to its stub: the contents of its {@code EXERCISE n (tag)} regions in
 * {@code exercises/src/main} become what the last commit has there; the other exercises' regions
 * and everything else stay as they are. From the repository root:
 *
 * <pre>
 * java exercises/src/test/java/dev/eventloop/exercises/ResetExercise.java epoll
 * </pre>
 *
 * <p>The exercise is named by its tag or number. A second argument names another commit to take
 * the stubs from (for instance {@code origin/main} once you have committed your own work).
 *
 * <p>It runs as a single source file, with the JDK only and without Maven, so that it works
 * even when the exercise code does not compile. It needs {@code git} on the {@code PATH}: the
 * stubs come from the repository's history ({@code git show}).
 */
public final class ResetExercise {
    private static final Pattern BEGIN = Pattern.compile("^\\s*// ---- EXERCISE (\\d) \\(([a-z-]+)\\) begin\\b.*$");
    private static final Pattern END = Pattern.compile("^\\s*// ---- EXERCISE (\\d) \\(([a-z-]+)\\) end ----$");
    private static final String SOURCES = "exercises/src/main/java";

    private ResetExercise() {
    }

    /** {@code <tag or number> [commit]}. Exit status 2 for a usage mistake, 1 if git or a file fails. */
    public static void main(String[] args) throws IOException, InterruptedException {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: java " + SOURCES.replace("main/java", "test/java")
                    + "/dev/eventloop/exercises/ResetExercise.java <epoll|deferred-memmove|batched-writes|idle-timeout|loops|1|2|3|4|5> [commit]");
            System.exit(2);
        }
        String exercise = args[0];
        String commit = args.length == 2 ? args[1] : "HEAD";
        Path root = root(Path.of("").toAbsolutePath());
        List<Path> files;
        try (Stream<Path> walk = Files.walk(root.resolve(SOURCES))) {
            files = walk.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
        int reset = 0;
        for (Path file : files) {
            String current = Files.readString(file, StandardCharsets.UTF_8);
            if (regions(lines(current), exercise).isEmpty()) {
                continue;
            }
            String path = root.relativize(file).toString().replace('\\', '/');
            String stub = git(root, "show", commit + ":" + path);
            String fresh;
            try {
                fresh = replaceRegions(current, stub, exercise);
            } catch (IllegalStateException e) {
                System.err.println(path + ": " + e.getMessage() + " Reset the whole file instead: git checkout " + commit
                        + " -- " + path);
                System.exit(1);
                return;
            }
            int count = regions(lines(current), exercise).size();
            reset += count;
            if (fresh.equals(current)) {
                System.out.println(path + ": the " + count + " region(s) of exercise " + exercise + " already equal "
                        + commit + "'s");
            } else {
                Files.writeString(file, fresh, StandardCharsets.UTF_8);
                System.out.println(path + ": reset the " + count + " region(s) of exercise " + exercise + " to "
                        + commit + "'s stub");
            }
        }
        if (reset == 0) {
            System.err.println("no EXERCISE region of \"" + exercise + "\" under " + SOURCES
                    + "; name one by tag or number: epoll (1), deferred-memmove (2), batched-writes (3), idle-timeout (4), loops (5)");
            System.exit(2);
        }
    }

    /**
     * {@code current} with the contents of every region of {@code exercise} (tag or number)
     * replaced by the same region's contents in {@code stub}, the marker lines included; its
     * line endings kept. Throws {@link IllegalStateException} when the two files do not have the
     * same number of such regions.
     */
    static String replaceRegions(String current, String stub, String exercise) {
        List<String> lines = lines(current);
        List<String> stubLines = lines(stub);
        List<int[]> mine = regions(lines, exercise);
        List<int[]> theirs = regions(stubLines, exercise);
        if (mine.size() != theirs.size()) {
            throw new IllegalStateException("it has " + mine.size() + " region(s) of exercise " + exercise + ", the stub "
                    + theirs.size() + ".");
        }
        for (int r = mine.size() - 1; r >= 0; r--) { // from the end, so the earlier line numbers stay right
            List<String> replacement = new ArrayList<>(stubLines.subList(theirs.get(r)[0], theirs.get(r)[1] + 1));
            List<String> old = lines.subList(mine.get(r)[0], mine.get(r)[1] + 1);
            old.clear();
            old.addAll(replacement);
        }
        String eol = current.contains("\r\n") ? "\r\n" : "\n";
        return String.join(eol, lines) + (current.endsWith("\n") ? eol : "");
    }

    /** The regions of {@code exercise}, as line indexes of their begin and end markers. */
    static List<int[]> regions(List<String> lines, String exercise) {
        List<int[]> found = new ArrayList<>();
        int begin = -1;
        for (int i = 0; i < lines.size(); i++) {
            Matcher b = BEGIN.matcher(lines.get(i));
            Matcher e = END.matcher(lines.get(i));
            if (b.matches() && names(b, exercise)) {
                begin = i;
            } else if (e.matches() && names(e, exercise) && begin >= 0) {
                found.add(new int[] {begin, i});
                begin = -1;
            }
        }
        return found;
    }

    private static boolean names(Matcher marker, String exercise) {
        return marker.group(1).equals(exercise) || marker.group(2).equals(exercise);
    }

    private static List<String> lines(String text) {
        List<String> lines = new ArrayList<>(List.of(text.split("\r?\n", -1)));
        if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1); // the text's final line break
        }
        return lines;
    }

    /** The repository root: {@code start} or the first directory above it with {@code exercises/pom.xml}. */
    private static Path root(Path start) {
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("exercises").resolve("pom.xml"))) {
                return dir;
            }
        }
        System.err.println("run this from the course repository (no exercises/pom.xml in " + start + " or above)");
        System.exit(2);
        return start;
    }

    private static String git(Path root, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("git"));
        command.addAll(List.of(args));
        Process git;
        try {
            git = new ProcessBuilder(command).directory(root.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        } catch (IOException e) {
            System.err.println("this needs git on the PATH, to take the stubs from the repository's history: " + e.getMessage());
            System.exit(1);
            throw e;
        }
        git.getOutputStream().close();
        String out = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (git.waitFor() != 0) {
            System.err.println(String.join(" ", command) + " failed (see above)");
            System.exit(1);
        }
        return out;
    }
}
