package dev.eventloop.exercises;

import java.util.EnumMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.TestTag;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * Prints, at the end of every test run, one line per exercise: how many of its tests pass, and
 * where its hints are. Registered through {@code META-INF/services}, so the JUnit Platform loads
 * it in Maven and in the IDE alike.
 */
public final class ProgressSummary implements TestExecutionListener {
    private final Map<Exercise, int[]> counts = new EnumMap<>(Exercise.class);

    @Override
    public void testPlanExecutionStarted(TestPlan testPlan) {
        counts.clear();
    }

    @Override
    public void executionFinished(TestIdentifier test, TestExecutionResult result) {
        if (!test.isTest()) {
            return;
        }
        var tags = test.getTags().stream().map(TestTag::getName).collect(Collectors.toSet());
        Exercise.tagged(tags).ifPresent(exercise -> {
            int[] passedAndTotal = counts.computeIfAbsent(exercise, e -> new int[2]);
            if (result.getStatus() == TestExecutionResult.Status.SUCCESSFUL) {
                passedAndTotal[0]++;
            }
            passedAndTotal[1]++;
        });
    }

    @Override
    public void testPlanExecutionFinished(TestPlan testPlan) {
        if (counts.isEmpty()) {
            return; // no exercise test ran (for example -Dtest=SomeBaselineTest)
        }
        StringBuilder out = new StringBuilder(System.lineSeparator());
        if (StubCheck.active()) {
            out.append("Stub check (exercise tests must fail against the shipped stubs):").append(System.lineSeparator());
        } else {
            out.append("Exercise progress:").append(System.lineSeparator());
        }
        for (Exercise exercise : Exercise.values()) {
            int[] c = counts.get(exercise);
            String status;
            if (c == null) {
                status = "not run";
            } else if (StubCheck.active()) {
                status = c[0] + "/" + c[1] + " fail against the stub" + (c[0] == c[1] ? "" : "  <-- NOT ALL");
            } else {
                status = c[0] + "/" + c[1] + " tests pass" + (c[0] == c[1] ? "  done" : "");
            }
            out.append(String.format("  %d. %-26s %-44s hints: %s%n", exercise.number(), exercise.title(), status,
                    exercise.docs()));
        }
        System.out.print(out);
        System.out.flush();
    }
}
