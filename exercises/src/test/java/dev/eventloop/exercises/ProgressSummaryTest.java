package dev.eventloop.exercises;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.TestTag;
import org.junit.platform.engine.UniqueId;
import org.junit.platform.engine.support.descriptor.AbstractTestDescriptor;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestIdentifier;

/**
 * What the progress summary says, fed with made-up test results: an exercise is done only when
 * its tests pass and no other test fails; a failing other test is named with its reason; the
 * summary stays short enough to end a Maven log.
 */
@ExtendWith(GuardFailures.class)
@Guards(value = "the progress summary counts each exercise's tests and says what to do next",
        read = "exercises/README.md")
class ProgressSummaryTest {
    private final ProgressSummary summary = new ProgressSummary();

    @Test
    void onAFreshCloneNoExerciseIsDoneAndNextNamesTheFirst() {
        allExerciseTests(false);
        other("ServerTest", "echoesARequest", null);

        List<String> lines = lines(false, false);

        assertThat(lines).startsWith("Exercise progress:");
        assertThat(lines).filteredOn(l -> l.matches("  \\d\\. .*")).hasSize(5).allMatch(l -> l.contains("0/2 tests pass"))
                .noneMatch(l -> l.contains("  done"));
        assertThat(lines).contains("  Other tests (what must keep working): 1/1 pass");
        assertThat(lines).last().asString().startsWith("  Next: exercise 1, hints in docs/exercises/01-epoll.md");
        assertThat(summary.verdict(false, false)).isEqualTo("red Not done yet: 10 exercise tests fail."
                + " The summary above says what to do next.");
    }

    @Test
    void anExerciseIsDoneWhenItsTestsAndAllOtherTestsPass() {
        allExerciseTests(true);
        other("ServerTest", "echoesARequest", null);

        List<String> lines = lines(false, false);

        assertThat(lines).filteredOn(l -> l.matches("  \\d\\. .*")).allMatch(l -> l.contains("2/2 tests pass  done"));
        assertThat(lines).last().asString().startsWith("  All exercises done.");
        assertThat(summary.verdict(false, false)).isEqualTo("green");
    }

    @Test
    void aFailingOtherTestMeansNoExerciseIsDoneAndIsNamedWithItsReason() {
        allExerciseTests(true);
        other("ServerTest", "answersThreePipelinedRequestsInOrder",
                new AssertionError("[the responses, in order] \nexpected: [a, b]\n but was: [a]"));

        List<String> lines = lines(false, false);

        assertThat(lines).filteredOn(l -> l.matches("  \\d\\. .*")).noneMatch(l -> l.contains("  done"))
                .allMatch(l -> l.contains("2/2 tests pass; not done while others fail"));
        assertThat(lines).contains("  your change broke: ServerTest.answersThreePipelinedRequestsInOrder:"
                + " [the responses, in order] expected: [a, b] but was: [a]");
        assertThat(lines).last().asString().startsWith("  Next: fix what your change broke");
        assertThat(summary.verdict(false, false)).startsWith("red Not done yet: 1 other test fails.");
    }

    @Test
    void aGuardTestsFailureIsNamedByWhatBrokeAndWhereToRead() {
        allExerciseTests(true);
        other("ServerTest", "echoesARequest", new AssertionError(GuardFailures.BROKE + "a request is answered with its own"
                + " bytes. Read docs/06-eventloop.md#the-protocol.\nexpected: \"hello\" but was: \"hell\""));

        assertThat(lines(false, false)).contains("  your change broke: ServerTest.echoesARequest: a request is answered"
                + " with its own bytes. Read docs/06-eventloop.md#the-protocol. expected: \"hello\" but was: \"hell\"");
    }

    @Test
    void aFailureWithoutAMessageIsNamedByTypeAndPlace() {
        AssertionError bare = new AssertionError();
        bare.setStackTrace(new StackTraceElement[] {new StackTraceElement("dev.eventloop.exercises.Server", "tryFillBuffer",
                "Server.java", 312)});

        assertThat(ProgressSummary.reason(TestExecutionResult.failed(bare)))
                .isEqualTo("AssertionError with no message at Server.java:312");
        assertThat(ProgressSummary.reason(TestExecutionResult.failed(new java.io.EOFException("closed"))))
                .isEqualTo("EOFException: closed");
        assertThat(ProgressSummary.reason(TestExecutionResult.failed(new EventLoopDied(bare))))
                .isEqualTo("the event loop thread died: AssertionError with no message at Server.java:312");
    }

    @Test
    void withManyBrokenTestsTheSummaryStillFitsInTenLines() {
        allExerciseTests(false);
        for (int i = 0; i < 20; i++) {
            other("ServerTest", "test" + i, new AssertionError("broken " + i));
        }

        List<String> lines = lines(false, false);

        // Maven prints at most 16 lines after it (see ProgressReport): 26 in all, about a screen's end
        assertThat(lines).hasSizeLessThanOrEqualTo(10);
        assertThat(lines).filteredOn(l -> l.startsWith("  your change broke: ")).hasSize(ProgressSummary.NAMED_FAILURES);
        assertThat(lines).last().asString().startsWith("  ... and 18 more; fix what your change broke");
    }

    @Test
    void withTheBooksThreeDoneTheOptionalFourthIsOfferedWithAWayToLeaveItOut() {
        allExerciseTests(true);
        exerciseTest(Exercise.IDLE_TIMEOUT, "second", false);
        other("ServerTest", "echoesARequest", null);

        assertThat(lines(false, false)).last().asString()
                .startsWith("  The book's exercises are done. Next, if you like: exercise 4, hints in"
                        + " docs/exercises/04-idle-timeout.md")
                .endsWith("to leave it out: ./mvnw test -pl exercises -DexcludedGroups=idle-timeout");
    }

