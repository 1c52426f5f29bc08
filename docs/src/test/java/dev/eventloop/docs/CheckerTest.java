package dev.eventloop.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checks themselves, on a small made-up repository: they must catch what they claim to. */
class CheckerTest {
    @TempDir
    Path root;
    private Course course;

    @BeforeEach
    void setUp() throws IOException {
        write("mvnw", "");
        write("pom.xml", "<modules>\n  <module>app</module>\n</modules>\n");
        write("docs/pom.xml", "");
        write("app/pom.xml", "<execution><id>server</id></execution>\n");
        write("app/src/main/java/App.java", """
                class App {
                    // tag::outer[]
                    void run() {
                        // tag::inner[]
                        int x = 1;
                        // end::inner[]

                        return;
                    }
                    // end::outer[]
                }
                """);
        write("app/src/test/java/AppTest.java", "class AppTest {}\n");
        course = new Course(root);
    }

    @Test
    void aRegionDropsItsTagLinesAndNestedTagLinesAndItsCommonIndent() {
        Snippets.Region region = new Snippets(course).region("app/src/main/java/App.java", "outer");

        assertThat(region.lines()).containsExactly("void run() {", "    int x = 1;", "", "    return;", "}");
        assertThat(region.lineNumbers()).containsExactly(3, 5, 7, 8, 9);
    }

    @Test
    void aBlockThatDiffersNamesTheDocsLineAndTheSourceLine() throws IOException {
        write("docs/page.md", """
                # Page

                <!-- snippet: app/src/main/java/App.java#outer -->
                ```java
                void run() {
                    int x = 2;

                    return;
                }
                ```
                """);

        List<Snippets.Problem> problems = new Snippets(course).check();

        assertThat(problems).hasSize(1);
        assertThat(problems.get(0).message())
                .contains("docs/page.md:6", "app/src/main/java/App.java:5", "tag outer", "int x = 2;", "int x = 1;",
                        Snippets.REFRESH_COMMAND);
    }

    @Test
    void aDifferenceInsideAnExerciseRegionSaysThatChangingItIsExpected() throws IOException {
        write("app/src/main/java/Ex.java", """
                // tag::ex[]
                int a = 1;
                // ---- EXERCISE 1 (epoll) begin: docs/exercises/01-epoll.md ----
                int b = 2;
                // ---- EXERCISE 1 (epoll) end ----
                // end::ex[]
                """);
        write("docs/page.md", """
                <!-- snippet: app/src/main/java/Ex.java#ex -->
                ```java
                int a = 1;
                // ---- EXERCISE 1 (epoll) begin: docs/exercises/01-epoll.md ----
                int b = 3;
                // ---- EXERCISE 1 (epoll) end ----
                ```
                """);

        List<Snippets.Problem> problems = new Snippets(course).check();

        assertThat(problems).hasSize(1);
        assertThat(problems.get(0).message()).contains("docs/page.md:5", "app/src/main/java/Ex.java:4", "inside an EXERCISE region",
                "expected once you have solved the exercises", "check your work with ./mvnw test -pl exercises instead");
        assertThat(problems.get(0).insideExercise()).isTrue();
    }

    @Test
    void refreshRewritesTheBlockAndThenTheCheckPasses() throws IOException {
        write("docs/page.md", """
                Intro.

                <!-- snippet: app/src/main/java/App.java#inner -->
                ```java
                stale
                ```
                Outro.
                """);
        Snippets snippets = new Snippets(course);

        List<Snippets.Problem> problems = new ArrayList<>();
        assertThat(snippets.refresh(problems)).containsExactly("docs/page.md:3 <- app/src/main/java/App.java#inner");
        assertThat(problems).isEmpty();
        assertThat(Files.readString(root.resolve("docs/page.md"))).isEqualTo("""
                Intro.

                <!-- snippet: app/src/main/java/App.java#inner -->
                ```java
                int x = 1;
                ```
                Outro.
                """);
        assertThat(snippets.check()).isEmpty();
    }

