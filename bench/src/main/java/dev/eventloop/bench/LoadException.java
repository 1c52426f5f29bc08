package dev.eventloop.bench;

import java.io.IOException;

/** A run that cannot count: a wrong byte, an early EOF, or a server that stopped answering. */
public final class LoadException extends IOException {
    private static final long serialVersionUID = 1L;

    /** A failure described by {@code message}. */
    public LoadException(String message) {
        super(message);
    }

    /** A failure described by {@code message}, caused by {@code cause}. */
    public LoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
