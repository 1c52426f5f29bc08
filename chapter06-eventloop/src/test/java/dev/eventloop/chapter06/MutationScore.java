package dev.eventloop.chapter06;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The scores of a PIT run ({@code -Pmutation}, see docs/08-measuring.md), read from its
 * {@code mutations.xml}: for all classes, and for the state-machine classes without the mutants
 * on lines that only log or trace. A single-file program, run from the repository root:
 *
 * <pre>
 * java chapter06-eventloop/src/test/java/dev/eventloop/chapter06/MutationScore.java \
 *     chapter06-eventloop/target/pit-reports/mutations.xml chapter06-eventloop/src/main/java \
 *     Server,Conn,Poll,CountedChannel,Lifecycle
 * </pre>
 *
 * <p>A line only logs or traces when, trimmed, it starts with {@code log.accept(} or
 * {@code trace.}<i>name</i>{@code (}, or is an {@code if (trace != null)} guard: removing such a
 * call, or negating such a guard, changes what a person reads, not what the server does. A
 * mutant counts as detected when PIT says KILLED, TIMED_OUT, MEMORY_ERROR or RUN_ERROR; the
 * mutation score is detected / generated, the test strength detected / covered. The mutants
 * not detected are listed with their line.
 *
 * <p>For sources with exercise regions (the solutions'), it also scores the lines inside the
 * regions ({@code // ---- EXERCISE N (tag) begin} to {@code end}), in all and per exercise: the
 * learner's code, which the exercise tests must pin down.
 */
final class MutationScore {
    private static final Pattern LOG_OR_TRACE = Pattern.compile("^(log\\.accept\\(|trace\\.\\w+\\(|if \\(trace != null\\))");
    private static final Set<String> DETECTED = Set.of("KILLED", "TIMED_OUT", "MEMORY_ERROR", "RUN_ERROR");
    private static final Pattern REGION_BEGIN = Pattern.compile("^\\s*// ---- EXERCISE \\d \\(([a-z-]+)\\) begin\\b.*$");
    private static final Pattern REGION_END = Pattern.compile("^\\s*// ---- EXERCISE \\d \\([a-z-]+\\) end ----$");

    /** One mutant; {@code region} is the tag of the exercise region its line is in, or null. */
    record Mutant(String status, String topClass, String file, int line, String method, String description, String text,
            String region) {
        boolean detected() {
            return DETECTED.contains(status);
        }
    }

    private MutationScore() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: MutationScore MUTATIONS_XML SOURCE_ROOT Class1,Class2,...");
            System.exit(2);
        }
        List<Mutant> all = read(Path.of(args[0]), Path.of(args[1]));
        Set<String> stateMachine = new TreeSet<>(Arrays.asList(args[2].split(",")));

        System.out.println(summary("all classes", all));
        List<Mutant> machine = select(all, m -> stateMachine.contains(m.topClass()));
        System.out.println(summary("state machine " + stateMachine, machine));
        List<Mutant> logOrTrace = select(machine, m -> LOG_OR_TRACE.matcher(m.text()).find());
        System.out.println("  on lines that only log or trace: " + logOrTrace.size() + " " + statuses(logOrTrace));
        List<Mutant> scored = select(machine, m -> !LOG_OR_TRACE.matcher(m.text()).find());
        System.out.println(summary("state machine without them", scored));
        for (String cls : stateMachine) {
            System.out.println(summary("  " + cls, select(scored, m -> m.topClass().equals(cls))));
        }
        List<Mutant> inRegions = select(scored, m -> m.region() != null);
        if (!inRegions.isEmpty()) {
            System.out.println(summary("exercise regions, without log/trace-only lines", inRegions));
            for (String tag : new TreeSet<>(inRegions.stream().map(Mutant::region).toList())) {
                System.out.println(summary("  " + tag, select(inRegions, m -> tag.equals(m.region()))));
            }
        }
        System.out.println();
        System.out.println("not detected (state machine, without log/trace-only lines):");
        scored.stream().filter(m -> !m.detected())
                .sorted(Comparator.comparing(Mutant::file).thenComparingInt(Mutant::line))
                .forEach(m -> System.out.printf("  %-11s %s:%d %s%s: %s%n      | %s%n", m.status(), m.file(), m.line(),
                        m.region() == null ? "" : "[" + m.region() + "] ", m.method(), m.description(), m.text()));
    }

    static List<Mutant> read(Path xml, Path sourceRoot) throws Exception {
        var factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        NodeList nodes = factory.newDocumentBuilder().parse(xml.toFile()).getElementsByTagName("mutation");
        Map<Path, List<String>> sources = new HashMap<>();
        Map<Path, String[]> regions = new HashMap<>();
        List<Mutant> mutants = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            Element e = (Element) nodes.item(i);
            String cls = text(e, "mutatedClass");
            int dot = cls.lastIndexOf('.');
            String pkg = dot < 0 ? "" : cls.substring(0, dot);
            String topClass = cls.substring(dot + 1).split("\\$")[0];
            String file = text(e, "sourceFile");
            int line = Integer.parseInt(text(e, "lineNumber"));
            Path source = sourceRoot.resolve(pkg.replace('.', '/')).resolve(file);
            List<String> lines = sources.computeIfAbsent(source, MutationScore::lines);
            String[] region = regions.computeIfAbsent(source, s -> regions(lines));
            mutants.add(new Mutant(e.getAttribute("status"), topClass, file, line, text(e, "mutatedMethod"),
                    text(e, "description"), lines.get(line - 1).trim(), region[line - 1]));
        }
        return mutants;
    }

    /** For each line, the tag of the exercise region it is in, or null. */
    static String[] regions(List<String> lines) {
        String[] region = new String[lines.size()];
        String open = null;
        for (int i = 0; i < lines.size(); i++) {
            var begin = REGION_BEGIN.matcher(lines.get(i));
            if (begin.matches()) {
                open = begin.group(1);
            } else if (REGION_END.matcher(lines.get(i)).matches()) {
                open = null;
            } else {
                region[i] = open;
            }
        }
        return region;
    }

    static String summary(String name, List<Mutant> mutants) {
        Map<String, Integer> count = counts(mutants);
        int generated = mutants.size();
        int detected = (int) mutants.stream().filter(Mutant::detected).count();
        int noCoverage = count.getOrDefault("NO_COVERAGE", 0);
        return String.format("%s: generated %d, detected %d (timed out %d), survived %d, no coverage %d;"
                + " mutation score %s, test strength %s", name, generated, detected,
                count.getOrDefault("TIMED_OUT", 0), count.getOrDefault("SURVIVED", 0), noCoverage,
                percent(detected, generated), percent(detected, generated - noCoverage));
    }

    private static String statuses(List<Mutant> mutants) {
        return counts(mutants).toString();
    }

    private static Map<String, Integer> counts(List<Mutant> mutants) {
        Map<String, Integer> count = new TreeMap<>();
        for (Mutant m : mutants) {
            count.merge(m.status(), 1, Integer::sum);
        }
        return count;
    }

    private static String percent(int part, int whole) {
        return whole == 0 ? "-" : String.format("%.1f%%", 100.0 * part / whole);
    }

    private static List<Mutant> select(List<Mutant> mutants, Predicate<Mutant> which) {
        return mutants.stream().filter(which).toList();
    }

    private static String text(Element e, String tag) {
        return e.getElementsByTagName(tag).item(0).getTextContent();
    }

    private static List<String> lines(Path source) {
        try {
            return Files.readAllLines(source, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
