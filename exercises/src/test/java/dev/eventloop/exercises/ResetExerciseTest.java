package dev.eventloop.exercises;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Resetting one exercise replaces its regions with the stub's, and nothing else. */
@ExtendWith(GuardFailures.class)
@Guards(value = "ResetExercise puts one exercise's regions back to the stub and leaves the rest as they are",
        read = "exercises/README.md")
class ResetExerciseTest {
    private static final String STUB = """
            class S {
                // ---- EXERCISE 1 (epoll) begin: docs/exercises/01-epoll.md ----
                poll();
                // ---- EXERCISE 1 (epoll) end ----
                given();
                // ---- EXERCISE 2 (deferred-memmove) begin: docs/exercises/02-deferred-memmove.md ----
                // nothing to do
                // ---- EXERCISE 2 (deferred-memmove) end ----
                // ---- EXERCISE 2 (deferred-memmove) begin: docs/exercises/02-deferred-memmove.md ----
                compact();
                // ---- EXERCISE 2 (deferred-memmove) end ----
            }
            """;
    private static final String SOLVED = """
            class S {
                // ---- EXERCISE 1 (epoll) begin: docs/exercises/01-epoll.md ----
                epollWait();
                keepInterest();
                // ---- EXERCISE 1 (epoll) end ----
                given();
                // ---- EXERCISE 2 (deferred-memmove) begin: docs/exercises/02-deferred-memmove.md ----
                if (noRoom()) compact();
                // ---- EXERCISE 2 (deferred-memmove) end ----
                // ---- EXERCISE 2 (deferred-memmove) begin: docs/exercises/02-deferred-memmove.md ----
                // ---- EXERCISE 2 (deferred-memmove) end ----
            }
            """;

    @Test
    void resetsEveryRegionOfTheNamedExerciseAndLeavesTheOthers() {
        String reset = ResetExercise.replaceRegions(SOLVED, STUB, "deferred-memmove");

        assertThat(reset).contains("epollWait();", "keepInterest();", "// nothing to do", "compact();")
                .doesNotContain("noRoom()");
        assertThat(ResetExercise.replaceRegions(reset, STUB, "epoll")).isEqualTo(STUB);
    }

    @Test
    void anExerciseCanBeNamedByNumber() {
        assertThat(ResetExercise.replaceRegions(SOLVED, STUB, "1")).contains("poll();", "noRoom()").doesNotContain("epollWait");
    }

    @Test
    void keepsTheWorkingFilesLineEndings() {
        String windows = SOLVED.replace("\n", "\r\n");

        assertThat(ResetExercise.replaceRegions(windows, STUB, "epoll")).contains("    poll();\r\n").doesNotContain("epollWait")
                .doesNotContainPattern("[^\r]\n");
    }

    @Test
    void refusesWhenTheRegionsDoNotPairUp() {
        String oneRegionLess = SOLVED.replace("""
                    // ---- EXERCISE 2 (deferred-memmove) begin: docs/exercises/02-deferred-memmove.md ----
                    // ---- EXERCISE 2 (deferred-memmove) end ----
                """, "");

        assertThatThrownBy(() -> ResetExercise.replaceRegions(oneRegionLess, STUB, "deferred-memmove"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("1 region(s)").hasMessageContaining("the stub 2");
    }
}
