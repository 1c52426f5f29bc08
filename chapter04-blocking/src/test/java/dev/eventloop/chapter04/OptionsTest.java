package dev.eventloop.chapter04;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The command line: known options work, and a mistyped one is an error, never a silent default. */
@Timeout(60)
class OptionsTest {

    @Test
    void parsesHostPortQuietAndTheClientsTexts() {
        assertThat(Options.parse("--port", "0", "--host", "127.0.0.1", "--quiet", "a", "b"))
                .isEqualTo(new Options("127.0.0.1", 0, true, List.of("a", "b")));
        assertThat(Options.parse()).isEqualTo(new Options("127.0.0.1", 1234, false, List.of()));
        assertThat(Options.parseServer("--port", "1235", "--quiet"))
                .isEqualTo(new Options("127.0.0.1", 1235, true, List.of()));
    }

    @Test
    void anUnknownOptionIsRejectedByName() {
        assertThatThrownBy(() -> Options.parseServer("--prot", "1235")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown option --prot");
    }

    @Test
    void aServerRejectsAStrayWord() {
        assertThatThrownBy(() -> Options.parseServer("--port", "0", "1235")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unexpected argument 1235");
    }

    @Test
    void aClientTakesWordsButRejectsAMistypedOption() {
        assertThat(Options.parse("one", "two").rest()).containsExactly("one", "two");
        assertThatThrownBy(() -> Options.parse("one", "--trcae", "two")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown option --trcae");
    }

    @Test
    void aBadOrMissingValueIsRejected() {
        assertThatThrownBy(() -> Options.parseServer("--port", "65536"))
                .hasMessage("--port needs a number from 0 to 65535, got 65536");
        assertThatThrownBy(() -> Options.parseServer("--port")).hasMessage("--port needs a value");
    }

    static Stream<Arguments> mistakes() {
        return Stream.of(
                Arguments.of(Server.class, List.of("--port", "0", "--trcae"),
                        "unknown option --trcae; usage: Server [--host H] [--port N] [--quiet]"),
                Arguments.of(Server.class, List.of("--port", "0", "1235"),
                        "unexpected argument 1235; usage: Server [--host H] [--port N] [--quiet]"),
                Arguments.of(Client.class, List.of("--port", "0", "hello", "--trcae"),
                        "unknown option --trcae; usage: Client [--host H] [--port N] [text...]"),
                Arguments.of(Demo.class, List.of("--quiet"),
                        "unexpected argument --quiet; usage: Demo (no arguments)"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("mistakes")
    void aMistakeStopsTheProgramWithOneUsageLineAndExitStatus2(Class<?> program, List<String> args, String usageLine)
            throws Exception {
        List<String> command = new ArrayList<>(List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), program.getName()));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command);
        // these would make the JVM itself print a line on stderr
        builder.environment().keySet().removeAll(List.of("JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS", "JDK_JAVA_OPTIONS"));
        Process process = builder.start();
        try {
            assertThat(process.waitFor(20, TimeUnit.SECONDS)).as("exits at once").isTrue();
            assertThat(process.exitValue()).isEqualTo(2);
            assertThat(new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).lines())
                    .containsExactly(usageLine);
            assertThat(process.getInputStream().readAllBytes()).as("nothing on stdout").isEmpty();
        } finally {
            process.destroyForcibly();
        }
    }
}