    @Test
    void aMissingTagOrFileOrBlockIsReported() throws IOException {
        write("docs/page.md", """
                <!-- snippet: app/src/main/java/App.java#nope -->
                ```java
                ```
                <!-- snippet: app/src/main/java/Gone.java#outer -->
                ```java
                ```
                <!-- snippet: app/src/main/java/App.java#outer -->

                text, not a block
                """);

        List<String> messages = new Snippets(course).check().stream().map(Snippets.Problem::message).toList();

        assertThat(messages).hasSize(3);
        assertThat(messages.get(0)).contains("docs/page.md:7", "must be followed");
        assertThat(messages.get(1)).contains("docs/page.md:1", "no line // tag::nope[]");
        assertThat(messages.get(2)).contains("docs/page.md:4", "no such file");
    }

    @Test
    void brokenLinksAndAnchorsAreReportedWithFileAndLine() throws IOException {
        write("docs/other.md", "# Other page\n\n## The `Conn` class: STATE_REQ\n");
        write("docs/page.md", """
                [fine](other.md) [fine too](other.md#the-conn-class-state_req) [dir](../app)
                [gone](missing.md) ![img](pic.png) [bad anchor](other.md#nothing)
                [web](https://example.com) `[not a link](nowhere.md)`
                ```
                [not a link either](nowhere.md)
                ```
                [ref]: ../app/nothing.txt
                """);

        List<String> problems = new Links(course).check();

        assertThat(problems).containsExactly(
                "docs/page.md:2: missing.md (no such file or directory: docs/missing.md)",
                "docs/page.md:2: pic.png (no such file or directory: docs/pic.png)",
                "docs/page.md:2: other.md#nothing (no heading or anchor #nothing in docs/other.md)",
                "docs/page.md:7: ../app/nothing.txt (no such file or directory: app/nothing.txt)");
    }

    @Test
    void commandsMustNameRealModulesExecutionsTestsAndTags() throws IOException {
        write("docs/page.md", """
                ```
                ./mvnw -q -pl app compile exec:java@server
                ./mvnw -q -pl app compile exec:java@nope
                ./mvnw -q -pl nothing test
                ./mvnw test -pl app -Dtest=AppTest
                ./mvnw test -pl app -Dtest=GoneTest -Dgroups=epoll
                ```
                Also `./mvnw test -pl app -Dgroups=nope`.
                """);

        List<String> problems = new Commands(course, java.util.Set.of("epoll")).check();

        assertThat(problems).hasSize(4);
        assertThat(problems.get(0)).contains("docs/page.md:3", "no execution with <id>nope</id>");
        assertThat(problems.get(1)).contains("docs/page.md:4", "-pl nothing");
        assertThat(problems.get(2)).contains("docs/page.md:6", "GoneTest");
        assertThat(problems.get(3)).contains("docs/page.md:8", "-Dgroups=nope");
    }

    @Test
    void anInstalledMvnAndSingleFileJavaProgramsAreCheckedToo() throws IOException {
        write("app/Tool.java", "class Tool {}");
        write("docs/page.md", """
                Run `mvn test -pl nothing`, or `java app/Tool.java epoll`, or `java app/Gone.java`,
                not `java -version`; `java.nio` is no command.
                """);

        List<String> problems = new Commands(course, java.util.Set.of("epoll")).check();

        assertThat(problems).hasSize(2);
        assertThat(problems.get(0)).contains("docs/page.md:1", "-pl nothing");
        assertThat(problems.get(1)).contains("docs/page.md:1", "app/Gone.java: no such source file");
    }

    @Test
    void githubSlugs() {
        assertThat(Links.slug("Step 3: `tryFillBuffer`, the read")).isEqualTo("step-3-tryfillbuffer-the-read");
        assertThat(Links.slug("read() returns 0 vs -1")).isEqualTo("read-returns-0-vs--1");
        assertThat(Links.slug("[Link](x.md) and STATE_REQ")).isEqualTo("link-and-state_req");
    }

    private void write(String path, String text) throws IOException {
        Path file = root.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }
}
