package dev.eventloop.exercises;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong; // given for exercise 4 (idle-timeout)
import java.util.function.Supplier;

/**
 * The command-line options shared by this chapter's server and client: {@code --host},
 * {@code --port}, {@code --quiet} and {@code --trace}; for the client, any other words are the
 * texts to send.
 *
 * <p>A mistyped option is an error, not something silently ignored: a server given an unknown
 * option or a stray word, or a client given an unknown {@code --} option, stops with one usage
 * line that names it, and exit status 2 ({@link #parseOrExit}, {@link #parseClientOrExit}).
 *
 * @param host the address to bind or connect to (default 127.0.0.1)
 * @param port the TCP port (default 1234, as in the book; 0 lets the server pick a free one)
 * @param quiet whether the server leaves out its per-request log line (and the clean {@code EOF})
 * @param trace whether the server prints one line per event-loop iteration
 * @param rbuf the size of each connection's read buffer, in bytes (default and least 4 + 4096)
 * @param wbuf the size of each connection's write buffer, in bytes (default and least 4 + 4096)
 * @param idleTimeout {@code --idle-timeout MS}: how long a connection may sit idle, if given // given for exercise 4 (idle-timeout)
 * @param loops {@code --loops N}: how many event loops serve the connections (default 1) // given for exercise 5 (loops)
 * @param rest the client's texts to send, in order; always empty for a server
 */
