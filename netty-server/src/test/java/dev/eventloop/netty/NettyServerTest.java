package dev.eventloop.netty;

import dev.eventloop.chapter06.BlackBoxServerContract;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Chapter 6's black-box tests ({@link BlackBoxServerContract}, from chapter06-eventloop's
 * test-jar) against the Netty server: the same protocol, the same log lines, the same behaviour
 * under bad input, back-pressure and half-close; and, where chapter 6 by design fails, a quiet
 * client answered within one turn of another client's flood.
 */
class NettyServerTest extends BlackBoxServerContract {

    @Override
    protected ServerUnderTest start(Consumer<String> log, String... options) throws InterruptedException {
        List<String> args = new ArrayList<>(List.of("--port", "0"));
        args.addAll(List.of(options));
        NettyServer server = NettyServer.start(ServerOptions.parse(args.toArray(String[]::new)), log);
        return new ServerUnderTest() {
            @Override
            public int port() {
                return server.port();
            }

            @Override
            public void close() {
                server.close();
            }
        };
    }
}
