package dev.eventloop.docs;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Maven commands the course text shows ({@code ./mvnw ...}, {@code mvnw.cmd ...} or an
 * installed {@code mvn ...}, in code blocks and code spans), checked against the build: every
 * {@code -pl} module is in the root pom, every {@code exec:java@id} is an execution of that
 * module's pom, every {@code -Dtest=Name} is a test class of that module, every
 * {@code -Dgroups=tag} is an exercise tag, and every {@code -Pprofile} is a profile of some pom.
 * A {@code java path/File.java} command (a single-file program) must name a file that exists.
 * Running them is still a job for a person: this catches the names that drift.
 */
final class Commands {
    private static final Pattern COMMAND = Pattern.compile("(?<![\\w./\\\\-])(?:\\./mvnw|mvnw\\.cmd|mvn|java)(?=\\s|$)[^`]*");
    private static final Pattern CODE_SPAN = Pattern.compile("(`+)((?:(?!\\1).)+?)\\1");

    /** One command, where it was found. */
    record Command(Path file, int line, String text) {
    }

    private final Course course;
    private final Set<String> exerciseTags;

    Commands(Course course, Set<String> exerciseTags) {
        this.course = course;
        this.exerciseTags = exerciseTags;
    }

    static List<Command> commands(Markdown md) {
        List<Command> found = new ArrayList<>();
        for (Markdown.Fence fence : md.fences) {
            String lang = fence.language();
            if (lang.equals("java") || lang.equals("mermaid") || lang.equals("xml")) {
                continue;
            }
            for (int k = 0; k < fence.content().size(); k++) {
                String line = fence.content().get(k);
                int comment = line.indexOf(" #");
                if (comment >= 0) {
                    line = line.substring(0, comment);
                }
                Matcher m = COMMAND.matcher(line);
                if (m.find()) {
                    found.add(new Command(md.file, fence.open() + 2 + k, m.group().trim()));
                }
            }
        }
        for (int i = 0; i < md.lines.size(); i++) {
            if (md.fenced(i)) {
                continue;
            }
            Matcher span = CODE_SPAN.matcher(md.lines.get(i));
            while (span.find()) {
                Matcher m = COMMAND.matcher(span.group(2));
                if (m.find()) {
                    found.add(new Command(md.file, i + 1, m.group().trim()));
                }
            }
        }
        return found;
    }

    List<String> check() {
        List<String> problems = new ArrayList<>();
        List<String> modules = course.modules();
        for (Path file : course.markdownFiles()) {
            for (Command command : commands(Markdown.read(file))) {
                String where = course.rel(command.file()) + ":" + command.line() + ": " + command.text() + "\n    ";
                for (String problem : check(command.text(), modules)) {
                    problems.add(where + problem);
                }
            }
        }
        return problems;
    }

    List<String> check(String command, List<String> modules) {
        List<String> problems = new ArrayList<>();
        List<String> tokens = tokens(command);
        if (!tokens.isEmpty() && tokens.get(0).equals("java")) {
            for (String t : tokens) {
                if (t.endsWith(".java") && !isPlaceholder(t) && !Files.isRegularFile(course.root().resolve(t))) {
                    problems.add(t + ": no such source file (the path is relative to the repository root)");
                }
            }
            return problems;
        }
        List<String> selected = new ArrayList<>();
        for (int i = 0; i < tokens.size(); i++) {
            String t = tokens.get(i);
            if ((t.equals("-pl") || t.equals("--projects")) && i + 1 < tokens.size()) {
                for (String module : tokens.get(++i).split(",")) {
                    if (isPlaceholder(module)) {
                        continue;
                    }
                    if (!modules.contains(module)) {
                        problems.add("-pl " + module + ": not a module of the root pom.xml " + modules);
                    } else {
                        selected.add(module);
                    }
                }
            }
        }
        for (String t : tokens) {
            if (t.startsWith("exec:java@")) {
                String id = t.substring("exec:java@".length());
                if (selected.size() != 1) {
                    problems.add(t + ": name exactly one module with -pl");
                } else if (!Course.read(course.root().resolve(selected.get(0)).resolve("pom.xml")).contains("<id>" + id + "</id>")) {
                    problems.add(t + ": " + selected.get(0) + "/pom.xml has no execution with <id>" + id + "</id>");
                }
            } else if (t.startsWith("-Dtest=")) {
                for (String name : t.substring("-Dtest=".length()).split(",")) {
                    String cls = name.replaceAll("#.*", "");
                    if (cls.isEmpty() || cls.matches(".*[*?!].*") || isPlaceholder(cls)) {
                        continue;
                    }
                    if (!testClassExists(selected, cls)) {
                        problems.add("-Dtest=" + cls + ": no test class " + cls + ".java in " + (selected.isEmpty() ? "any module" : selected));
                    }
                }
            } else if (t.startsWith("-Dgroups=")) {
                for (String tag : t.substring("-Dgroups=".length()).split("[|,&!()\\s]+")) {
                    if (!tag.isEmpty() && !isPlaceholder(tag) && !exerciseTags.contains(tag)) {
                        problems.add("-Dgroups=" + tag + ": not an exercise tag " + exerciseTags);
                    }
                }
            } else if (t.startsWith("-P") && t.length() > 2) {
                for (String profile : t.substring(2).split(",")) {
                    String name = profile.replaceFirst("^[!-]", "");
                    boolean defined = course.poms().stream().anyMatch(pom -> Course.read(pom).contains("<id>" + name + "</id>"));
                    if (!defined) {
                        problems.add("-P" + name + ": no pom.xml defines a profile with this id");
                    }
                }
            }
        }
        return problems;
    }

    private boolean testClassExists(List<String> selected, String cls) {
        List<String> where = new ArrayList<>(selected.isEmpty() ? course.modules() : selected);
        if (where.contains("solutions")) {
            where.add("exercises"); // solutions runs the exercise tests (dependenciesToScan)
        }
        for (String module : where) {
            Path tests = course.root().resolve(module).resolve("src").resolve("test");
            if (!Files.isDirectory(tests)) {
                continue;
            }
            try (var files = Files.walk(tests)) {
                if (files.anyMatch(p -> p.getFileName().toString().equals(cls + ".java"))) {
                    return true;
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return false;
    }

    private static boolean isPlaceholder(String s) {
        return s.contains("<") || s.contains(">") || s.contains("...");
    }

    /** Splits on spaces, keeping "quoted parts" together (quotes removed). */
    static List<String> tokens(String command) {
        List<String> tokens = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        char quote = 0;
        boolean any = false;
        for (char c : command.toCharArray()) {
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    current.append(c);
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
                any = true;
            } else if (Character.isWhitespace(c)) {
                if (any || current.length() > 0) {
                    tokens.add(current.toString());
                    current.setLength(0);
                    any = false;
                }
            } else {
                current.append(c);
            }
        }
        if (any || current.length() > 0) {
            tokens.add(current.toString());
        }
        return tokens;
    }
}
