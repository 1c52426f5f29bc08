package dev.eventloop.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps the course text true: quoted code equals its tagged source region, relative links and
 * images resolve, the exercise index matches {@code Exercise.java}, and the commands name real
 * modules, executions and tests. Each failure names the Markdown file and line (and, for a
 * snippet, the source file and line) and says how to fix it.
 */
class CourseTextTest {
    private static final String MAP = "docs/README.md";

    private final Course course = Course.locate();

    @Test
    void everyQuotedCodeBlockEqualsItsTaggedSourceRegion() {
        List<Snippets.Problem> problems = new Snippets(course).check();

        boolean afterExercises = problems.stream().anyMatch(Snippets.Problem::insideExercise);
        assertThat(problems.stream().map(Snippets.Problem::message))
                .as("code blocks that differ from their source; each names both places"
                        + (afterExercises ? ". " + Snippets.AFTER_EXERCISES : ""))
                .isEmpty();
    }

    @Test
    void theCourseTextQuotesSource() {
        Snippets snippets = new Snippets(course);
        int quotes = 0;
        for (Path file : course.markdownFiles()) {
            quotes += snippets.quotes(Markdown.read(file), new ArrayList<>()).size();
        }
        assertThat(quotes).as("snippet markers found under %s (is the root right?)", course.root()).isGreaterThan(10);
    }

    @Test
    void everyRelativeLinkAndImagePointsToSomething() {
        assertThat(new Links(course).check()).as("broken relative links (file:line: target)").isEmpty();
    }

