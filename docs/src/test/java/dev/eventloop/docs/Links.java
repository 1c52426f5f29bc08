package dev.eventloop.docs;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Relative links and images in the course text: each must point to a file or directory of the
 * repository, and a {@code #anchor} into a Markdown file must name one of its headings.
 * Links with a scheme ({@code https:}, {@code mailto:}) are not followed.
 */
final class Links {
    /** {@code [text](target)} and {@code ![alt](target)}, with an optional title. */
    private static final Pattern INLINE = Pattern.compile("!?\\[(?:[^\\[\\]]|\\[[^\\[\\]]*])*]\\(\\s*<?([^)\\s>]*)>?(?:\\s+\"[^\"]*\")?\\s*\\)");
    /** {@code [id]: target} reference definitions. */
    private static final Pattern REFERENCE = Pattern.compile("^ {0,3}\\[[^\\]]+]:\\s*<?(\\S+?)>?(?:\\s+.*)?$");
    /** {@code href="..."} and {@code src="..."} in HTML. */
    private static final Pattern HTML = Pattern.compile("\\b(?:href|src)\\s*=\\s*\"([^\"]*)\"");
    private static final Pattern HTML_ANCHOR = Pattern.compile("<a\\s+(?:name|id)\\s*=\\s*\"([^\"]+)\"");
    private static final Pattern CODE_SPAN = Pattern.compile("(`+)(?:(?!\\1).)+?\\1");
    private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:");
    private static final Pattern HEADING = Pattern.compile("^ {0,3}(#{1,6})\\s+(.*?)\\s*#*\\s*$");

    /** One link found in a file. */
    record Link(Path file, int line, String target) {
    }

    private final Course course;
    private final Map<Path, Set<String>> anchors = new HashMap<>();

    Links(Course course) {
        this.course = course;
    }

    /** Every relative link and image target in {@code md}, outside code blocks and code spans. */
    static List<Link> links(Markdown md) {
        List<Link> links = new ArrayList<>();
        for (int i = 0; i < md.lines.size(); i++) {
            if (md.fenced(i)) {
                continue;
            }
            String line = CODE_SPAN.matcher(md.lines.get(i)).replaceAll("code");
            for (Pattern p : List.of(INLINE, HTML)) {
                Matcher m = p.matcher(line);
                while (m.find()) {
                    links.add(new Link(md.file, i + 1, m.group(1)));
                }
            }
            Matcher ref = REFERENCE.matcher(line);
            if (ref.matches()) {
                links.add(new Link(md.file, i + 1, ref.group(1)));
            }
        }
        return links;
    }

    /** Every broken relative link in the course text, as {@code file:line: target (why)}. */
    List<String> check() {
        List<String> problems = new ArrayList<>();
        for (Path file : course.markdownFiles()) {
            for (Link link : links(Markdown.read(file))) {
                String why = broken(link);
                if (why != null) {
                    problems.add(course.rel(link.file()) + ":" + link.line() + ": " + link.target() + " (" + why + ")");
                }
            }
        }
        return problems;
    }

    /** Why the link is broken, or null if it is fine or not relative. */
    String broken(Link link) {
        String target = link.target();
        if (target.isEmpty()) {
            return "empty link target";
        }
        if (SCHEME.matcher(target).find() || target.startsWith("//")) {
            return null;
        }
        int hash = target.indexOf('#');
        String path = hash < 0 ? target : target.substring(0, hash);
        String anchor = hash < 0 ? null : target.substring(hash + 1);
        int query = path.indexOf('?');
        if (query >= 0) {
            path = path.substring(0, query);
        }
        path = URLDecoder.decode(path.replace("+", "%2B"), StandardCharsets.UTF_8);
        Path resolved = path.isEmpty()
                ? link.file()
                : (path.startsWith("/") ? course.root().resolve(path.substring(1)) : link.file().getParent().resolve(path))
                        .normalize();
        if (!resolved.startsWith(course.root())) {
            return "points outside the repository";
        }
        if (!Files.exists(resolved)) {
            return "no such file or directory: " + course.rel(resolved);
        }
        if (anchor != null && !anchor.isEmpty() && resolved.getFileName().toString().endsWith(".md")) {
            if (!anchors(resolved).contains(anchor)) {
                return "no heading or anchor #" + anchor + " in " + course.rel(resolved);
            }
        }
        return null;
    }

    /** The anchors GitHub gives the headings of {@code file}, plus explicit {@code <a id/name>} anchors. */
    Set<String> anchors(Path file) {
        return anchors.computeIfAbsent(file, f -> {
            Markdown md = Markdown.read(f);
            Set<String> found = new LinkedHashSet<>();
            Map<String, Integer> seen = new HashMap<>();
            for (int i = 0; i < md.lines.size(); i++) {
                if (md.fenced(i)) {
                    continue;
                }
                Matcher h = HEADING.matcher(md.lines.get(i));
                if (h.matches()) {
                    String slug = slug(h.group(2));
                    int n = seen.merge(slug, 1, Integer::sum) - 1;
                    found.add(n == 0 ? slug : slug + "-" + n);
                }
                Matcher a = HTML_ANCHOR.matcher(md.lines.get(i));
                while (a.find()) {
                    found.add(a.group(1));
                }
            }
            return found;
        });
    }

    /**
     * GitHub's heading anchor: the heading's text (links reduced to their text, code marks and
     * HTML tags dropped), lower case, every character but letters, digits, spaces, hyphens and
     * underscores removed, spaces turned into hyphens.
     */
    static String slug(String heading) {
        String text = heading
                .replaceAll("!?\\[([^\\]]*)]\\([^)]*\\)", "$1")
                .replaceAll("<[^>]+>", "")
                .replace("`", "");
        StringBuilder slug = new StringBuilder();
        text.toLowerCase(Locale.ROOT).codePoints().forEach(c -> {
            if (Character.isLetterOrDigit(c) || c == '_' || c == '-') {
                slug.appendCodePoint(c);
            } else if (c == ' ') {
                slug.append('-');
            }
        });
        return slug.toString();
    }
}
