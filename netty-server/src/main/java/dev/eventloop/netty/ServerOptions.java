package dev.eventloop.netty;

import java.util.OptionalLong;

/**
 * The server's command-line options, as the chapters' servers take them: {@code --host},
 * {@code --port}, {@code --quiet}, and the exercises' {@code --idle-timeout}.
 *
 * <p>A mistyped option is an error, not something silently ignored: the server stops with one
 * line on stderr that names it, the usage, and exit status 2 ({@link #parseOrExit}).
 *
 * @param host the address to bind (default 127.0.0.1: a course server listens on this machine only)
 * @param port the TCP port (default 1234, as in the book; 0 picks a free one)
 * @param quiet whether the server leaves out its per-request log line (and the clean {@code EOF})
 * @param idleTimeout {@code --idle-timeout MS}: close a connection silent for that long, if given
 */
public record ServerOptions(String host, int port, boolean quiet, OptionalLong idleTimeout) {
    /** The book's port. */
    public static final int DEFAULT_PORT = 1234;
    /** Loopback only: a course server has no business listening on other interfaces. */
    public static final String DEFAULT_HOST = "127.0.0.1";
    /** The usage line. */
    public static final String USAGE = "usage: NettyServer [--host H] [--port N] [--quiet] [--idle-timeout MS]";
    /** The longest idle timeout an option may ask for: a day. */
    public static final long MAX_IDLE_TIMEOUT_MILLIS = 24 * 60 * 60 * 1000L;
    /** The exit status of a command-line mistake, as for most Unix tools. */
    public static final int USAGE_ERROR = 2;

    /**
     * Parses the server's {@code args}; throws {@link IllegalArgumentException}, naming the
     * offending argument, on an unknown option, a missing or bad value, or a stray word.
     */
    public static ServerOptions parse(String... args) {
        String host = DEFAULT_HOST;
        int port = DEFAULT_PORT;
        boolean quiet = false;
        OptionalLong idleTimeout = OptionalLong.empty();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--host" -> host = value(args, ++i, "--host");
                case "--port" -> port = parsePort(value(args, ++i, "--port"));
                case "--quiet" -> quiet = true;
                case "--idle-timeout" -> idleTimeout = OptionalLong.of(parseMillis(value(args, ++i, "--idle-timeout")));
                default -> throw new IllegalArgumentException(args[i].startsWith("--")
                        ? "unknown option " + args[i]
                        : "unexpected argument " + args[i] + " (a server takes only options)");
            }
        }
        return new ServerOptions(host, port, quiet, idleTimeout);
    }

    /**
     * For {@code main}: {@link #parse}, or, on a mistake, one line on stderr naming it with the
     * usage, and exit status {@value #USAGE_ERROR}.
     */
    public static ServerOptions parseOrExit(String... args) {
        try {
            return parse(args);
        } catch (IllegalArgumentException mistake) {
            System.err.println(mistake.getMessage() + "; " + USAGE);
            System.exit(USAGE_ERROR);
            throw mistake; // not reached
        }
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    private static int parsePort(String text) {
        try {
            int port = Integer.parseInt(text);
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // fall through to the error below
        }
        throw new IllegalArgumentException("--port needs a number from 0 to 65535, got " + text);
    }

    private static long parseMillis(String text) {
        try {
            long millis = Long.parseLong(text);
            if (millis >= 1 && millis <= MAX_IDLE_TIMEOUT_MILLIS) {
                return millis;
            }
        } catch (NumberFormatException e) {
            // fall through to the error below
        }
        throw new IllegalArgumentException("--idle-timeout needs milliseconds from 1 to " + MAX_IDLE_TIMEOUT_MILLIS
                + " (a day), got " + text);
    }
}