    @Test
    void javaBlocksThatQuoteSourceAreMarkedAsSnippets() {
        Map<Path, Set<String>> sources = new HashMap<>();
        for (Path source : course.javaSources()) {
            sources.put(source, Course.lines(source).stream().map(String::strip).collect(Collectors.toSet()));
        }
        List<String> problems = new ArrayList<>();
        for (Path file : course.markdownFiles()) {
            Markdown md = Markdown.read(file);
            for (Markdown.Fence fence : md.fences) {
                boolean marked = fence.open() > 0 && md.lines.get(fence.open() - 1).strip().startsWith("<!-- snippet");
                if (marked || !fence.language().equals("java")) {
                    continue;
                }
                List<String> code = fence.content().stream().map(String::strip)
                        .filter(line -> line.length() > 3 && !line.startsWith("//") && !line.equals("...")).toList();
                if (code.size() < 3) {
                    continue;
                }
                for (Map.Entry<Path, Set<String>> source : sources.entrySet()) {
                    if (source.getValue().containsAll(code)) {
                        problems.add(course.rel(file) + ":" + (fence.open() + 1) + " quotes " + course.rel(source.getKey())
                                + " without a snippet marker: tag the region in the source and put"
                                + " <!-- snippet: path#tag --> on the line before the block, so that it cannot drift");
                        break;
                    }
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void theExerciseIndexMatchesExerciseJava() {
        List<Exercises.Exercise> exercises = Exercises.read(course);
        List<String> map = Course.lines(course.root().resolve(MAP));
        List<String> problems = new ArrayList<>();
        for (Exercises.Exercise exercise : exercises) {
            Path page = course.root().resolve(exercise.docs());
            if (!Files.isRegularFile(page)) {
                problems.add(Exercises.SOURCE + " names " + exercise.docs() + ", which does not exist");
                continue;
            }
            String link = "(" + course.root().resolve("docs").relativize(page).toString().replace('\\', '/') + ")";
            boolean listed = map.stream().anyMatch(line -> line.contains(link) && line.contains(exercise.title())
                    && line.contains("`" + exercise.tag() + "`") && line.matches("^\\|\\s*" + exercise.number() + "\\s*\\|.*"));
            if (!listed) {
                problems.add(MAP + " has no exercise table row | " + exercise.number() + " | ... " + exercise.title()
                        + " ... `" + exercise.tag() + "` ... " + link + " |, as " + Exercises.SOURCE + " names it");
            }
            String text = Course.read(page);
            if (!text.contains("-Dgroups=" + exercise.tag())) {
                problems.add(exercise.docs() + " never shows how to run only its tests: -Dgroups=" + exercise.tag());
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void progressSummaryLinesAreLaidOutAsProgressSummaryJavaPrintsThem() {
        String source = "exercises/src/test/java/dev/eventloop/exercises/ProgressSummary.java";
        Matcher format = Pattern.compile("String\\.format\\(\"(  %d\\. [^\"]*hints: %s)%n\"")
                .matcher(Course.read(course.root().resolve(source)));
        assertThat(format.find()).as("the summary line's format string in %s", source).isTrue();
        Map<Integer, String> titles = new HashMap<>();
        for (Exercises.Exercise exercise : Exercises.read(course)) {
            titles.put(exercise.number(), exercise.title());
        }
        Pattern row = Pattern.compile("^ *  (\\d)\\. (.*?) hints: (\\S+)$");
        List<String> problems = new ArrayList<>();
        for (Path file : course.markdownFiles()) {
            Markdown md = Markdown.read(file);
            for (Markdown.Fence fence : md.fences) {
                for (int k = 0; k < fence.content().size(); k++) {
                    String line = fence.content().get(k);
                    Matcher m = row.matcher(line);
                    String title = m.matches() ? titles.get(Integer.parseInt(m.group(1))) : null;
                    if (title == null || !m.group(2).startsWith(title)) {
                        continue;
                    }
                    String status = m.group(2).substring(title.length()).strip();
                    String expected = String.format(format.group(1), Integer.parseInt(m.group(1)), title, status, m.group(3));
                    if (!line.equals(expected)) {
                        problems.add(course.rel(file) + ":" + (fence.open() + 2 + k) + " shows a progress summary line laid"
                                + " out differently from what " + source + " prints now:\n    docs:  " + line
                                + "\n    print: " + expected + "\n  Run the tests and paste what they print.");
                    }
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void everyCommandNamesRealModulesExecutionsAndTests() {
        Set<String> tags = Exercises.read(course).stream().map(Exercises.Exercise::tag).collect(Collectors.toSet());

        assertThat(new Commands(course, tags).check()).as("commands that cannot work as written").isEmpty();
    }

    @Test
    void mermaidBlocksUseTheDiagramTypesGitHubRenders() {
        List<String> problems = new ArrayList<>();
        for (Path file : course.markdownFiles()) {
            Markdown md = Markdown.read(file);
            for (Markdown.Fence fence : md.fences) {
                if (!fence.language().equals("mermaid")) {
                    continue;
                }
                String where = course.rel(file) + ":" + (fence.open() + 1);
                List<String> lines = fence.content().stream().map(String::strip)
                        .filter(l -> !l.isEmpty() && !l.startsWith("%%")).toList();
                String first = lines.isEmpty() ? "" : lines.get(0);
                if (!first.matches("stateDiagram-v2|sequenceDiagram|(flowchart|graph) (TD|TB|LR|RL|BT)")) {
                    problems.add(where + ": starts with \"" + first + "\"; use stateDiagram-v2, sequenceDiagram or flowchart LR/TD");
                }
                long opened = lines.stream().filter(l -> l.matches("^(subgraph|loop|alt|opt|par|critical|rect|box)\\b.*")
                        || l.matches("^state .*\\{$")).count();
                long closed = lines.stream().filter(l -> l.equals("end") || l.equals("}")).count();
                if (opened != closed) {
                    problems.add(where + ": " + opened + " blocks opened (subgraph, loop, alt, state {...}) but " + closed + " closed");
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void theCourseMapLinksEveryPage() throws Exception {
        Path docs = course.root().resolve("docs");
        Set<String> linked = new HashSet<>();
        Links links = new Links(course);
        for (Links.Link link : Links.links(Markdown.read(docs.resolve("README.md")))) {
            if (links.broken(link) == null && !link.target().contains(":")) {
                String path = link.target().replaceAll("#.*", "");
                linked.add(course.rel(docs.resolve(path)));
            }
        }
        List<String> pages = new ArrayList<>();
        for (Path dir : List.of(docs, docs.resolve("exercises"))) {
            try (Stream<Path> files = Files.list(dir)) {
                files.filter(p -> p.toString().endsWith(".md") && !p.getFileName().toString().equals("README.md"))
                        .map(course::rel).sorted().forEach(pages::add);
            }
        }
        assertThat(linked).as("pages linked from " + MAP).containsAll(pages);
    }

    /** Where a guard test of the exercises module says to read: {@code read = "docs/07-production-failures.md#3-half-close"}. */
    private static final Pattern GUARDS_READ = Pattern.compile("\\bread = \"([^\"]+)\"");

    @Test
    void everyPlaceAGuardTestSendsTheLearnerExists() throws IOException {
        Path tests = course.root().resolve("exercises/src/test/java");
        Links links = new Links(course);
        List<String> broken = new ArrayList<>();
        int found = 0;
        try (Stream<Path> files = Files.walk(tests)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                List<String> lines = Course.lines(file);
                for (int i = 0; i < lines.size(); i++) {
                    Matcher read = GUARDS_READ.matcher(lines.get(i));
                    while (read.find()) {
                        found++;
                        // the path is relative to the repository root, as a link from a file there would be
                        String why = links.broken(new Links.Link(course.root().resolve("README.md"), i + 1, read.group(1)));
                        if (why != null) {
                            broken.add(course.rel(file) + ":" + (i + 1) + ": " + read.group(1) + " (" + why + ")");
                        }
                    }
                }
            }
        }
        assertThat(found).as("@Guards(read = ...) in %s", course.rel(tests)).isGreaterThan(40);
        assertThat(broken).as("guard tests that send the learner to a page or section that does not exist").isEmpty();
    }

    @Test
    void theReadmeStartsWithTheLearnersCommands() {
        Markdown readme = Markdown.read(course.root().resolve("README.md"));
        assertThat(readme.fences.stream().limit(2).map(fence -> String.join("\n", fence.content())).toList())
                .as("the first two code blocks of README.md: the demo, then the exercises' tests (the maintainers'"
                        + " full check comes later, under its own heading)")
                .containsExactly("./mvnw -q -pl chapter06-eventloop compile exec:java@demo", "./mvnw test -pl exercises");
    }

    /** A page's time, as its opening line and the course map give it: "About 40 minutes", "60 to 90 min". */
    private static final Pattern PAGE_TIME = Pattern.compile("About (\\d+)(?: to (\\d+))? minutes");
    private static final Pattern MAP_TIME = Pattern.compile("^(\\d+)(?: to (\\d+))? min$");

    @Test
    void theCourseMapGivesEachPageItsOwnTimeAndAddsThemUp() {
        List<String> map = Course.lines(course.root().resolve(MAP));
        int[] book = new int[2];
        int[] optional = new int[2];
        int rows = 0;
        for (String row : map) {
            Matcher link = Pattern.compile("^\\| \\[[^]]+]\\(((?:exercises/)?[0-9][^)]*\\.md)\\) \\|").matcher(row);
            if (!link.find()) {
                continue;
            }
            rows++;
            Path page = course.root().resolve("docs").resolve(link.group(1));
            Matcher pageTime = PAGE_TIME.matcher(String.join(" ", Course.lines(page).subList(0, 5)));
            assertThat(pageTime.find()).as("%s opens with its time, \"About N minutes\" or \"About N to M minutes\"",
                    course.rel(page)).isTrue();
            List<String> cells = cells(row);
            String given = cells.get(cells.size() - 1);
            String expected = pageTime.group(2) == null ? pageTime.group(1) + " min"
                    : pageTime.group(1) + " to " + pageTime.group(2) + " min";
            assertThat(given).as("the time %s gives %s; the page says \"%s\"", MAP, course.rel(page), pageTime.group())
                    .isEqualTo(expected);
            Matcher minutes = MAP_TIME.matcher(given);
            assertThat(minutes.matches()).isTrue();
            int low = Integer.parseInt(minutes.group(1));
            int high = minutes.group(2) == null ? low : Integer.parseInt(minutes.group(2));
            int[] sum = row.contains("(optional)") ? optional : book;
            sum[0] += low;
            sum[1] += high;
        }
        assertThat(rows).as("pages in the time table of %s", MAP).isGreaterThanOrEqualTo(9);
        String total = String.format("About %s to %s hours in all, the book's three exercises included; the optional"
                + " fourth and fifth add %s to %s.", hours(book[0]), hours(book[1]), hours(optional[0]), hours(optional[1]));
        assertThat(String.join(" ", map)).as("the total under the time table of %s, from the times above it", MAP)
                .contains(total);
    }

    /** Minutes as hours, to the nearest half: 430 is "7", 505 is "8½". */
    private static String hours(int minutes) {
        int halves = Math.round(minutes / 30f);
        return (halves / 2) + (halves % 2 == 1 ? "½" : "");
    }

    /** Marks a table that repeats the throughput table of a benchmark report: {@code <!-- throughput of benchmarks/results.md -->}. */
    private static final Pattern THROUGHPUT_OF = Pattern.compile("<!-- throughput of (\\S+) -->");

    @Test
    void theMeasuringPageShowsTheThroughputItsReportsMeasured() {
        Path page = course.root().resolve("docs/08-measuring.md");
        List<String> lines = Course.lines(page);
        List<Marker> markers = markers(lines, THROUGHPUT_OF);
        for (Marker marker : markers) {
            Path report = page.getParent().resolve(marker.argument());
            List<String> shown = tableAfter(lines, marker.line() + 1);
            List<String> measured = tableAfter(Course.lines(report), Course.lines(report).indexOf("## Throughput") + 1)
                    .stream().map(row -> row.replaceAll(" ±[0-9]+%", "")).toList();
            assertThat(shown).as("the table after %s:%d, against the throughput table of %s; copy it from there,"
                    + " without the ± spreads", course.rel(page), marker.line() + 1, course.rel(report)).isEqualTo(measured);
        }
        assertThat(markers).as("tables marked <!-- throughput of ... --> in %s", course.rel(page)).hasSize(3);
    }

    /** Marks the table that gives the reports' targets side by side: {@code <!-- targets of A.md B.md -->}, one column per report. */
    private static final Pattern TARGETS_OF = Pattern.compile("<!-- targets of (.+) -->");

    @Test
    void theMeasuringPageShowsTheTargetsItsReportsChecked() {
        Path page = course.root().resolve("docs/08-measuring.md");
        List<String> lines = Course.lines(page);
        List<Marker> markers = markers(lines, TARGETS_OF);
        for (Marker marker : markers) {
            List<String> reports = List.of(marker.argument().trim().split("\\s+"));
            List<List<String>> shown = tableAfter(lines, marker.line() + 1).stream().skip(2).map(CourseTextTest::cells).toList();
            for (int column = 0; column < reports.size(); column++) {
                Path report = page.getParent().resolve(reports.get(column));
                List<String> measured = targetRows(Course.lines(report)).stream().map(CourseTextTest::targetCell).toList();
                int cell = column + 1; // cell 0 names the target
                assertThat(shown.stream().map(row -> row.size() > cell ? row.get(cell) : "").toList())
                        .as("column %d of the table after %s:%d, against the Targets table of %s: each cell is the"
                                + " measured ratio and \"met\" or \"**missed**\", or \"n/a (JDK 21+)\"",
                                cell + 1, course.rel(page), marker.line() + 1, course.rel(report))
                        .isEqualTo(measured);
            }
        }
        assertThat(markers).as("tables marked <!-- targets of ... --> in %s", course.rel(page)).hasSize(1);
    }

    /** Marks a table that repeats the summary of a fairness report: {@code <!-- fairness of benchmarks/fairness.md -->}. */
    private static final Pattern FAIRNESS_OF = Pattern.compile("<!-- fairness of (\\S+) -->");

    @Test
    void theFairnessTablesAreTheOnesTheirReportsMeasured() {
        int found = 0;
        for (String name : List.of("docs/07-production-failures.md", "docs/08-measuring.md")) {
            Path page = course.root().resolve(name);
            List<String> lines = Course.lines(page);
            for (Marker marker : markers(lines, FAIRNESS_OF)) {
                Path report = page.getParent().resolve(marker.argument());
                assertThat(tableAfter(lines, marker.line() + 1))
                        .as("the table after %s:%d, against the first table of %s; copy it from there", course.rel(page),
                                marker.line() + 1, course.rel(report))
                        .isEqualTo(tableAfter(Course.lines(report), 0));
                found++;
            }
        }
        assertThat(found).as("tables marked <!-- fairness of ... --> in pages 07 and 08").isEqualTo(2);
    }

    /** A marker comment on {@code line} (0-based), and what it names. */
    private record Marker(int line, String argument) {
    }

    /** The lines that are whole matches of {@code marker}, each with its first group. */
    private static List<Marker> markers(List<String> lines, Pattern marker) {
        List<Marker> found = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = marker.matcher(lines.get(i));
            if (m.matches()) {
                found.add(new Marker(i, m.group(1)));
            }
        }
        return found;
    }

    /** The target rows of a report: the rows of its Targets section that name the solutions. */
    private static List<List<String>> targetRows(List<String> report) {
        int start = report.indexOf("## Targets");
        int end = report.indexOf("## Notes");
        return report.subList(start, end).stream().filter(line -> line.startsWith("| solutions")).map(CourseTextTest::cells).toList();
    }

    /** How the page shows one report row: {@code 1.11x, met}, {@code 0.94x, **missed**} or {@code n/a (JDK 21+)}. */
    private static String targetCell(List<String> row) {
        if (row.get(1).startsWith("n/a")) {
            return "n/a (JDK 21+)";
        }
        return row.get(1) + ", " + ("met".equals(row.get(3)) ? "met" : "**missed**");
    }

    /** The cells of one Markdown table row, stripped. */
    private static List<String> cells(String row) {
        String inner = row.strip();
        inner = inner.substring(1, inner.endsWith("|") ? inner.length() - 1 : inner.length());
        return Stream.of(inner.split("\\|", -1)).map(String::strip).toList();
    }

    /** The rows of the first Markdown table at or after line {@code from}. */
    private static List<String> tableAfter(List<String> lines, int from) {
        int start = from;
        while (start < lines.size() && !lines.get(start).startsWith("|")) {
            start++;
        }
        int end = start;
        while (end < lines.size() && lines.get(end).startsWith("|")) {
            end++;
        }
        return lines.subList(start, end);
    }
}
