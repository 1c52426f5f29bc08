package dev.eventloop.exercises;

import java.lang.reflect.Field;
import java.nio.channels.SocketChannel;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the entries of the server's connection table ({@code fd2conn}, chapter 6's) that its loop
 * goes through: every entry an iteration visits, over its values, keys or entries, however the
 * loop writes it. The table itself is the server's own map, unchanged: this view only counts. The
 * test installs it before the loop starts, where no code of the server's can go round it.
 */
final class ConnectionTableWalks extends AbstractMap<SocketChannel, Conn> {
    private final Map<SocketChannel, Conn> table;
    private final AtomicLong visited = new AtomicLong();

    private ConnectionTableWalks(Map<SocketChannel, Conn> table) {
        this.table = table;
    }

    /** Puts a counting view in place of {@code server}'s connection table, before its loop starts. */
    @SuppressWarnings("unchecked")
    static ConnectionTableWalks install(Server server) {
        try {
            Field field = Server.class.getDeclaredField("fd2conn");
            field.setAccessible(true);
            if (!(field.get(server) instanceof Map<?, ?> table)) {
                throw new AssertionError("Server.fd2conn, chapter 6's connection table, is no longer a Map");
            }
            ConnectionTableWalks walks = new ConnectionTableWalks((Map<SocketChannel, Conn>) table);
            field.set(server, walks);
            return walks;
        } catch (NoSuchFieldException e) {
            throw new AssertionError("Server.fd2conn, chapter 6's connection table, is gone: the tests count the"
                    + " loop's walks over it, so keep it (an idle structure of exercise 4 goes beside it)", e);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The entries visited so far, by every iteration over the table. */
    long visited() {
        return visited.get();
    }

    @Override
    public Conn get(Object key) {
        return table.get(key);
    }

    @Override
    public Conn put(SocketChannel key, Conn value) {
        return table.put(key, value);
    }

    @Override
    public Conn remove(Object key) {
        return table.remove(key);
    }

    @Override
    public boolean containsKey(Object key) {
        return table.containsKey(key);
    }

    @Override
    public int size() {
        return table.size();
    }

    @Override
    public void clear() {
        table.clear();
    }

    /** Every other view (values, keys, forEach, streams) goes through this one. */
    @Override
    public Set<Entry<SocketChannel, Conn>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Entry<SocketChannel, Conn>> iterator() {
                Iterator<Entry<SocketChannel, Conn>> entries = table.entrySet().iterator();
                return new Iterator<>() {
                    @Override
                    public boolean hasNext() {
                        return entries.hasNext();
                    }

                    @Override
                    public Entry<SocketChannel, Conn> next() {
                        Entry<SocketChannel, Conn> next = entries.next();
                        visited.incrementAndGet();
                        return next;
                    }

                    @Override
                    public void remove() {
                        entries.remove();
                    }
                };
            }

            @Override
            public int size() {
                return table.size();
            }
        };
    }
}
