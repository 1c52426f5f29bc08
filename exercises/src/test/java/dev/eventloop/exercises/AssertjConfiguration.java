package dev.eventloop.exercises;

import org.assertj.core.configuration.Configuration;
import org.assertj.core.presentation.Representation;
import org.assertj.core.presentation.StandardRepresentation;

/**
 * The tests' AssertJ settings, which AssertJ loads by itself ({@code META-INF/services}): a byte
 * array longer than {@value Bytes#SHOWN_WHOLE} bytes appears in a failure message as its length
 * and first bytes ({@link Bytes#describe}), not as thousands of numbers.
 */
public final class AssertjConfiguration extends Configuration {
    private static final Representation SHORT_BYTE_ARRAYS = new StandardRepresentation() {
        @Override
        public String toStringOf(Object object) {
            return object instanceof byte[] bytes && bytes.length > Bytes.SHOWN_WHOLE ? Bytes.describe(bytes)
                    : super.toStringOf(object);
        }
    };

    @Override
    public Representation representation() {
        return SHORT_BYTE_ARRAYS;
    }

    /** Applies the settings without printing them all at the head of every test run. */
    @Override
    public void applyAndDisplay() {
        apply();
    }
}