public record Options(String host, int port, boolean quiet, boolean trace, int rbuf, int wbuf,
        OptionalLong idleTimeout, // given for exercise 4 (idle-timeout)
        int loops, // given for exercise 5 (loops)
        List<String> rest) {
    /** The book's port. */
    public static final int DEFAULT_PORT = 1234;
    /** Loopback only: a course server has no business listening on other interfaces. */
    public static final String DEFAULT_HOST = "127.0.0.1";
    /** The server's usage line. */
    public static final String SERVER_USAGE = "usage: Server [--host H] [--port N] [--quiet] [--trace]"
            + " [--idle-timeout MS]" // given for exercise 4 (idle-timeout)
            + " [--loops N]" // given for exercise 5 (loops)
            + " [--rbuf N] [--wbuf N]";
    /** The book's buffer size, {@code 4 + k_max_msg}: the default, and the least a buffer may have. */
    public static final int BOOK_BUFFER = Protocol.HEADER_SIZE + Protocol.K_MAX_MSG;
    /** The largest buffer an option may ask for: 64 MiB, far beyond what a batch needs. */
    public static final int MAX_BUFFER = 64 << 20;
    // ---- given for exercise 4 (idle-timeout) begin ----
    /** The longest idle timeout an option may ask for: a day. */
    public static final long MAX_IDLE_TIMEOUT_MILLIS = 24 * 60 * 60 * 1000L;
    // ---- given for exercise 4 (idle-timeout) end ----
    // ---- given for exercise 5 (loops) begin ----
    /** The most loops an option may ask for: far more than cores on any machine this course runs on. */
    public static final int MAX_LOOPS = 256;
    // ---- given for exercise 5 (loops) end ----
    /** The client's usage line. */
    public static final String CLIENT_USAGE = "usage: Client [--host H] [--port N] [text...]";
    /** The exit status of a command-line mistake, as for most Unix tools. */
    public static final int USAGE_ERROR = 2;

    /**
     * Parses a server's {@code args}; throws {@link IllegalArgumentException}, naming the
     * offending argument, on an unknown option or a word that is not an option's value.
     */
    public static Options parse(String... args) {
        Options options = parseClient(args);
        if (!options.rest().isEmpty()) {
            throw new IllegalArgumentException("unexpected argument " + options.rest().get(0)
                    + " (a server takes only options)");
        }
        return options;
    }

    /**
     * Parses a client's {@code args}: words are texts to send, but a word starting with
     * {@code --} must be a known option; throws {@link IllegalArgumentException} otherwise.
     */
    public static Options parseClient(String... args) {
        String host = DEFAULT_HOST;
        int port = DEFAULT_PORT;
        boolean quiet = false;
        boolean trace = false;
        int rbuf = BOOK_BUFFER;
        int wbuf = BOOK_BUFFER;
        OptionalLong idleTimeout = OptionalLong.empty(); // given for exercise 4 (idle-timeout)
        int loops = 1; // given for exercise 5 (loops)
        List<String> rest = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--host" -> host = value(args, ++i, "--host");
                case "--port" -> port = parsePort(value(args, ++i, "--port"));
                case "--quiet" -> quiet = true;
                case "--trace" -> trace = true;
                case "--rbuf" -> rbuf = parseBuffer(value(args, ++i, "--rbuf"), "--rbuf");
                case "--wbuf" -> wbuf = parseBuffer(value(args, ++i, "--wbuf"), "--wbuf");
                case "--idle-timeout" -> idleTimeout = OptionalLong.of(parseMillis(value(args, ++i, "--idle-timeout"))); // given for exercise 4 (idle-timeout)
                case "--loops" -> loops = parseLoops(value(args, ++i, "--loops")); // given for exercise 5 (loops)
                default -> {
                    if (args[i].startsWith("--")) {
                        throw new IllegalArgumentException("unknown option " + args[i]);
                    }
                    rest.add(args[i]);
                }
            }
        }
        return new Options(host, port, quiet, trace, rbuf, wbuf,
                idleTimeout, // given for exercise 4 (idle-timeout)
                loops, // given for exercise 5 (loops)
                List.copyOf(rest));
    }

    /**
     * For a server's {@code main}: {@link #parse}, or, on a mistake, one line on stderr naming it
     * with the usage, and exit status {@value #USAGE_ERROR}.
     */
    public static Options parseOrExit(String... args) {
        return orExit(SERVER_USAGE, () -> parse(args));
    }

    /** For a client's {@code main}: {@link #parseClient}, or one usage line and exit status 2. */
    public static Options parseClientOrExit(String... args) {
        return orExit(CLIENT_USAGE, () -> parseClient(args));
    }

    /** The one line printed for a mistake. */
    static String usageError(String usage, IllegalArgumentException mistake) {
        return mistake.getMessage() + "; " + usage;
    }

    static Options orExit(String usage, Supplier<Options> parse) {
        try {
            return parse.get();
        } catch (IllegalArgumentException mistake) {
            System.err.println(usageError(usage, mistake));
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

    private static int parseBuffer(String text, String option) {
        try {
            int bytes = Integer.parseInt(text);
            if (bytes >= BOOK_BUFFER && bytes <= MAX_BUFFER) {
                return bytes;
            }
        } catch (NumberFormatException e) {
            // fall through to the error below
        }
        throw new IllegalArgumentException(option + " needs a size in bytes from " + BOOK_BUFFER + " (a header and"
                + " the largest message) to " + MAX_BUFFER + ", got " + text);
    }

    // ---- given for exercise 4 (idle-timeout) begin ----
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

    // ---- given for exercise 4 (idle-timeout) end ----
    // ---- given for exercise 5 (loops) begin ----
    /** These options for one loop among several: the same, with {@code --loops 1}. */
    Options oneLoop() {
        return new Options(host, port, quiet, trace, rbuf, wbuf, idleTimeout, 1, rest);
    }

    private static int parseLoops(String text) {
        try {
            int loops = Integer.parseInt(text);
            if (loops >= 1 && loops <= MAX_LOOPS) {
                return loops;
            }
        } catch (NumberFormatException e) {
            // fall through to the error below
        }
        throw new IllegalArgumentException("--loops needs a number of event loops from 1 to " + MAX_LOOPS + ", got " + text);
    }

    // ---- given for exercise 5 (loops) end ----
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
