package dev.eventloop.docs;

import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/**
 * Rewrites every quoted code block in the course text from its tagged source region:
 * {@code ./mvnw -q -pl docs test-compile exec:java@refresh-snippets}. Prints what it changed;
 * fails (the build fails) if a marker is malformed or names a region that does not exist.
 */
public final class RefreshSnippets {
    private RefreshSnippets() {
    }

    /** {@code [repository root]}; without it, the root is found from the working directory. */
    public static void main(String[] args) {
        Course course = args.length > 0 ? new Course(Paths.get(args[0])) : Course.locate();
        List<Snippets.Problem> problems = new ArrayList<>();
        List<String> changed = new Snippets(course).refresh(problems);
        if (changed.isEmpty()) {
            System.out.println("refresh-snippets: every quoted block already equals its source region");
        }
        for (String line : changed) {
            System.out.println("refreshed " + line);
        }
        if (!problems.isEmpty()) {
            StringBuilder message = new StringBuilder("cannot refresh every snippet:");
            for (Snippets.Problem problem : problems) {
                message.append(System.lineSeparator()).append("  ").append(problem.message());
            }
            throw new IllegalStateException(message.toString());
        }
    }
}
