package dev.eventloop.chapter04;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The command-line options shared by this chapter's server and client: {@code --host},
 * {@code --port}, {@code --quiet}, and for the client any other words, as texts to send.
 *
 * <p>A mistyped option is an error, not a word: {@code --prot 1235} would otherwise start a server
 * on the default port, or send {@code --prot} as a request. A server takes options only, so a
 * stray word is an error too. A {@code main} method reports either with one usage line on stderr
 * and exit status 2, the usual status for a usage error.
 *
 * @param host the address to bind or connect to (default 127.0.0.1)
 * @param port the TCP port (default 1234, as in the book; 0 lets the server pick a free one)
 * @param quiet whether the server leaves out its per-request log line (and the clean {@code EOF})
 * @param rest the client's texts to send, in order (always empty for a server)
 */
public record Options(String host, int port, boolean quiet, List<String> rest) {
    /** The book's port. */
    public static final int DEFAULT_PORT = 1234;
    /** Loopback only: a course server has no business listening on other interfaces. */
    public static final String DEFAULT_HOST = "127.0.0.1";
    /**
     * The listen backlog every listener asks for: the book's {@code listen(fd, SOMAXCONN)}, and
     * 4096 is {@code SOMAXCONN} on a current Linux. A {@code bind(address)} without it asks for
     * the JDK's default of 50, and 300 clients connecting at once then waited about a second, on
     * SYN retransmits. The kernel caps the number at {@code net.core.somaxconn} anyway.
     */
    public static final int SOMAXCONN = 4096;

    /**
     * Parses a client's arguments: the options, and every other word as a text to send.
     *
     * @throws IllegalArgumentException naming the mistake: an unknown {@code --} option, or a
     *     missing or bad value
     */
    public static Options parse(String... args) {
        return parse(args, true);
    }

    /**
     * Parses a server's arguments: the options, and nothing else.
     *
     * @throws IllegalArgumentException naming the mistake: an unknown option, a stray word, or a
     *     missing or bad value
     */
    public static Options parseServer(String... args) {
        return parse(args, false);
    }

    /** {@link #parseServer} for a server's {@code main}: on a mistake, one usage line and exit status 2. */
    public static Options serverOrExit(String program, String... args) {
        return orExit(program + " [--host H] [--port N] [--quiet]", () -> parseServer(args));
    }

    /** {@link #parse} for a client's {@code main}: on a mistake, one usage line and exit status 2. */
    public static Options clientOrExit(String program, String... args) {
        return orExit(program + " [--host H] [--port N] [text...]", () -> parse(args));
    }

    /** For a demo's {@code main}, which takes no arguments: any is a mistake, reported as above. */
    public static void noneOrExit(String program, String... args) {
        orExit(program + " (no arguments)", () -> {
            if (args.length > 0) {
                throw new IllegalArgumentException("unexpected argument " + args[0]);
            }
            return null;
        });
    }

    private static <T> T orExit(String usage, Supplier<T> parser) {
        try {
            return parser.get();
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage() + "; usage: " + usage);
            System.exit(2); // 2: the command line was wrong (1 is for a failure while running)
            throw e; // not reached
        }
    }

    private static Options parse(String[] args, boolean textsAllowed) {
        String host = DEFAULT_HOST;
        int port = DEFAULT_PORT;
        boolean quiet = false;
        List<String> rest = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--host" -> host = value(args, ++i, "--host");
                case "--port" -> port = parsePort(value(args, ++i, "--port"));
                case "--quiet" -> quiet = true;
                default -> {
                    if (args[i].startsWith("--")) {
                        throw new IllegalArgumentException("unknown option " + args[i]);
                    }
                    if (!textsAllowed) {
                        throw new IllegalArgumentException("unexpected argument " + args[i]);
                    }
                    rest.add(args[i]);
                }
            }
        }
        return new Options(host, port, quiet, List.copyOf(rest));
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
}
