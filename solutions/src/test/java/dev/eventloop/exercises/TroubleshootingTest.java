package dev.eventloop.exercises;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The exercise pages' troubleshooting lists read as {@link Troubleshooting} reads them, and each
 * catalogue entry names a bullet of its page. (That the entry's failure is the one its bullet
 * names is proven by the full check, which runs the entry: {@link WrongAnswers}.)
 */
@ExtendWith(GuardFailures.class)
@Guards(value = "the exercise pages' troubleshooting lists read as the catalogue check reads them, and every entry"
        + " names a bullet of its page",
        read = "solutions/wrong-answers/README.md")
class TroubleshootingTest {
    private static final String PAGE = """
            # Exercise

            <details>
            <summary>If a test still fails: what each failure points at</summary>

            Each item starts with the words of the failure.

            - **"your server answered them with N write calls"**: a flush still happens per
              request.
            - **"the bytes written back ... then they end"**, or **"every response ... then they
              end"**: the rest never went out.
            - **An `IllegalStateException: not expected: STATE_END`**: not destroyed.
            - **`aClientThatDoesNotReadStopsOnlyItself` fails** (`Read timed out`): it spins.

            </details>
            """;

    @Test
    void aBulletsLeadEndsAtTheFirstColonOutsideQuotesAndCodeSpans() {
        List<Troubleshooting.Bullet> bullets = Troubleshooting.bullets(PAGE);

        assertThat(bullets).extracting(Troubleshooting.Bullet::fragments).containsExactly(
                List.of("your server answered them with N write calls"),
                List.of("the bytes written back ... then they end", "every response ... then they end"),
                List.of("IllegalStateException: not expected: STATE_END"),
                List.of("aClientThatDoesNotReadStopsOnlyItself", "Read timed out"));
        assertThat(bullets).extracting(Troubleshooting.Bullet::line).containsExactly(8, 10, 12, 13);
    }

    @Test
    void aFragmentMatchesWithAnyTextForItsDotsAndAnyNumberForNOrM() {
        List<Troubleshooting.Bullet> bullets = Troubleshooting.bullets(PAGE);
        Troubleshooting.Bullet writes = bullets.get(0);
        Troubleshooting.Bullet end = bullets.get(1);

        assertThat(writes.matches("T.t\n... your server answered them with 1,000 write calls (limit 2)")).isTrue();
        assertThat(writes.matches("T.t\n... your server answered them with all write calls")).isFalse();
        assertThat(end.matches("T.t\n[the bytes written back: every response, in order] 4,000 bytes where 12,000 were"
                + " expected: the first 4,000 are the expected ones, then\n  they end; ...")).isTrue();
        assertThat(end.matches("T.t\n[the bytes written back] 14 bytes where 1,400 were expected; they first differ"))
                .isFalse();
        assertThat(bullets.get(3).matches("ServerTest.aClientThatDoesNotReadStopsOnlyItself\nYour change broke this"))
                .isTrue();
    }

    @Test
    void anEntryNamesItsBulletByTheLeadsFirstWordsWithoutMarks() {
        List<Troubleshooting.Bullet> bullets = Troubleshooting.bullets(PAGE);

        assertThat(Troubleshooting.named(bullets, "An IllegalStateException: not expected")).isSameAs(bullets.get(2));
        assertThat(Troubleshooting.named(bullets, "the bytes written back ... then they end")).isSameAs(bullets.get(1));
        assertThatThrownBy(() -> Troubleshooting.named(bullets, "A BufferOverflowException"))
                .hasMessageContaining("no bullet's bold lead starts with: A BufferOverflowException");
    }

    @Test
    void aBulletWhoseLeadQuotesNothingIsAnError() {
        assertThatThrownBy(() -> Troubleshooting.bullets(PAGE.replace("**\"your server answered them with N write calls\"**",
                "**More writes than allowed**")))
                .hasMessageContaining("line 8: the lead quotes nothing the learner reads");
    }

    @Test
    void everyExercisePagesListReadsAndEveryEntryNamesABulletOfItsPage() throws IOException {
        List<String> named = new ArrayList<>();
        List<Path> entries;
        try (Stream<Path> files = Files.list(Path.of("wrong-answers"))) {
            entries = files.filter(p -> p.toString().endsWith(".txt")).sorted().toList();
        }
        for (Exercise exercise : Exercise.values()) {
            assertThat(Troubleshooting.bullets(page(exercise))).as(exercise.docs()).hasSizeGreaterThan(5);
        }
        for (Path file : entries) {
            WrongAnswer entry = WrongAnswer.parse(file.getFileName().toString(), Files.readString(file, StandardCharsets.UTF_8));
            if (entry.exercise().isEmpty()) {
                continue; // a baseline change: a guard test's own message says where to read
            }
            Exercise exercise = entry.exercise().get();
            assertThat(entry.troubleshooting()).as("%s: its \"# troubleshooting:\" line, the bullet of %s for its"
                    + " failure", entry.name(), exercise.docs()).isNotEmpty();
            for (String bullet : entry.troubleshooting()) {
                Troubleshooting.named(Troubleshooting.bullets(page(exercise)), bullet);
            }
            named.add(entry.name());
        }
        assertThat(named).as("entries that name a bullet").hasSizeGreaterThan(40);
    }

    private static String page(Exercise exercise) throws IOException {
        return Files.readString(Path.of("..").resolve(exercise.docs()), StandardCharsets.UTF_8);
    }
}
