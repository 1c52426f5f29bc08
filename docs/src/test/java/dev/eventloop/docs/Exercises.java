package dev.eventloop.docs;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The exercises as {@code exercises/src/test/java/dev/eventloop/exercises/Exercise.java} names
 * them, read as text (this module depends on no other): number, JUnit tag, title and page.
 */
final class Exercises {
    static final String SOURCE = "exercises/src/test/java/dev/eventloop/exercises/Exercise.java";

    private static final Pattern CONSTANT = Pattern.compile("\\bpublic static final String (\\w+) = \"([^\"]+)\";");
    private static final Pattern ENTRY = Pattern.compile(
            "\\b([A-Z_]+)\\(\\s*(\\d+),\\s*Tags\\.(\\w+),\\s*\"([^\"]+)\",\\s*\"([^\"]+)\",\\s*\"[^\"]+\"\\s*\\)");

    /** One exercise. {@code docs} is relative to the repository root. */
    record Exercise(String name, int number, String tag, String title, String docs) {
    }

    private Exercises() {
    }

    static List<Exercise> read(Course course) {
        String text = Course.read(course.root().resolve(SOURCE));
        Map<String, String> tags = new HashMap<>();
        Matcher c = CONSTANT.matcher(text);
        while (c.find()) {
            tags.put(c.group(1), c.group(2));
        }
        List<Exercise> exercises = new ArrayList<>();
        Matcher e = ENTRY.matcher(text);
        while (e.find()) {
            String tag = tags.get(e.group(3));
            if (tag == null) {
                throw new IllegalStateException(SOURCE + ": no constant Tags." + e.group(3));
            }
            exercises.add(new Exercise(e.group(1), Integer.parseInt(e.group(2)), tag, e.group(4), e.group(5)));
        }
        if (exercises.isEmpty()) {
            throw new IllegalStateException(SOURCE + ": found no exercise entries; has the enum changed shape?");
        }
        return exercises;
    }
}
