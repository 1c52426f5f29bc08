package dev.eventloop.exercises;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The list "If a test still fails: what each failure points at" of an exercise page: each bullet
 * starts with a bold lead that names a failure by what the learner reads, fragments of its message
 * in double quotes or code spans ({@code "moved N unconsumed bytes"}, {@code `TraceTest` fails}),
 * then, after a colon, its cause. A catalogue entry names the bullet for its failure
 * ({@code # troubleshooting: <the lead's first words>}, without bold, quote or code marks), and
 * the full check proves that the failure the entry produced matches a fragment of that lead: the
 * page cannot list a message the tests no longer give, nor miss one a realistic mistake meets.
 *
 * <p>In a fragment, {@code ...} stands for any text, and a lone {@code N} or {@code M} for a
 * number; spaces and line breaks are alike.
 */
final class Troubleshooting {
    /** The {@code <summary>} line that opens the list on every exercise page. */
    static final String SUMMARY = "<summary>If a test still fails: what each failure points at</summary>";
    private static final Pattern FRAGMENT = Pattern.compile("\"([^\"]+)\"|`([^`]+)`");
    private static final Pattern WILDCARDS = Pattern.compile(" ?\\.\\.\\. ?|\\b[NM]\\b");

    private Troubleshooting() {
    }

    /** One bullet: its lead (up to the colon), the fragments in it, and the page line it starts on. */
    record Bullet(String lead, List<String> fragments, int line) {
        /** Whether {@code failure} (the test's name, then its message) holds one of the fragments. */
        boolean matches(String failure) {
            String text = spaced(failure);
            return fragments.stream().anyMatch(f -> pattern(f).matcher(text).find());
        }
    }

    /** The bullets of the page's list; throws {@link IllegalArgumentException} if it has none. */
    static List<Bullet> bullets(String page) {
        List<String> lines = WrongAnswer.lines(page);
        int from = lines.indexOf(SUMMARY);
        if (from < 0) {
            throw new IllegalArgumentException("no list opened by " + SUMMARY);
        }
        List<Bullet> bullets = new ArrayList<>();
        StringBuilder bullet = null;
        int start = 0;
        for (int i = from + 1; i < lines.size() && !lines.get(i).equals("</details>"); i++) {
            String line = lines.get(i);
            if (line.startsWith("- ")) {
                add(bullets, bullet, start);
                bullet = new StringBuilder(line.substring(2));
                start = i + 1;
            } else if (bullet != null && !line.isBlank()) {
                bullet.append(' ').append(line.strip());
            }
        }
        add(bullets, bullet, start);
        if (bullets.isEmpty()) {
            throw new IllegalArgumentException("the list opened by " + SUMMARY + " has no bullets");
        }
        return bullets;
    }

    private static void add(List<Bullet> bullets, StringBuilder bullet, int line) {
        if (bullet == null) {
            return;
        }
        String text = bullet.toString();
        int end = leadEnd(text);
        if (!text.startsWith("**") || end < 0) {
            throw new IllegalArgumentException("line " + line + ": a bullet that does not start with a bold lead, ended by"
                    + " a colon: " + text);
        }
        String lead = text.substring(0, end);
        List<String> fragments = new ArrayList<>();
        Matcher m = FRAGMENT.matcher(lead);
        while (m.find()) {
            fragments.add(m.group(1) != null ? m.group(1) : m.group(2));
        }
        if (fragments.isEmpty()) {
            throw new IllegalArgumentException("line " + line + ": the lead quotes nothing the learner reads (a message in"
                    + " double quotes, or a test or exception in a code span): " + lead);
        }
        bullets.add(new Bullet(lead, List.copyOf(fragments), line));
    }

    /** Where the lead ends: at the first colon outside quotes and code spans. */
    private static int leadEnd(String text) {
        boolean quoted = false;
        boolean code = false;
        for (int i = 1; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' && !code) {
                quoted = !quoted;
            } else if (c == '`' && !quoted) {
                code = !code;
            } else if (c == ':' && !quoted && !code) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The one bullet whose lead starts with {@code name} (its bold marks and quotes left out);
     * throws {@link IllegalArgumentException} otherwise.
     */
    static Bullet named(List<Bullet> bullets, String name) {
        List<Bullet> found = bullets.stream().filter(b -> plain(b.lead()).startsWith(plain(name))).toList();
        if (found.size() != 1) {
            throw new IllegalArgumentException((found.isEmpty() ? "no bullet's" : found.size() + " bullets'") + " bold lead"
                    + " starts with: " + name.strip() + (found.isEmpty() ? "; the leads: " + bullets.stream()
                    .map(Bullet::lead).toList() : ""));
        }
        return found.get(0);
    }

    /** The lead as a catalogue entry names it: no bold marks, quotes or code marks, single spaces. */
    static String plain(String lead) {
        return spaced(lead.replace("**", "").replace("\"", "").replace("`", ""));
    }

    private static Pattern pattern(String fragment) {
        StringBuilder regex = new StringBuilder();
        String text = spaced(fragment);
        Matcher m = WILDCARDS.matcher(text);
        int at = 0;
        while (m.find()) {
            regex.append(Pattern.quote(text.substring(at, m.start())));
            regex.append(m.group().contains("...") ? ".*?" : "[0-9][0-9,.]*");
            at = m.end();
        }
        return Pattern.compile(regex.append(Pattern.quote(text.substring(at))).toString());
    }

    private static String spaced(String text) {
        return text.strip().replaceAll("\\s+", " ");
    }
}
