package dev.eventloop.exercises;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The step after Surefire: prints the summary the tests wrote, and fails the build on red. */
@ExtendWith(GuardFailures.class)
@Guards(value = "the progress summary ends the run, and a red run fails the build with its reason",
        read = "exercises/README.md")
class ProgressReportTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);

    @Test
    void aRedRunPrintsItsSummaryAndFailsWithTheReasonAlone() throws IOException {
        Path file = Files.writeString(dir.resolve("summary.txt"), "red Not done yet: 6 exercise tests fail.\nExercise progress:\n");

        assertThatThrownBy(() -> ProgressReport.report(file, out)).isInstanceOf(ProgressReport.TestsFailed.class)
                .hasMessage("Not done yet: 6 exercise tests fail.")
                .satisfies(failed -> assertThat(failed.getStackTrace()).as("no stack trace to push the summary up").isEmpty());
        assertThat(printed.toString(StandardCharsets.UTF_8).lines()).containsExactly("Exercise progress:");
        assertThat(file).as("deleted, so that a later build without tests does not report it").doesNotExist();
    }

    @Test
    void aGreenRunPrintsItsSummaryAndPasses() throws IOException {
        Path file = Files.writeString(dir.resolve("summary.txt"), "green\nExercise progress:\n");

        ProgressReport.report(file, out);

        assertThat(printed.toString(StandardCharsets.UTF_8).lines()).containsExactly("Exercise progress:");
    }

    @Test
    void aRunThatNeverReachedItsEndIsRed() throws IOException {
        // what the summary file holds from the start of a test run until its end
        Path file = Files.writeString(dir.resolve("summary.txt"), "red The tests ended before the progress summary"
                + " was written: see Surefire's report above.\n");

        assertThatThrownBy(() -> ProgressReport.report(file, out)).hasMessageStartingWith("The tests ended before");
    }

    @Test
    void withoutASummaryFileNoTestsRanAndThereIsNothingToSay() throws IOException {
        ProgressReport.report(dir.resolve("none.txt"), out);

        assertThat(printed.size()).isZero();
    }
}
