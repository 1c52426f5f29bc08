package dev.eventloop.bench;

/**
 * The options of the two servers this module adds ({@link NettyEchoServer},
 * {@link VirtualThreadEchoServer}): the same {@code --port}, {@code --host} and {@code --quiet}
 * as the course's servers, so the runner starts all of them alike; and, as the solutions' server
 * has, {@code --loops N}.
 *
 * @param host the address to bind (default 127.0.0.1)
 * @param port the TCP port (default 1234; 0 picks a free one)
 * @param quiet accepted for symmetry; these servers log nothing per request anyway
 * @param loops the event loops of the Netty server (default 1); the virtual-thread server has none
 */
public record ServerArgs(String host, int port, boolean quiet, int loops) {
    /** Parses the arguments; throws {@link IllegalArgumentException} on anything else. */
    public static ServerArgs parse(String... args) {
        String host = "127.0.0.1";
        int port = 1234;
        boolean quiet = false;
        int loops = 1;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--host" -> host = value(args, ++i);
                case "--port" -> port = Integer.parseInt(value(args, ++i));
                case "--quiet" -> quiet = true;
                case "--loops" -> loops = Integer.parseInt(value(args, ++i));
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + "; use --port N, --host H, --quiet, --loops N");
            }
        }
        if (loops < 1) {
            throw new IllegalArgumentException("--loops needs at least 1, got " + loops);
        }
        return new ServerArgs(host, port, quiet, loops);
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            throw new IllegalArgumentException(args[i - 1] + " needs a value");
        }
        return args[i];
    }
}
