package dev.eventloop.exercises;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectPackage;
import static org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder.request;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.engine.TestTag;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;
import org.junit.platform.launcher.core.LauncherFactory;

@ExtendWith(GuardFailures.class)
@Guards(value = "every test says what it guards, and a guard test where to read about it",
        read = "exercises/README.md")
class GuardsTest {
    @Test
    void everyTestSaysWhatItGuards() throws Exception {
        TestPlan plan = LauncherFactory.create().discover(request().selectors(selectPackage(getClass().getPackageName())).build());
        List<String> tests = new ArrayList<>();
        List<String> silent = new ArrayList<>();
        for (TestIdentifier root : plan.getRoots()) {
            for (TestIdentifier test : plan.getDescendants(root)) {
                if (!test.isTest() || !(test.getSource().orElse(null) instanceof MethodSource source)) {
                    continue;
                }
                Method method = source.getJavaMethod();
                if (!ours(method.getDeclaringClass())) {
                    continue; // a class of the same package elsewhere on the classpath (the solutions' own tests)
                }
                boolean exercise = test.getTags().stream().map(TestTag::getName)
                        .anyMatch(tag -> Exercise.tagged(List.of(tag)).isPresent());
                String name = method.getDeclaringClass().getSimpleName() + "." + method.getName();
                tests.add(name);
                Optional<Guards> guards = GuardFailures.guards(method);
                if (guards.isEmpty()) {
                    silent.add(name);
                } else if (exercise != guards.get().read().isEmpty()) {
                    silent.add(name + (exercise ? " (an exercise test: its page is its exercise's, leave read out)"
                            : " (says what it guards, but not where to read)"));
                }
                ExtendWith extensions = method.getDeclaringClass().getAnnotation(ExtendWith.class);
                if (extensions == null || !List.of(extensions.value()).contains(GuardFailures.class)) {
                    silent.add(name + " (its class does not register GuardFailures)");
                }
            }
        }
        assertThat(tests).as("the module's tests, found").hasSizeGreaterThan(90);
        assertThat(silent).as("tests that would fail without saying what broke: give each a @Guards, on the test or"
                + " its class, and register GuardFailures on the class").isEmpty();
    }

    private static boolean ours(Class<?> type) {
        return type.getProtectionDomain().getCodeSource().getLocation()
                .equals(GuardsTest.class.getProtectionDomain().getCodeSource().getLocation());
    }

    @Test
    @Guards(value = "a guard test's failure starts with what broke", read = "exercises/README.md")
    void aGuardTestsFailureSaysWhatBrokeAndWhereToReadBeforeItsOwnMessage() throws Exception {
        Guards guards = getClass().getDeclaredMethod("aGuardTestsFailureSaysWhatBrokeAndWhereToReadBeforeItsOwnMessage")
                .getAnnotation(Guards.class);
        AssertionError bare = new AssertionError("\nExpecting actual:\n  14966L\nto be less than or equal to:\n  20L");

        AssertionError explained = GuardFailures.explained(guards, bare);

        assertThat(explained.getMessage().lines().findFirst()).hasValue(
                "Your change broke this: a guard test's failure starts with what broke. Read exercises/README.md.");
        assertThat(explained.getMessage()).contains("14966L");
        assertThat(explained.getCause()).isSameAs(bare);
    }

    @Test
    @Guards(value = "an exercise test's failure that does not say so itself is framed as its exercise's",
            read = "exercises/README.md")
    void anExerciseTestsOtherFailuresAreFramedAsItsExercisesWithWhatFailed() throws Exception {
        Guards guards = BatchedWritesExerciseTest.class.getDeclaredMethod("answersAPipelinedBurstWithOneWrite")
                .getAnnotation(Guards.class);
        AssertionError bare = new AssertionError("[the bytes written back] 14 bytes where 1,400 were expected");

        AssertionError explained = GuardFailures.explained(Exercise.BATCHED_WRITES, guards, bare);

        assertThat(explained.getMessage()).contains("Exercise 3 (batched writes) is not done yet.",
                "What failed: a burst of pipelined requests that arrives in one read is answered, in order, with one write.",
                "[the bytes written back] 14 bytes where 1,400 were expected",
                "Read:  docs/exercises/03-batched-writes.md");
        assertThat(explained.getCause()).isSameAs(bare);
    }

    @Test
    @Guards(value = "a failure that the event loop's death explains still says so, after what broke",
            read = "exercises/README.md")
    void aDeathOfTheLoopStaysTheReasonAfterWhatBroke() throws Exception {
        Guards guards = getClass().getDeclaredMethod("aDeathOfTheLoopStaysTheReasonAfterWhatBroke").getAnnotation(Guards.class);
        IllegalStateException onTheLoop = new IllegalStateException("not expected: STATE_END");

        AssertionError explained = GuardFailures.explained(guards, new EventLoopDied(onTheLoop));

        assertThat(explained).isInstanceOf(EventLoopDied.class).hasCause(onTheLoop);
        assertThat(explained.getMessage()).startsWith("Your change broke this: a failure that the event loop's death"
                + " explains still says so, after what broke. Read exercises/README.md.\nThe event loop thread died, so the"
                + " test could not go on: java.lang.IllegalStateException: not expected: STATE_END");
    }
}
