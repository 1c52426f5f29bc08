package dev.eventloop.solutions;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps {@code exercises/src/main} and {@code solutions/src/main} identical outside the marked
 * exercise regions, so that {@code diff -r exercises/src/main solutions/src/main} shows only the
 * answers, and the exercise tests in {@code exercises} test the same given code that the
 * solutions run.
 */
class SourceParityTest {
    private static final Pattern BEGIN = Pattern.compile("^\\s*// ---- EXERCISE (\\d) \\(([a-z-]+)\\) begin\\b.*$");
    private static final Pattern END = Pattern.compile("^\\s*// ---- EXERCISE (\\d) \\(([a-z-]+)\\) end ----$");

    private final Path solutions = Paths.get("src", "main").toAbsolutePath();
    private final Path exercises = solutions.resolve(Paths.get("..", "..", "..", "exercises", "src", "main")).normalize();

    @Test
    void bothModulesHaveTheSameSourceFiles() throws IOException {
        assertThat(files(exercises)).as("files under %s and %s", exercises, solutions).isEqualTo(files(solutions));
    }

    @Test
    void filesDifferOnlyInsideExerciseRegions() throws IOException {
        for (Path file : files(solutions)) {
            List<String> given = outsideRegions(exercises.resolve(file));
            List<String> solved = outsideRegions(solutions.resolve(file));
            assertThat(solved)
                    .as("%s outside the EXERCISE regions must equal %s", solutions.resolve(file), exercises.resolve(file))
                    .containsExactlyElementsOf(given);
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
        assertThat(markers).contains("1 epoll", "2 deferred-memmove", "3 batched-writes");
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

    private static List<Path> files(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            return paths.filter(Files::isRegularFile).map(root::relativize).sorted().toList();
        }
    }
}
