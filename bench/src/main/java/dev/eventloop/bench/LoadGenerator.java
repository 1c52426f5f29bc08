package dev.eventloop.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Histogram;

/**
 * The load generator: drives one server with one {@link Workload} and checks every byte it gets
 * back.
 *
 * <p>A run goes like this:
 * <ol>
 *   <li><b>Idle connections</b> (if any) are opened, 32 at a time, each checked with one echo, so
 *       that the server really holds all of them before the load starts (see {@link IdleConnections}).
 *   <li><b>Active connections</b>: C of them. Each sends D requests in one go, reads the D
 *       responses, compares them byte for byte with what it sent, and starts over. The time from
 *       sending a batch to having all its responses is one latency sample.
 *   <li><b>Warm-up</b>, then the <b>measured window</b>: only responses that complete inside the
 *       window count towards the throughput. {@link Listener} is told when the window opens and
 *       closes, so the caller can read the server's CPU time at those instants.
 *   <li><b>Counting window</b> (if {@code count} is not zero): the load goes on, its responses
 *       counted apart, while the caller counts the server's system calls. Counting slows the
 *       server down, so this window is kept out of the measured one.
 *   <li><b>Drain</b>: each connection finishes the batch it has in flight, then closes. Those
 *       batches, and every batch started inside the measured window, are recorded as latency
 *       samples: for a server that serves one connection at a time (chapter 4), they are the
 *       connections that waited the whole run.
 *   <li>The idle connections are checked with one more echo each, then closed.
 * </ol>
 *
 * <p>Any mismatch, early EOF, or {@code timeout} without a single response byte from the server
 * fails the run with a {@link LoadException}.
 *
 * <p>The active connections are served by a few threads, each an event loop over its own
 * {@link Selector} (nonblocking sockets, a batch written with one {@code write} when the socket
 * takes it). On a small machine the load generator competes with the server for the same cores,
 * so it has to be cheap: one thread per connection would cost more than some of the servers it
 * measures.
 */
public final class LoadGenerator {
    /**
     * What to run.
     *
     * @param address the server
     * @param workload C, D, S and the idle connections
     * @param warmup how long to run before measuring
     * @param measure how long to measure
     * @param count how long the load goes on after the measured window, for counting; may be zero
     * @param timeout how long the server may go without answering anything before the run fails
     * @param threads the load generator's event loop threads
     */
    public record Config(InetSocketAddress address, Workload workload, Duration warmup, Duration measure,
                         Duration count, Duration timeout, int threads) {
    }

    /**
     * What a run measured.
     *
     * @param requests responses completed inside the measured window
     * @param seconds the length of the measured window
     * @param latency batch latencies in nanoseconds: the batches that started before the measured
     *     window closed and completed after the warm-up
     * @param connectionsServed active connections that completed at least one batch in the window
     * @param connections active connections
     * @param idleChecked idle connections that answered both their echoes
     * @param countedRequests responses completed inside the counting window
     * @param countSeconds the length of the counting window
     */
    public record Result(long requests, double seconds, Histogram latency, int connectionsServed,
                         int connections, int idleChecked, long countedRequests, double countSeconds) {
        /** Requests (each one echoed) per second in the measured window. */
        public double rate() {
            return requests / seconds;
        }

        /** Requests per second in the counting window. */
        public double countedRate() {
            return countedRequests / countSeconds;
        }
    }

    /** Told, on the calling thread, when the measured window opens and when it closes. */
    public interface Listener {
        /** The warm-up is over: from now on, responses count. */
        void measureStarted();

        /** The measured window is over: the counting window, if any, starts now; then connections drain and close. */
        void measureEnded();
    }

    private LoadGenerator() {
    }

