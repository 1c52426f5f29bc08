package dev.eventloop.exercises;

import java.util.Arrays;
import java.util.HexFormat;
import org.assertj.core.api.AbstractAssert;

/**
 * Byte arrays in failure messages: their lengths, and where two of them first differ, with a few
 * bytes around the place; never a dump of thousands of bytes that look alike. Every test compares
 * bytes through {@link #assertThatBytes}; and AssertJ shows any other byte array longer than
 * {@value #SHOWN_WHOLE} bytes by its length and its first bytes ({@link AssertjConfiguration}).
 */
final class Bytes {
    /** Arrays up to this long are shown whole. */
    static final int SHOWN_WHOLE = 64;
    /** The bytes shown on each side of the first difference. */
    private static final int CONTEXT = 8;
    private static final HexFormat HEX = HexFormat.of().withDelimiter(" ");

    private Bytes() {
    }

    /** {@code assertThat} for bytes: {@code assertThatBytes(channel.written()).as("every response").isEqualTo(expected)}. */
    static BytesAssert assertThatBytes(byte[] actual) {
        return new BytesAssert(actual);
    }

    /** An array as a failure message shows it: whole in hex if short, else its length and its first bytes. */
    static String describe(byte[] bytes) {
        if (bytes.length <= SHOWN_WHOLE) {
            return "byte[" + bytes.length + "] " + HEX.formatHex(bytes);
        }
        return String.format("byte[%,d] %s ...", bytes.length, HEX.formatHex(bytes, 0, 16));
    }

    /** How {@code actual} differs from {@code expected}, or {@code null} if it does not. */
    static String difference(byte[] actual, byte[] expected) {
        int at = Arrays.mismatch(actual, expected);
        if (at < 0) {
            return null;
        }
        String lengths = actual.length == expected.length ? String.format("%,d bytes, as expected", actual.length)
                : String.format("%,d bytes where %,d were expected", actual.length, expected.length);
        if (at == Math.min(actual.length, expected.length)) {
            return String.format("%s: the first %,d are the expected ones, then %s", lengths, at, actual.length < expected.length
                    ? "they end; the rest was expected: " + around(expected, at) : "come more: " + around(actual, at));
        }
        return String.format("%s; they first differ at offset %,d:%n  got      %s%n  expected %s", lengths, at,
                around(actual, at), around(expected, at));
    }

    /** The bytes around {@code at}, in hex, the one at {@code at} in brackets. */
    private static String around(byte[] bytes, int at) {
        int from = Math.max(0, at - CONTEXT);
        int to = Math.min(bytes.length, at + CONTEXT + 1);
        StringBuilder sb = new StringBuilder(from > 0 ? "... " : "");
        for (int i = from; i < to; i++) {
            String hex = HEX.toHexDigits(bytes[i]);
            sb.append(i == at ? "[" + hex + "]" : hex).append(i + 1 < to ? " " : "");
        }
        return sb.append(to < bytes.length ? " ..." : "").toString();
    }

    /** AssertJ's assertion for a byte array, saying where it differs. */
    static final class BytesAssert extends AbstractAssert<BytesAssert, byte[]> {
        private BytesAssert(byte[] actual) {
            super(actual, BytesAssert.class);
        }

        /** Equal to {@code expected}, byte for byte. */
        BytesAssert isEqualTo(byte[] expected) {
            isNotNull();
            String difference = difference(actual, expected);
            if (difference != null) {
                failWithMessage("%s", difference);
            }
            return this;
        }
    }
}
