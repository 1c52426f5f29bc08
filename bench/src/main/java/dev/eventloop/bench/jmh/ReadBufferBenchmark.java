package dev.eventloop.bench.jmh;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * How much the read buffer strategy costs per batch of pipelined requests, without any socket:
 * chapter 6's compaction after every request against the solutions' deferred compaction (both
 * modelled in {@link ReadBufferModel}), for pipeline depths from 1 to 128.
 *
 * <p>One operation is one batch of {@code depth} requests of {@code size} bytes going through the
 * buffer; {@link ReadBufferReport} divides by the depth to give the cost per request.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ReadBufferBenchmark {
    /** Requests sent back to back before reading the responses. */
    @Param({"1", "8", "32", "128"})
    public int depth;

    /** Payload bytes of each request. */
    @Param({"32"})
    public int size;

    private ByteBuffer batch;
    private ReadBufferModel.CompactEveryRequest compactEveryRequest;
    private ReadBufferModel.DeferredCompaction deferredCompaction;

    /** Builds the batch and both models, and checks that they answer the same. */
    @Setup
    public void setUp() {
        batch = ReadBufferModel.batch(depth, size);
        compactEveryRequest = new ReadBufferModel.CompactEveryRequest();
        deferredCompaction = new ReadBufferModel.DeferredCompaction();
        compactEveryRequest.feed(batch);
        deferredCompaction.feed(batch);
        if (compactEveryRequest.checksum() != deferredCompaction.checksum()) {
            throw new IllegalStateException("the two models answered differently");
        }
    }

    /** Chapter 6: compact after every request. */
    @Benchmark
    public long compactEveryRequest() {
        compactEveryRequest.feed(batch);
        return compactEveryRequest.checksum();
    }

    /** The solutions: compact only when a read needs the room. */
    @Benchmark
    public long deferredCompaction() {
        deferredCompaction.feed(batch);
        return deferredCompaction.checksum();
    }
}
