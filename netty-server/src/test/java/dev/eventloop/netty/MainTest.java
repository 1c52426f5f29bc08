package dev.eventloop.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** The server as a learner runs it: a process that says where it listens, serves, and stops on Ctrl-C. */
class MainTest {

    @Test
    @DisabledOnOs(value = OS.WINDOWS, disabledReason = "Windows has no SIGTERM: destroy() skips shutdown hooks")
    void theServerProcessListensServesAndStopsCleanlyOnCtrlC() throws Exception {
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                NettyServer.class.getName(), "--port", "0").redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            String first = out.readLine();
            assertThat(first).as("the server's first line").startsWith("listening on 127.0.0.1:");
            int port = Integer.parseInt(first.substring(first.lastIndexOf(':') + 1));
            try (Socket client = new Socket()) {
                client.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
                client.setSoTimeout(10_000);
                client.getOutputStream().write(new byte[] {5, 0, 0, 0, 'h', 'e', 'l', 'l', 'o'});
                assertThat(client.getInputStream().readNBytes(9)).as("the answer to \"hello\"")
                        .isEqualTo(new byte[] {5, 0, 0, 0, 'h', 'e', 'l', 'l', 'o'});
                assertThat(out.readLine()).as("the server's line for the request").isEqualTo("client says: hello");

                // SIGTERM on Unix runs the same shutdown hooks as Ctrl-C (SIGINT). Through the handle,
                // unlike Process.destroy(), the JDK leaves the process's output open for us to read.
                process.toHandle().destroy();
                assertThat(process.waitFor(20, TimeUnit.SECONDS)).as("the server process ends after SIGTERM").isTrue();
                assertThat(out.readLine()).as("the server's last line").isEqualTo("stopped");
                assertThat(client.getInputStream().read()).as("the client's connection, once the server stopped")
                        .isEqualTo(-1);
            }
        } finally {
            process.destroyForcibly();
        }
    }
}
