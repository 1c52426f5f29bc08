package dev.eventloop.chapter05;

import java.util.ArrayList;
import java.util.List;

/**
 * The command-line options shared by this chapter's servers and client: {@code --host},
 * {@code --port}, {@code --quiet}, and any other words as free arguments.
 *
 * <p>A copy of chapter 4's class: like the book's chapters, each module carries its own helpers
 * so that it can be read and run on its own.
 *
 * @param host the address to bind or connect to (default 127.0.0.1)
 * @param port the TCP port (default 1234, as in the book; 0 lets the server pick a free one)
 * @param quiet whether the server leaves out its per-request or per-connection log lines
 * @param rest the arguments that are not options, in order
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

    /** Parses {@code args}; throws {@link IllegalArgumentException} with a usage hint on errors. */
    public static Options parse(String... args) {
        String host = DEFAULT_HOST;
        int port = DEFAULT_PORT;
        boolean quiet = false;
        List<String> rest = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--host" -> host = value(args, ++i, "--host");
                case "--port" -> port = parsePort(value(args, ++i, "--port"));
                case "--quiet" -> quiet = true;
                default -> rest.add(args[i]);
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
