package dev.eventloop.chapter06;

import java.io.IOException;
import java.lang.reflect.Method;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;

/**
 * Makes the event loop's own exception the reason a test fails, when a {@link RunningServer}'s
 * loop thread died during it. Without this, the test reports only what it saw next: a read that
 * timed out, or an {@code EOFException} from a connection the dying loop closed, with the real
 * reason at best among the suppressed exceptions.
 *
 * <p>Register it on every test class that runs a {@link RunningServer}:
 * {@code @ExtendWith(LoopThreadFailures.class)}.
 */
final class LoopThreadFailures implements InvocationInterceptor {
    /** Ample for a dying loop to finish closing; paid only when an IO failure meets a healthy loop. */
    private static final long DYING_LOOP_MILLIS = 2_000;

    @Override
    public void interceptTestMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> invocationContext,
            ExtensionContext extensionContext) throws Throwable {
        RunningServer.forgetUnreportedDeaths(); // a loop that died in an earlier test is not this one's reason
        try {
            invocation.proceed();
        } catch (Throwable thrown) {
            throw explain(thrown);
        }
    }

    /** {@code thrown}, or, if a loop thread died meanwhile, an {@link EventLoopDied} with {@code thrown} suppressed. */
    static Throwable explain(Throwable thrown) {
        if (thrown instanceof EventLoopDied) {
            return thrown;
        }
        EventLoopDied death = null;
        for (Throwable suppressed : thrown.getSuppressed()) {
            if (death == null && suppressed instanceof EventLoopDied closed) {
                death = closed; // RunningServer.close() in a try-with-resources found it
            }
        }
        if (death == null) {
            death = RunningServer.takeUnreportedDeath();
        }
        if (death == null && causedByIo(thrown)) {
            // a closed connection is what a dying loop shows first: give its thread the moment it needs
            RunningServer.awaitDyingLoops(DYING_LOOP_MILLIS);
            death = RunningServer.takeUnreportedDeath();
        }
        if (death == null) {
            return thrown;
        }
        EventLoopDied report = new EventLoopDied(death.getCause());
        report.addSuppressed(thrown);
        return report;
    }

    private static boolean causedByIo(Throwable thrown) {
        for (Throwable t = thrown; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof IOException) {
                return true;
            }
        }
        return false;
    }
}
