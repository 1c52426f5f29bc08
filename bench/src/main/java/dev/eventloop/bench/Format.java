package dev.eventloop.bench;

import java.util.Locale;

/** Numbers as the reports and the console print them. */
final class Format {
    private Format() {
    }

    /** A duration in nanoseconds, short and readable: {@code 87 µs}, {@code 1.23 ms}, {@code 2.5 s}. */
    static String duration(double nanos) {
        if (nanos < 1e6) {
            return String.format(Locale.ROOT, "%.0f µs", nanos / 1e3);
        }
        if (nanos < 1e9) {
            return String.format(Locale.ROOT, nanos < 1e7 ? "%.2f ms" : "%.0f ms", nanos / 1e6);
        }
        return String.format(Locale.ROOT, "%.1f s", nanos / 1e9);
    }

    /** {@code 950}, {@code 12k}, {@code 1.2M}: short enough to sit on a bar of a chart. */
    static String compact(double v) {
        String s;
        if (v >= 1e6) {
            s = String.format(Locale.ROOT, v >= 1e7 ? "%.0fM" : "%.1fM", v / 1e6);
        } else if (v >= 1e3) {
            s = String.format(Locale.ROOT, v >= 1e4 ? "%.0fk" : "%.1fk", v / 1e3);
        } else {
            s = String.format(Locale.ROOT, "%.0f", v);
        }
        return s.replace(".0", ""); // 1.0M reads better as 1M
    }
}
