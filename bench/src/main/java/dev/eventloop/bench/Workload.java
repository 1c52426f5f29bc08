package dev.eventloop.bench;

import java.util.List;

/**
 * One cell's load: {@code connections} active connections, each sending {@code depth} pipelined
 * requests of {@code size} payload bytes and then reading the {@code depth} responses, over and
 * over; plus {@code idle} connections that stay open and silent.
 *
 * @param id a short name for files and the command line, e.g. {@code c50-d32}
 * @param connections C, the active connections
 * @param depth D, the requests sent back to back before reading the responses (the pipeline depth)
 * @param size S, the payload bytes of each request (the 4-byte length prefix comes on top)
 * @param idle N, the connections held open without traffic while the active ones run
 */
public record Workload(String id, int connections, int depth, int size, int idle) {
    /** A few busy clients among many idle ones. */
    public static final Workload IDLE = new Workload("c10-idle15000", 10, 1, 32, 15_000);

    /** The standard matrix, in the order the report shows it. */
    public static final List<Workload> STANDARD = List.of(
            new Workload("c1-d1", 1, 1, 32, 0),
            new Workload("c50-d1", 50, 1, 32, 0),
            new Workload("c50-d32", 50, 32, 32, 0),
            new Workload("c10-d16-s4000", 10, 16, 4000, 0),
            IDLE);

    /** Checks the numbers against the protocol: a payload holds at most 4096 bytes. */
    public Workload {
        if (connections < 1 || depth < 1 || size < 0 || size > 4096 || idle < 0) {
            throw new IllegalArgumentException("bad workload " + id + ": C=" + connections + " D=" + depth
                    + " S=" + size + " idle=" + idle);
        }
    }

    /** Finds a standard workload by {@link #id}. */
    public static Workload byId(String id) {
        return STANDARD.stream().filter(w -> w.id.equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown workload " + id + "; known: "
                        + STANDARD.stream().map(Workload::id).toList()));
    }

    /** The bytes one request takes on the wire: header and payload. */
    public int messageBytes() {
        return 4 + size;
    }

    /** How the report names the cell: {@code C=50 D=32 S=32}, plus the idle connections if any. */
    public String label() {
        String label = "C=" + connections + " D=" + depth + " S=" + size;
        return idle == 0 ? label : label + " +" + String.format("%,d", idle) + " idle";
    }
}
