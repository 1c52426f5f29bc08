package dev.eventloop.exercises;

import java.lang.reflect.Method;
import java.util.Optional;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;

/**
 * Says, at the head of a failing test's message, which behaviour broke and where to read about
 * it (the test's {@link Guards}); the test's own message follows, and its exception is the cause.
 * A guard test's failure starts "Your change broke this: "; an exercise test's failure is framed
 * as its exercise's ({@link Exercise#notDone}), unless the test said so itself already.
 *
 * <p>Register it on every test class, before {@link LoopThreadFailures}:
 * {@code @ExtendWith({GuardFailures.class, LoopThreadFailures.class})}.
 */
final class GuardFailures implements InvocationInterceptor {
    /** How a guard test's failure starts. */
    static final String BROKE = "Your change broke this: ";
    /** The words every message of {@link Exercise#notDone} holds. */
    private static final String NOT_DONE = "is not done yet.";

    @Override
    public void interceptTestMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> invocationContext,
            ExtensionContext extensionContext) throws Throwable {
        try {
            invocation.proceed();
        } catch (Throwable thrown) {
            Optional<Guards> guards = guards(invocationContext.getExecutable());
            if (guards.isEmpty()) {
                throw thrown;
            }
            Optional<Exercise> exercise = Exercise.tagged(extensionContext.getTags());
            if (exercise.isEmpty()) {
                throw explained(guards.get(), thrown);
            }
            if (message(thrown).contains(NOT_DONE)) {
                throw thrown;
            }
            throw explained(exercise.get(), guards.get(), thrown);
        }
    }

    /** The test's {@link Guards}, or its class's. */
    static Optional<Guards> guards(Method test) {
        Guards own = test.getAnnotation(Guards.class);
        return Optional.ofNullable(own != null ? own : test.getDeclaringClass().getAnnotation(Guards.class));
    }

    /** A guard test's failure: what broke, where to read, then the test's own message. */
    static AssertionError explained(Guards guards, Throwable thrown) {
        return wrapped(BROKE + guards.value() + ". Read " + guards.read() + ".\n" + message(thrown),
                thrown);
    }

    /** An exercise test's failure that does not say so itself: its exercise's frame, with what failed inside. */
    static AssertionError explained(Exercise exercise, Guards guards, Throwable thrown) {
        return wrapped(exercise.notDone("What failed: " + guards.value() + ".\n" + message(thrown)), thrown);
    }

    private static String message(Throwable thrown) {
        String message = thrown.getMessage() == null ? thrown.getClass().getName() : thrown instanceof AssertionError
                ? thrown.getMessage() : thrown.getClass().getSimpleName() + ": " + thrown.getMessage();
        return message.strip();
    }

    private static AssertionError wrapped(String message, Throwable thrown) {
        // an EventLoopDied stays one, so that the summary still names the loop's own exception
        AssertionError explained = thrown instanceof EventLoopDied died ? died.explained(message)
                : new AssertionError(message, thrown);
        explained.setStackTrace(thrown.getStackTrace());
        return explained;
    }
}
