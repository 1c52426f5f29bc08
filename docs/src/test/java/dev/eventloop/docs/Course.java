package dev.eventloop.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The repository as the checks see it: its root, the Markdown files that make up the course text,
 * and the module list of the root pom. Read as plain files: this module depends on no other.
 */
final class Course {
    /** Directories never searched: build output, VCS data, IDE settings. */
    private static final Set<String> SKIPPED = Set.of("target", ".git", ".idea", ".vscode", "node_modules", ".mvn");
    private static final Pattern MODULE = Pattern.compile("<module>\\s*([^<\\s]+)\\s*</module>");

    private final Path root;

    Course(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    /**
     * The repository root: the {@code course.root} system property (set by this module's pom for
     * Surefire), else the first directory upwards from the working directory that holds both
     * {@code mvnw} and {@code docs/pom.xml} (an IDE runs tests in the module or the root directory).
     */
    static Course locate() {
        String configured = System.getProperty("course.root");
        if (configured != null && !configured.isBlank()) {
            return new Course(Paths.get(configured));
        }
        for (Path dir = Paths.get("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("mvnw")) && Files.isRegularFile(dir.resolve("docs").resolve("pom.xml"))) {
                return new Course(dir);
            }
        }
        throw new IllegalStateException("cannot find the repository root (a directory with mvnw and docs/pom.xml)"
                + " above " + Paths.get("").toAbsolutePath());
    }

    Path root() {
        return root;
    }

    /** {@code file} relative to the root, with forward slashes: how messages name a file. */
    String rel(Path file) {
        return root.relativize(file.toAbsolutePath().normalize()).toString().replace('\\', '/');
    }

    /** The course text: every Markdown file under {@code docs/}, and every {@code README.md} in the repository. */
    List<Path> markdownFiles() {
        List<Path> files = new ArrayList<>();
        for (Path file : walk(root)) {
            String name = file.getFileName().toString();
            boolean inDocs = file.startsWith(root.resolve("docs"));
            if ((inDocs && name.endsWith(".md")) || name.equals("README.md")) {
                files.add(file);
            }
        }
        return files;
    }

    /** Every Java source file of the repository (outside {@code docs/}). */
    List<Path> javaSources() {
        List<Path> files = new ArrayList<>();
        for (Path file : walk(root)) {
            if (file.getFileName().toString().endsWith(".java") && !file.startsWith(root.resolve("docs"))) {
                files.add(file);
            }
        }
        return files;
    }

    /** The modules the root pom lists, in order. */
    List<String> modules() {
        List<String> modules = new ArrayList<>();
        Matcher m = MODULE.matcher(read(root.resolve("pom.xml")));
        while (m.find()) {
            modules.add(m.group(1));
        }
        return modules;
    }

    /** Every {@code pom.xml} in the repository. */
    List<Path> poms() {
        return walk(root).stream().filter(p -> p.getFileName().toString().equals("pom.xml")).toList();
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The file's lines, whatever its line endings (LF, CRLF). */
    static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private List<Path> walk(Path start) {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> paths = Files.walk(start)) {
            paths.filter(Files::isRegularFile)
                    .filter(p -> {
                        for (Path part : root.relativize(p)) {
                            if (SKIPPED.contains(part.toString())) {
                                return false;
                            }
                        }
                        return true;
                    })
                    .sorted()
                    .forEach(files::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }
}