    /** Runs {@code config} against its server; throws {@link LoadException} if the run fails. */
    public static Result run(Config config, Listener listener) throws IOException, InterruptedException {
        Workload w = config.workload();
        long timeoutNanos = config.timeout().toNanos();
        try (IdleConnections idle = IdleConnections.open(config.address(), w.idle(), w.size(), config.timeout())) {
            List<Active> actives = new ArrayList<>();
            List<Worker> workers = new ArrayList<>();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            try {
                for (int i = 0; i < w.connections(); i++) {
                    actives.add(new Active(i, connect(config.address()), w));
                }
                int threads = Math.max(1, Math.min(config.threads(), actives.size()));
                long start = System.nanoTime();
                long warmEnd = start + config.warmup().toNanos();
                long measureEnd = warmEnd + config.measure().toNanos();
                long countEnd = measureEnd + config.count().toNanos();
                CountDownLatch done = new CountDownLatch(threads);
                for (int t = 0; t < threads; t++) {
                    List<Active> mine = new ArrayList<>();
                    for (int i = t; i < actives.size(); i += threads) {
                        mine.add(actives.get(i));
                    }
                    workers.add(new Worker(mine, warmEnd, measureEnd, countEnd, failure, done, start));
                }
                for (int t = 0; t < threads; t++) {
                    Thread thread = new Thread(workers.get(t), "load-" + t);
                    thread.setDaemon(true);
                    thread.start();
                }
                boolean finished = watch(done, workers, failure, warmEnd, timeoutNanos);
                if (!finished) {
                    listener.measureStarted();
                    finished = watch(done, workers, failure, measureEnd, timeoutNanos);
                    listener.measureEnded();
                    if (!finished) {
                        watch(done, workers, failure, Long.MAX_VALUE, timeoutNanos);
                    }
                }
                if (failure.get() != null) {
                    Throwable e = failure.get();
                    throw e instanceof LoadException le ? le
                            : new LoadException(e.getClass().getSimpleName() + ": " + e.getMessage(), e);
                }
            } finally {
                failure.compareAndSet(null, new LoadException("stopped")); // stops workers left running
                for (Active a : actives) {
                    a.close();
                }
            }
            int checked = idle.check(); // the server must still answer each idle connection
            Histogram latency = new Histogram(3);
            long requests = 0;
            long counted = 0;
            int served = 0;
            for (Worker worker : workers) {
                latency.add(worker.latency);
                requests += worker.measuredRequests;
                counted += worker.countedRequests;
            }
            for (Active a : actives) {
                if (a.measuredBatches > 0) {
                    served++;
                }
            }
            return new Result(requests, config.measure().toNanos() / 1e9, latency, served, actives.size(), checked,
                    counted, config.count().toNanos() / 1e9);
        }
    }

