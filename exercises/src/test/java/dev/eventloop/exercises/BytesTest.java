package dev.eventloop.exercises;

import static dev.eventloop.exercises.Bytes.assertThatBytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What a learner reads when bytes differ: lengths, the first differing offset, a few bytes around it. */
@ExtendWith(GuardFailures.class)
@Guards(value = "a byte comparison's failure gives the lengths and the first differing offset, never whole arrays",
        read = "exercises/README.md")
class BytesTest {
    /** The longest failure message a comparison of two long arrays may give. */
    private static final int SHORT_MESSAGE = 400;

    private static byte[] counting(int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) i;
        }
        return bytes;
    }

    @Test
    void twoArraysOfTheSameLengthAreComparedByTheirFirstDifference() {
        byte[] expected = counting(12_000);
        byte[] actual = expected.clone();
        actual[4_100] = 0x7f;

        assertThatThrownBy(() -> assertThatBytes(actual).as("the responses").isEqualTo(expected))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("[the responses]")
                .hasMessageContaining("12,000 bytes, as expected; they first differ at offset 4,100")
                // 4,100 is 0x1004: the bytes counted 0xfc ... 0x0c around it, and the 0x04 became 0x7f
                .hasMessageContaining("got      ... fc fd fe ff 00 01 02 03 [7f] 05 06 07 08 09 0a 0b 0c ...")
                .hasMessageContaining("expected ... fc fd fe ff 00 01 02 03 [04] 05 06 07 08 09 0a 0b 0c ...")
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(SHORT_MESSAGE));
    }

    @Test
    void anArrayThatStopsShortSaysWhatIsMissing() {
        byte[] expected = counting(12_000);
        byte[] actual = Arrays.copyOf(expected, 8_192);

        assertThatThrownBy(() -> assertThatBytes(actual).isEqualTo(expected))
                .hasMessageContaining("8,192 bytes where 12,000 were expected: the first 8,192 are the expected ones,"
                        + " then they end; the rest was expected: ... f8 f9 fa fb fc fd fe ff [00] 01 02")
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(SHORT_MESSAGE));
    }

    @Test
    void anArrayWithBytesTooManySaysWhatCameMore() {
        byte[] expected = counting(100);
        byte[] actual = counting(104);

        assertThatThrownBy(() -> assertThatBytes(actual).isEqualTo(expected))
                .hasMessageContaining("104 bytes where 100 were expected: the first 100 are the expected ones, then"
                        + " come more: ... 5c 5d 5e 5f 60 61 62 63 [64] 65 66 67");
    }

    @Test
    void equalArraysPass() {
        assertThatBytes(counting(12_000)).isEqualTo(counting(12_000));
    }

    @Test
    void anyOtherAssertionShowsALongArrayByItsLengthAndFirstBytes() {
        byte[] expected = counting(12_000);
        byte[] actual = expected.clone();
        actual[11_999] = 0;

        // plain AssertJ, as a test that forgot assertThatBytes would write it
        assertThatThrownBy(() -> assertThat(actual).isEqualTo(expected))
                .hasMessageContaining("byte[12,000] 00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f ...")
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(SHORT_MESSAGE));
    }

    @Test
    void aShortArrayIsShownWhole() {
        assertThatThrownBy(() -> assertThat(new byte[] {1, 0, 0, 0, 'a'}).isEqualTo(new byte[] {1, 0, 0, 0, 'b'}))
                .hasMessageContaining("[1, 0, 0, 0, 97]")
                .hasMessageContaining("[1, 0, 0, 0, 98]");
    }
}
