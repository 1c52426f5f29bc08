package dev.eventloop.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The Netty server takes the chapters' server options and the exercises' {@code --idle-timeout},
 * and, like the chapters, stops on a mistyped one with one usage line naming it and exit status 2.
 */
class ServerOptionsTest {

    @Test
    void theDefaultsAreTheCourses() {
        assertThat(ServerOptions.parse()).as("the options of a server started with none")
                .isEqualTo(new ServerOptions("127.0.0.1", 1234, false, OptionalLong.empty()));
    }

    @Test
    void theServerTakesItsFourOptions() {
        assertThat(ServerOptions.parse("--host", "127.0.0.2", "--port", "0", "--quiet", "--idle-timeout", "5000"))
                .as("the options of --host 127.0.0.2 --port 0 --quiet --idle-timeout 5000")
                .isEqualTo(new ServerOptions("127.0.0.2", 0, true, OptionalLong.of(5000)));
    }

    @Test
    void aMistypedOptionIsAnErrorThatNamesIt() {
        assertThatThrownBy(() -> ServerOptions.parse("--port", "0", "--tarce")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown option --tarce");
        assertThatThrownBy(() -> ServerOptions.parse("--trace")).as("chapter 6's --trace: this server has no trace")
                .isInstanceOf(IllegalArgumentException.class).hasMessage("unknown option --trace");
        assertThatThrownBy(() -> ServerOptions.parse("--quiet", "1235")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("unexpected argument 1235");
        assertThatThrownBy(() -> ServerOptions.parse("--port")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--port needs a value");
        assertThatThrownBy(() -> ServerOptions.parse("--port", "65536")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("--port needs a number from 0 to 65535");
        assertThatThrownBy(() -> ServerOptions.parse("--idle-timeout", "0")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("--idle-timeout needs milliseconds from 1 to");
    }

    @Test
    void mainStopsOnAMistypedOptionWithOneUsageLineAndStatus2() throws Exception {
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                NettyServer.class.getName(), "--port", "0", "--tarce").start();
        try {
            process.getOutputStream().close();
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("the server process ends by itself").isTrue();
            assertThat(process.exitValue()).as("exit status").isEqualTo(2);
            assertThat(new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                    .as("stdout: nothing ran").isEmpty();
            assertThat(new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).lines())
                    .as("stderr").isEqualTo(List.of("unknown option --tarce; " + ServerOptions.USAGE));
        } finally {
            process.destroyForcibly();
        }
    }
}