    /**
     * Waits until {@code deadline} or until every worker is done, and fails the run if no worker
     * has received a byte for {@code timeoutNanos} while some still wait for responses.
     *
     * @return whether every worker is done
     */
    private static boolean watch(CountDownLatch done, List<Worker> workers, AtomicReference<Throwable> failure,
                                 long deadline, long timeoutNanos) throws InterruptedException {
        while (true) {
            long now = System.nanoTime();
            long left = deadline - now;
            if (left <= 0) {
                return done.getCount() == 0;
            }
            if (done.await(Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)), TimeUnit.NANOSECONDS)) {
                return true;
            }
            if (failure.get() != null) {
                return false;
            }
            long lastProgress = Long.MIN_VALUE;
            for (Worker worker : workers) {
                lastProgress = Math.max(lastProgress, worker.lastProgress);
            }
            if (System.nanoTime() - lastProgress > timeoutNanos) {
                int waiting = 0;
                for (Worker worker : workers) {
                    waiting += worker.open;
                }
                failure.compareAndSet(null, new LoadException("timeout: no response byte for "
                        + TimeUnit.NANOSECONDS.toSeconds(timeoutNanos) + " s; " + waiting
                        + " connections still waiting for a response"));
                return false;
            }
        }
    }

    static SocketChannel connect(InetSocketAddress address) throws IOException {
        SocketChannel ch = SocketChannel.open(address); // blocking connect: done once the handshake is
        try {
            // A batch leaves in one write; no-delay keeps a partial write's rest from waiting for an ACK.
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            ch.configureBlocking(false);
            return ch;
        } catch (IOException e) {
            ch.close();
            throw e;
        }
    }

    /** One active connection: its batch to send, its buffer for the responses, and its counts. */
    private static final class Active {
        final int id;
        final SocketChannel channel;
        final int depth;
        final int size;
        final ByteBuffer send;
        /** The same bytes as {@link #send}, with a position and limit of its own, to compare against. */
        final ByteBuffer expected;
        final ByteBuffer recv;
        SelectionKey key;
        long nextSeq;
        long batchStart;
        boolean sending;
        long batches;
        long measuredBatches;
        boolean closed;

        Active(int id, SocketChannel channel, Workload w) {
            this.id = id;
            this.channel = channel;
            this.depth = w.depth();
            this.size = w.size();
            this.send = Messages.batch(id, depth, size);
            this.expected = send.duplicate();
            this.recv = ByteBuffer.allocateDirect(send.capacity());
        }

        void startBatch() throws IOException {
            nextSeq = Messages.stamp(send, depth, size, nextSeq);
            send.clear();
            recv.clear();
            batchStart = System.nanoTime();
            writeMore();
        }

        /** Writes what the socket takes; waits for OP_WRITE only while part of the batch is left. */
        void writeMore() throws IOException {
            channel.write(send);
            boolean more = send.hasRemaining();
            if (more != sending) {
                sending = more;
                key.interestOps(more ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ);
            }
        }

        /** Reads what has arrived; returns the bytes read, and checks the batch once it is complete. */
        int readMore() throws IOException {
            int n = channel.read(recv);
            if (n < 0) {
                throw new LoadException("EOF on connection " + id + " after " + batches + " batches"
                        + (recv.position() > 0 ? ", " + recv.position() + " bytes into a batch's responses" : ""));
            }
            return n;
        }

        boolean batchComplete() throws LoadException {
            if (recv.hasRemaining()) {
                return false;
            }
            recv.flip();
            expected.clear();
            int at = recv.mismatch(expected);
            if (at >= 0) {
                throw new LoadException("wrong response on connection " + id + " in batch " + batches + ": "
                        + Messages.mismatch(expected, recv, at, size));
            }
            batches++;
            return true;
        }

        void close() {
            closed = true;
            try {
                channel.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    /** An event loop over some of the active connections. */
    private static final class Worker implements Runnable {
        final List<Active> conns;
        final long warmEnd;
        final long measureEnd;
        final long countEnd;
        final AtomicReference<Throwable> failure;
        final CountDownLatch done;
        final Histogram latency = new Histogram(3);
        long measuredRequests;
        long countedRequests;
        /** When this worker last received a byte; read by the watching thread. */
        volatile long lastProgress;
        /** Connections not yet closed; read by the watching thread for its error message. */
        volatile int open;

        Worker(List<Active> conns, long warmEnd, long measureEnd, long countEnd, AtomicReference<Throwable> failure,
               CountDownLatch done, long start) {
            this.conns = conns;
            this.warmEnd = warmEnd;
            this.measureEnd = measureEnd;
            this.countEnd = countEnd;
            this.failure = failure;
            this.done = done;
            this.lastProgress = start;
            this.open = conns.size();
        }

        @Override
        public void run() {
            try (Selector selector = Selector.open()) {
                for (Active a : conns) {
                    a.key = a.channel.register(selector, SelectionKey.OP_READ, a);
                    a.startBatch();
                }
                int left = conns.size();
                while (left > 0 && failure.get() == null) {
                    selector.select(50);
                    for (SelectionKey key : selector.selectedKeys()) {
                        Active a = (Active) key.attachment();
                        if (!key.isValid()) {
                            continue;
                        }
                        if (key.isWritable()) {
                            a.writeMore();
                        }
                        if (key.isReadable() && a.readMore() > 0) {
                            long now = System.nanoTime();
                            lastProgress = now;
                            if (a.batchComplete()) {
                                if (now >= warmEnd && a.batchStart < measureEnd) {
                                    latency.recordValue(now - a.batchStart);
                                }
                                if (now >= warmEnd && now < measureEnd) {
                                    a.measuredBatches++;
                                    measuredRequests += a.depth;
                                } else if (now >= measureEnd && now < countEnd) {
                                    countedRequests += a.depth;
                                }
                                if (now >= countEnd) {
                                    a.close(); // drained: a one-at-a-time server can move on
                                    left--;
                                    open = left;
                                } else {
                                    a.startBatch();
                                }
                            }
                        }
                    }
                    selector.selectedKeys().clear();
                }
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
            } finally {
                done.countDown();
            }
        }
    }
}
