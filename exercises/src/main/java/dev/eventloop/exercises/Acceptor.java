package dev.eventloop.exercises;

import java.io.IOException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * What accepts a connection for the server: {@code listener.accept()}, unless a test hands the
 * server one of its own (through the package-private {@code Server.open}) to make accepting fail
 * as it does when the process is out of file descriptors.
 */
interface Acceptor {
    /** {@code accept()} on {@code listener}: a new connection, or {@code null} if none is waiting. */
    SocketChannel accept(ServerSocketChannel listener) throws IOException;
}
