package dev.eventloop.exercises;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A mistyped option is an error: a server given an unknown option or a stray word stops with one
 * usage line naming it and exit status 2; a client takes words to send, but rejects unknown
 * {@code --} options the same way.
 */
@Timeout(60)
@ExtendWith(GuardFailures.class)
@Guards(value = "the server's and the client's options work as the README says, and a mistyped one is an error that"
        + " names it",
        read = "README.md#run-a-server-and-a-client-yourself")
class OptionsTest {

    @Test
    void theServerTakesItsFourOptions() {
        Options options = Options.parse("--host", "127.0.0.2", "--port", "0", "--quiet", "--trace");

        assertThat(options).isEqualTo(new Options("127.0.0.2", 0, true, true, 4100, 4100, OptionalLong.empty(), 1, List.of()));
    }

    @Test
    void buffersDefaultToTheBooksAndMayOnlyGrow() {
        assertThat(Options.parse("--rbuf", "65536", "--wbuf", "65536")).extracting(Options::rbuf, Options::wbuf)
                .containsExactly(65536, 65536);
        assertThatThrownBy(() -> Options.parse("--rbuf", "4099")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("--rbuf needs a size in bytes from 4100");
        assertThatThrownBy(() -> Options.parse("--wbuf", "lots")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("--wbuf needs a size in bytes");
    }

    @Test
    void anIdleTimeoutIsAPositiveNumberOfMilliseconds() {
        assertThat(Options.parse("--idle-timeout", "5000").idleTimeout()).hasValue(5000);
        assertThat(Options.parse().idleTimeout()).isEmpty();
        assertThatThrownBy(() -> Options.parse("--idle-timeout", "0")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("--idle-timeout needs milliseconds from 1");
        assertThatThrownBy(() -> Options.parse("--idle-timeout", "5s")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("--idle-timeout needs milliseconds");
    }

    @Test
    void loopsAreAPositiveNumberThatDefaultsToOne() {
        assertThat(Options.parse().loops()).isEqualTo(1);
        assertThat(Options.parse("--loops", "2").loops()).isEqualTo(2);
        assertThat(Options.parse("--loops", "2").oneLoop().loops()).isEqualTo(1);
        assertThatThrownBy(() -> Options.parse("--loops", "0")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("--loops needs a number of event loops from 1 to 256, got 0");
        assertThatThrownBy(() -> Options.parse("--loops", "two")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("--loops needs a number of event loops");
    }

    @Test
    void anUnknownOptionIsAnErrorThatNamesIt() {
        assertThatThrownBy(() -> Options.parse("--port", "0", "--tarce")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown option --tarce");
    }

    @Test
    void aStrayWordIsAnErrorForTheServer() {
        assertThatThrownBy(() -> Options.parse("--quiet", "1235")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("unexpected argument 1235");
    }

    @Test
    void theClientTakesWordsToSendButNotUnknownOptions() {
        assertThat(Options.parseClient("--port", "1235", "hello", "world").rest()).containsExactly("hello", "world");
        assertThatThrownBy(() -> Options.parseClient("hello", "--prot", "1235")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown option --prot");
    }

    @Test
    void aServerMainStopsWithOneUsageLineAndStatus2() throws Exception {
        Result result = run(ParseOrExitMain.class, "--port", "0", "--tarce");

        assertThat(result.exit()).as("exit status").isEqualTo(2);
        assertThat(result.stdout()).as("stdout: nothing ran").isEmpty();
        assertThat(result.stderr()).containsExactly("unknown option --tarce; " + Options.SERVER_USAGE);
    }

    @Test
    void theClientMainStopsWithOneUsageLineAndStatus2() throws Exception {
        Result result = run(Client.class, "hello", "--bogus");

        assertThat(result.exit()).as("exit status").isEqualTo(2);
        assertThat(result.stderr()).containsExactly("unknown option --bogus; " + Options.CLIENT_USAGE);
    }

    /** What a server's {@code main} does first, run in a JVM of its own below. */
    static final class ParseOrExitMain {
        public static void main(String[] args) {
            Options.parseOrExit(args);
            System.out.println("parsed");
        }
    }

    /** What a program run in its own JVM did: exit status, and its output lines. */
    record Result(int exit, List<String> stdout, List<String> stderr) {
    }

    static Result run(Class<?> main, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).start();
        try {
            process.getOutputStream().close();
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("%s ends by itself", main.getSimpleName()).isTrue();
            return new Result(process.exitValue(),
                    new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList(),
                    new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList());
        } finally {
            process.destroyForcibly();
        }
    }
}