    @Test
    void withTheBooksThreeDoneBothOptionalOnesAreLeftOutTogether() {
        allExerciseTests(true);
        exerciseTest(Exercise.IDLE_TIMEOUT, "second", false);
        exerciseTest(Exercise.LOOPS, "second", false);
        other("ServerTest", "echoesARequest", null);

        assertThat(lines(false, false)).last().asString()
                .startsWith("  The book's exercises are done. Next, if you like: exercise 4, hints in"
                        + " docs/exercises/04-idle-timeout.md")
                .endsWith("to leave them out: ./mvnw test -pl exercises -DexcludedGroups=idle-timeout,loops");
    }

    @Test
    void withTheFourthLeftOutTheFifthIsOfferedAndTheFourthStaysOut() {
        for (Exercise exercise : Exercise.values()) {
            if (exercise != Exercise.IDLE_TIMEOUT) {
                exerciseTest(exercise, "first", exercise != Exercise.LOOPS);
            }
        }
        other("ServerTest", "echoesARequest", null);

        assertThat(lines(false, false)).last().asString()
                .startsWith("  The book's exercises are done. Next, if you like: exercise 5, hints in"
                        + " docs/exercises/05-loops.md")
                .endsWith("to leave them out: ./mvnw test -pl exercises -DexcludedGroups=idle-timeout,loops");
    }

    @Test
    void theOptionalFourthAloneIsNotOfferedAsWhatComesAfterTheBooks() {
        exerciseTest(Exercise.IDLE_TIMEOUT, "first", false);

        assertThat(lines(false, false)).last().asString()
                .startsWith("  Next: exercise 4, hints in docs/exercises/04-idle-timeout.md");
    }

    @Test
    void withTheOptionalFourthLeftOutTheBooksThreeAreDone() {
        for (Exercise exercise : Exercise.values()) {
            if (!exercise.optional()) {
                exerciseTest(exercise, "first", true);
            }
        }
        other("ServerTest", "echoesARequest", null);

        assertThat(lines(false, false)).last().asString().startsWith("  The book's exercises are done. Compare");
        assertThat(summary.verdict(false, false)).isEqualTo("green");
    }

    @Test
    void anExerciseTestThatDidNotFailIsNoFailure() {
        exerciseTest(Exercise.EPOLL, "one", true);
        summary.executionFinished(test("ExerciseTest1", "two", Exercise.EPOLL.tag()),
                TestExecutionResult.aborted(new IllegalStateException("an assumption did not hold")));

        assertThat(lines(false, false)).anyMatch(l -> l.startsWith("  1. ") && l.contains("1/2 tests pass"));
        assertThat(summary.verdict(false, false)).isEqualTo("green");
    }

    @Test
    void theSolutionsSummarySaysItIsTheReferenceSolutions() {
        allExerciseTests(true);
        other("SourceParityTest", "filesDifferOnlyInsideExerciseRegions", null);

        assertThat(lines(false, true)).first().asString().contains("reference solutions");
    }

    @Test
    void theStubCheckSaysWhatAPassingExerciseTestMeansAfterTheExercisesAreSolved() {
        // in the stub check, "successful" means the stub failed the test, as it must
        allExerciseTests(false);

        List<String> lines = lines(true, false);

        assertThat(lines).first().asString().startsWith("Stub check");
        assertThat(lines).last().asString().contains("expected once you have solved the exercises")
                .contains("check your work with ./mvnw test -pl exercises instead");
    }

    @Test
    void onlyTheExercisesThatRanAreCountedAndTheOthersSayNotRun() {
        exerciseTest(Exercise.EPOLL, "one", true);
        exerciseTest(Exercise.EPOLL, "two", true);

        List<String> lines = lines(false, false);

        assertThat(lines).anyMatch(l -> l.startsWith("  1. ") && l.contains("2/2 tests pass; run all tests to finish"));
        assertThat(lines).anyMatch(l -> l.startsWith("  2. ") && l.contains("not run"));
        assertThat(lines).contains("  Other tests (what must keep working): not run (the whole module runs them)");
        assertThat(lines).last().asString().isEqualTo("  Next: run every test of the module: ./mvnw test -pl exercises");
    }

    private List<String> lines(boolean stubCheck, boolean referenceSolutions) {
        return summary.summary(stubCheck, referenceSolutions).lines().toList();
    }

    private void allExerciseTests(boolean pass) {
        for (Exercise exercise : Exercise.values()) {
            exerciseTest(exercise, "first", pass);
            exerciseTest(exercise, "second", pass);
        }
    }

    private void exerciseTest(Exercise exercise, String method, boolean pass) {
        summary.executionFinished(test("ExerciseTest" + exercise.number(), method, exercise.tag()),
                pass ? TestExecutionResult.successful() : TestExecutionResult.failed(new AssertionError("not yet")));
    }

    private void other(String className, String method, Throwable failure) {
        summary.executionFinished(test(className, method),
                failure == null ? TestExecutionResult.successful() : TestExecutionResult.failed(failure));
    }

    private static TestIdentifier test(String className, String method, String... tags) {
        String fqcn = "dev.eventloop.exercises." + className;
        UniqueId id = UniqueId.forEngine("made-up").append("method", fqcn + "#" + method);
        Set<TestTag> tagSet = Arrays.stream(tags).map(TestTag::create).collect(Collectors.toSet());
        return TestIdentifier.from(new AbstractTestDescriptor(id, method + "()", MethodSource.from(fqcn, method)) {
            @Override
            public Type getType() {
                return Type.TEST;
            }

            @Override
            public Set<TestTag> getTags() {
                return tagSet;
            }
        });
    }
}
