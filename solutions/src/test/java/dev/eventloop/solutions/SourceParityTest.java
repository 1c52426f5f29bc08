package dev.eventloop.solutions;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps {@code exercises/src/main} and {@code solutions/src/main} identical outside the marked
 * exercise regions, so that {@code diff -r exercises/src/main solutions/src/main} shows only the
 * answers, and the exercise tests in {@code exercises} test the same given code that the
 * solutions run. And keeps the stubs chapter 6's code: the learner starts from the server the
 * course has just read, and designs each change.
 *
 * <p>One part outside the regions may differ: the description of the class {@code Server} (its
 * Javadoc). The stub's is chapter 6's; the solutions' describes the finished server.
 */
class SourceParityTest {
    private static final Pattern BEGIN = Pattern.compile("^\\s*// ---- EXERCISE (\\d) \\(([a-z-]+)\\) begin\\b.*$");
    private static final Pattern END = Pattern.compile("^\\s*// ---- EXERCISE (\\d) \\(([a-z-]+)\\) end ----$");

    /**
     * A line the stub adds for an exercise that needs more than chapter 6 has (exercise 1's
     * {@code Epoll}, exercise 4's clock and option), or the begin and end of a block of them.
     */
    private static final Pattern GIVEN = Pattern.compile("^.*// given for exercise \\d \\([a-z-]+\\)$");
    private static final Pattern GIVEN_BLOCK = Pattern.compile("^\\s*// ---- given for exercise \\d \\([a-z-]+\\) (begin|end) ----$");
    /** Asciidoc-style snippet tags, which the docs quote: each module tags what its pages show. */
    private static final Pattern SNIPPET_TAG = Pattern.compile("^\\s*// (tag|end)::[a-z0-9-]+\\[]$");
    /** The exercises' own files: exercise 1's epoll wrapper, exercise 5's loops, and the package's description of the exercises. */
    private static final Set<String> EXERCISES_ONLY = Set.of("Epoll.java", "Loops.java", "package-info.java");
    /** Chapter 6's own files: its demo has no place among the exercises. */
    private static final Set<String> CHAPTER06_ONLY = Set.of("Demo.java");

    private final Path solutions = Paths.get("src", "main").toAbsolutePath();
    private final Path exercises = solutions.resolve(Paths.get("..", "..", "..", "exercises", "src", "main")).normalize();
    private final Path chapter06 = solutions.resolve(Paths.get("..", "..", "..", "chapter06-eventloop", "src", "main",
            "java", "dev", "eventloop", "chapter06")).normalize();
    private final Path stubs = exercises.resolve(Paths.get("java", "dev", "eventloop", "exercises"));

    @Test
    void bothModulesHaveTheSameSourceFiles() throws IOException {
        assertThat(files(exercises)).as("files under %s and %s", exercises, solutions).isEqualTo(files(solutions));
    }

    @Test
    void filesDifferOnlyInsideExerciseRegions() throws IOException {
        for (Path file : files(solutions)) {
            List<String> given = withoutClassDescription(outsideRegions(exercises.resolve(file)), file);
            List<String> solved = withoutClassDescription(outsideRegions(solutions.resolve(file)), file);
            assertThat(solved)
                    .as("%s outside the EXERCISE regions must equal %s", solutions.resolve(file), exercises.resolve(file))
                    .containsExactlyElementsOf(given);
        }
    }

    @Test
    void theStubsAreChapterSixOutsideTheRegions() throws IOException {
        List<String> stubFiles = names(stubs).stream().filter(f -> !EXERCISES_ONLY.contains(f)).toList();
        List<String> chapterFiles = names(chapter06).stream().filter(f -> !CHAPTER06_ONLY.contains(f)).toList();
        assertThat(stubFiles).as("the files of %s and %s", stubs, chapter06).isEqualTo(chapterFiles);
        for (String file : stubFiles) {
            List<String> stub = withoutMarkers(stubs.resolve(file));
            List<String> chapter = Files.readAllLines(chapter06.resolve(file)).stream()
                    .map(line -> line.replace("dev.eventloop.chapter06", "dev.eventloop.exercises"))
                    .filter(line -> !SNIPPET_TAG.matcher(line).matches())
                    .toList();
            assertThat(stub)
                    .as("%s without its EXERCISE markers and given lines must be chapter 6's %s: the stub is chapter 6,"
                            + " and only a region may hold a change", stubs.resolve(file), chapter06.resolve(file))
                    .containsExactlyElementsOf(chapter);
        }
    }

    @Test
    void everyExerciseHasRegionsToFill() throws IOException {
        List<String> markers = new ArrayList<>();
        for (String line : Files.readAllLines(exercises.resolve(Paths.get("java", "dev", "eventloop", "exercises", "Server.java")))) {
            Matcher begin = BEGIN.matcher(line);
            if (begin.matches()) {
                markers.add(begin.group(1) + " " + begin.group(2));
            }
        }
        assertThat(markers).contains("1 epoll", "2 deferred-memmove", "3 batched-writes", "4 idle-timeout", "5 loops");
    }

    /** {@code lines} without the Javadoc of {@code class Server} if {@code file} is Server.java: the description may differ. */
    private static List<String> withoutClassDescription(List<String> lines, Path file) {
        if (!file.getFileName().toString().equals("Server.java")) {
            return lines;
        }
        int declaration = lines.indexOf("public final class Server implements Closeable {");
        assertThat(declaration).as("the class declaration in %s", file).isPositive();
        int start = declaration - 1;
        assertThat(lines.get(start)).as("the line before the class declaration in %s: the end of its Javadoc", file)
                .isEqualTo(" */");
        while (!lines.get(start).equals("/**")) {
            start--;
        }
        List<String> kept = new ArrayList<>(lines.subList(0, start));
        kept.addAll(lines.subList(declaration, lines.size()));
        return kept;
    }

    /** The file's lines, with each region's contents replaced by its begin and end markers only. */
    private static List<String> outsideRegions(Path file) throws IOException {
        List<String> kept = new ArrayList<>();
        String open = null;
        for (String line : Files.readAllLines(file)) {
            Matcher begin = BEGIN.matcher(line);
            Matcher end = END.matcher(line);
            if (open == null && begin.matches()) {
                open = begin.group(1) + begin.group(2);
                kept.add(line);
            } else if (open != null && end.matches()) {
                assertThat(end.group(1) + end.group(2)).as("region closed in %s", file).isEqualTo(open);
                open = null;
                kept.add(line);
            } else if (open == null) {
                kept.add(line);
            }
        }
        assertThat(open).as("unclosed EXERCISE region in %s", file).isNull();
        return kept;
    }

    /**
     * The stub's lines as chapter 6 would have them: the region markers (not their contents), the
     * snippet tags and the given lines dropped.
     */
    private static List<String> withoutMarkers(Path file) throws IOException {
        List<String> kept = new ArrayList<>();
        boolean given = false;
        for (String line : Files.readAllLines(file)) {
            Matcher block = GIVEN_BLOCK.matcher(line);
            if (block.matches()) {
                given = block.group(1).equals("begin");
            } else if (!given && !GIVEN.matcher(line).matches() && !BEGIN.matcher(line).matches() && !END.matcher(line).matches()
                    && !SNIPPET_TAG.matcher(line).matches()) {
                kept.add(line);
            }
        }
        assertThat(given).as("unclosed given block in %s", file).isFalse();
        return kept;
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> paths = Files.list(dir)) {
            return paths.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static List<Path> files(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            return paths.filter(Files::isRegularFile).map(root::relativize).sorted().toList();
        }
    }
}
