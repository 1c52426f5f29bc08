package dev.eventloop.exercises;

import java.lang.reflect.Method;
import java.util.Optional;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;

/**
 * Turns the exercise tests around for the course's full check, which runs them against the
 * stubs shipped in {@code exercises}: there, an exercise test <em>must</em> fail. A failure is
 * reported as a pass, and a pass as a failure ("this test cannot tell a stub from a solution").
 *
 * <p>Active only when the system property {@value #PROPERTY} is {@code true} (the
 * {@code full-check} Maven profile sets it); otherwise, in the learner's runs and in
 * {@code solutions}, the tests run as written. Tests without an exercise tag are never touched.
 */
public final class StubCheck implements InvocationInterceptor {
    /** The switch, set by the {@code full-check} profile of {@code exercises}. */
    public static final String PROPERTY = "exercises.expectStubs";

    /** Said with every failure of the stub check: a learner who solved the exercises meets it too. */
    static final String AFTER_EXERCISES = "Once you have solved the exercise this failure is expected, as the full check"
            + " is the maintainers' check of the shipped stubs: check your work with " + ProgressSummary.WHOLE_MODULE
            + " instead.";

    /** Whether this run checks the stubs. */
    static boolean active() {
        return Boolean.getBoolean(PROPERTY);
    }

    @Override
    public void interceptTestMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> invocationContext,
            ExtensionContext extensionContext) throws Throwable {
        Optional<Exercise> exercise = Exercise.tagged(extensionContext.getTags());
        if (!active() || exercise.isEmpty()) {
            invocation.proceed();
            return;
        }
        try {
            invocation.proceed();
        } catch (Throwable expected) {
            return; // the stub fails this exercise test, as it must
        }
        throw new AssertionError("Stub check: " + extensionContext.getDisplayName() + " passed against the stub of"
                + " exercise " + exercise.get().number() + " (" + exercise.get().tag() + "). Either the stub in"
                + " exercises/src/main already contains the answer, or this test cannot tell a stub from a solution."
                + " " + AFTER_EXERCISES);
    }
}
