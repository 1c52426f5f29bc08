package dev.eventloop.exercises;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A catalogue entry replaces exactly the region or line it names, and says what is wrong with a bad entry. */
@ExtendWith(GuardFailures.class)
@Guards(value = "a catalogue entry replaces exactly the regions or line it names, and a bad entry says what is"
        + " wrong with it",
        read = "solutions/wrong-answers/README.md")
class WrongAnswerTest {
    private static final String SOLVED = """
            class S {
                // ---- EXERCISE 1 (epoll) begin: docs/exercises/01-epoll.md ----
                epollWait();
                // ---- EXERCISE 1 (epoll) end ----
                given();
                // ---- EXERCISE 2 (deferred-memmove) begin: docs/exercises/02-deferred-memmove.md ----
                if (noRoom()) compact();
                // ---- EXERCISE 2 (deferred-memmove) end ----
                // ---- EXERCISE 2 (deferred-memmove) begin: docs/exercises/02-deferred-memmove.md ----
                start += size;
                // ---- EXERCISE 2 (deferred-memmove) end ----
                given();
                once();
            }
            """;

    @Test
    void replacesTheContentsOfTheKthRegionOfItsExerciseAndNothingElse() {
        WrongAnswer entry = WrongAnswer.parse("deferred-memmove-01-compact-always.txt", """
                # misconception: compacting after every request is free
                # region: 2 2
                    start += size;
                    compact();
                """);

        assertThat(entry.name()).isEqualTo("deferred-memmove-01-compact-always");
        assertThat(entry.tag()).contains("deferred-memmove");
        assertThat(entry.apply(SOLVED)).isEqualTo(SOLVED.replace("""
                    start += size;
                """, """
                    start += size;
                    compact();
                """));
    }

    @Test
    void anEntryCanReplaceSeveralRegionsOfItsExercise() {
        WrongAnswer entry = WrongAnswer.parse("deferred-memmove-02-both.txt", """
                # misconception: two places, one mistake
                # region: 2 2
                    start += size + 1;
                # region: deferred-memmove 1
                    compact();
                """);

        assertThat(entry.parts()).extracting(WrongAnswer.Part::region).containsExactly(1, 2);
        assertThat(entry.apply(SOLVED)).isEqualTo(SOLVED.replace("if (noRoom()) compact();", "compact();")
                .replace("start += size;", "start += size + 1;"));
        assertThatThrownBy(() -> WrongAnswer.parse("deferred-memmove-03-x.txt",
                "# misconception: m\n# region: 2 1\nx();\n# region: 1 1\ny();\n"))
                .hasMessageContaining("is another exercise's");
        assertThatThrownBy(() -> WrongAnswer.parse("deferred-memmove-04-x.txt",
                "# misconception: m\n# region: 2 1\nx();\n# region: 2 1\ny();\n"))
                .hasMessageContaining("region 1 is replaced twice");
    }

    @Test
    void anExerciseIsNamedByNumberOrTagAndAnEmptyBodyEmptiesTheRegion() {
        WrongAnswer entry = WrongAnswer.parse("epoll-01-forgot-it.txt", """
                # misconception: the loop waits by itself
                # region: epoll 1

                """);

        assertThat(entry.apply(SOLVED)).doesNotContain("epollWait").contains("""
                    // ---- EXERCISE 1 (epoll) begin: docs/exercises/01-epoll.md ----
                    // ---- EXERCISE 1 (epoll) end ----
                """);
    }

    @Test
    void aBaselineEntryReplacesTheOneLineOutsideTheRegionsThatReadsTheSame() {
        WrongAnswer entry = WrongAnswer.parse("baseline-01-twice.txt", """
                # misconception: once is not enough
                # replace-line: once();
                # note: a note is only for the reader
                    twice();
                """);

        assertThat(entry.tag()).isEmpty();
        assertThat(entry.apply(SOLVED.replace("\n", "\r\n"))).isEqualTo(SOLVED.replace("once();", "twice();").replace("\n", "\r\n"));
    }

    @Test
    void aRegionOrLineThatIsNotThereIsAnError() {
        assertThatThrownBy(() -> WrongAnswer.parse("epoll-02-x.txt", "# misconception: m\n# region: 1 2\nx();\n").apply(SOLVED))
                .hasMessageContaining("has 1 region(s) of exercise 1 (epoll), so there is no region 2");
        assertThatThrownBy(() -> WrongAnswer.parse("baseline-02-x.txt", "# misconception: m\n# replace-line: given();\n").apply(SOLVED))
                .hasMessageContaining("2 lines outside the exercise regions").hasMessageContaining("(lines [5, 12])");
        assertThatThrownBy(() -> WrongAnswer.parse("baseline-03-x.txt", "# misconception: m\n# replace-line: epollWait();\n")
                .apply(SOLVED)).as("a line inside a region is not baseline code").hasMessageContaining("no line outside");
    }

    @Test
    void aBadHeaderIsAnError() {
        assertThatThrownBy(() -> WrongAnswer.parse("epoll-03-x.txt", "# region: 1 1\nx();\n")).hasMessageContaining("misconception");
        assertThatThrownBy(() -> WrongAnswer.parse("epoll-03-x.txt", "# misconception: m\n# regoin: 1 1\n"))
                .hasMessageContaining("line 2 is not a header line");
        assertThatThrownBy(() -> WrongAnswer.parse("epoll-03-x.txt", "# misconception: m\n# region: 6 1\n"))
                .hasMessageContaining("not \"<exercise number or tag> <k>\"");
        assertThatThrownBy(() -> WrongAnswer.parse("epoll-03-x.txt", "# misconception: m\n"))
                .hasMessageContaining("exactly one of");
        assertThatThrownBy(() -> WrongAnswer.parse("epoll-03-x.txt", "# misconception: m\n# region: 2 1\n"))
                .hasMessageContaining("must start with \"deferred-memmove-\"");
    }
}
