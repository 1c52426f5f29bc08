package dev.eventloop.exercises;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Prints the progress summary that {@link ProgressSummary} wrote during the tests, and fails the
 * build if the run was red.
 *
 * <p>Why a separate step: Surefire prints its report of failures after the tests, and Maven its
 * help text after a failing step, so a summary printed by the tests themselves ends up in the
 * middle of a long red log. In {@code exercises} and {@code solutions}, Surefire records
 * failures without stopping the build ({@code testFailureIgnore}), and this class runs right
 * after it in the {@code test} phase ({@code exec:java@progress-summary}): the summary is then the
 * last thing before Maven's closing lines, and the build still fails when a test does.
 */
public final class ProgressReport {
    private ProgressReport() {
    }

    /** {@code args[0]}: the summary file. No file: no tests ran in this build, nothing to say. */
    public static void main(String[] args) throws IOException {
        report(Path.of(args[0]), System.out);
    }

    /** Prints the summary in {@code file} to {@code out} and deletes the file; throws {@link TestsFailed} on red. */
    static void report(Path file, PrintStream out) throws IOException {
        if (!Files.isRegularFile(file)) {
            return;
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        Files.delete(file); // a later build that runs no tests must not report this one
        if (lines.isEmpty()) {
            return;
        }
        for (String line : lines.subList(1, lines.size())) {
            out.println(line);
        }
        out.flush();
        String verdict = lines.get(0);
        if (verdict.startsWith("red")) {
            throw new TestsFailed(verdict.substring("red".length()).strip());
        }
    }

    /**
     * The build's failure. It has no stack trace, which would only push the summary up: Maven
     * prints this message, its own few closing lines, and nothing else.
     */
    static final class TestsFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TestsFailed(String message) {
            super(message, null, false, false);
        }
    }
}
