package dev.eventloop.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * Draws the throughput chart: one group of bars per workload, one bar per server, on a log
 * scale (the servers differ by orders of magnitude). Plain {@code java.awt} in headless mode, so
 * it needs no display and no library.
 */
final class Chart {
    static {
        // before any AWT class decides: draw into an image, never look for a display
        System.setProperty("java.awt.headless", "true");
    }

    private static final int WIDTH = 1400;
    private static final int HEIGHT = 720;
    private static final int LEFT = 90;
    private static final int RIGHT = 30;
    private static final int TOP = 120;
    private static final int BOTTOM = 90;
    /** One color per server: course servers warm, alternatives cool, a two-loop variant darker than its one loop. */
    private static final Map<ServerKind, Color> COLORS = Map.of(
            ServerKind.CHAPTER04, new Color(0xB0, 0xB0, 0xB0),
            ServerKind.CHAPTER05, new Color(0xE6, 0xA1, 0x4E),
            ServerKind.CHAPTER06, new Color(0xD9, 0x5F, 0x43),
            ServerKind.SOLUTIONS, new Color(0x8E, 0x2C, 0x6E),
            ServerKind.SOLUTIONS_64K, new Color(0xC7, 0x7D, 0xBA),
            ServerKind.SOLUTIONS_2LOOPS, new Color(0x4F, 0x12, 0x3C),
            ServerKind.NETTY, new Color(0x3B, 0x7D, 0xC4),
            ServerKind.NETTY_2LOOPS, new Color(0x1C, 0x3F, 0x6E),
            ServerKind.VIRTUAL_THREADS, new Color(0x3A, 0xA8, 0x8A));

    private Chart() {
    }

    static void write(Path file, Matrix.Settings settings, List<Cell> cells, ZonedDateTime when) throws IOException {
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            draw(g, settings, cells, when);
        } finally {
            g.dispose();
        }
        ImageIO.write(image, "png", file.toFile());
    }

    private static void draw(Graphics2D g, Matrix.Settings settings, List<Cell> cells, ZonedDateTime when) {
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, WIDTH, HEIGHT);

        List<Workload> workloads = settings.workloads();
        List<ServerKind> servers = settings.servers();

        // the log scale: whole decades around the data
        double min = Double.MAX_VALUE;
        double max = 0;
        for (Cell c : cells) {
            if (c.hasFigures()) {
                double v = c.median(RunRecord::rate);
                if (v > 0) {
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
            }
        }
        if (max == 0) {
            min = 1;
            max = 10;
        }
        int loDecade = (int) Math.floor(Math.log10(min));
        int hiDecade = (int) Math.ceil(Math.log10(max * 1.5));
        if (hiDecade == loDecade) {
            hiDecade++;
        }
        int plotTop = TOP;
        int plotBottom = HEIGHT - BOTTOM;
        int plotLeft = LEFT;
        int plotRight = WIDTH - RIGHT;

        // title and subtitle
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 22));
        g.drawString("Echo throughput, requests per second (log scale)", plotLeft, 34);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
        g.setColor(new Color(0x44, 0x44, 0x44));
        String sub = String.format(Locale.ROOT, "median of %d run(s) of %.1f s; JDK %s, %d cores, loopback; %s",
                settings.runs(), settings.measure().toMillis() / 1000.0, Runtime.version().feature(), MachineInfo.cores(),
                when.withZoneSameInstant(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd")));
        g.drawString(sub, plotLeft, 56);

        // legend, in one row
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
        FontMetrics fm = g.getFontMetrics();
        int x = plotLeft;
        int y = 86;
        for (ServerKind k : servers) {
            g.setColor(color(k));
            g.fillRect(x, y - 12, 14, 14);
            g.setColor(Color.BLACK);
            g.drawString(k.label(), x + 20, y);
            x += 20 + fm.stringWidth(k.label()) + 26;
        }

        // grid and axis labels
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        fm = g.getFontMetrics();
        for (int d = loDecade; d <= hiDecade; d++) {
            for (int m = 1; m < 10; m++) {
                double v = m * Math.pow(10, d);
                if (d == hiDecade && m > 1) {
                    break;
                }
                int yy = yOf(v, loDecade, hiDecade, plotTop, plotBottom);
                g.setColor(m == 1 ? new Color(0xBB, 0xBB, 0xBB) : new Color(0xEE, 0xEE, 0xEE));
                g.drawLine(plotLeft, yy, plotRight, yy);
                if (m == 1) {
                    g.setColor(Color.DARK_GRAY);
                    String label = Format.compact(v);
                    g.drawString(label, plotLeft - 8 - fm.stringWidth(label), yy + 5);
                }
            }
        }
        g.setColor(Color.DARK_GRAY);
        g.setStroke(new BasicStroke(1.5f));
        g.drawLine(plotLeft, plotTop, plotLeft, plotBottom);
        g.drawLine(plotLeft, plotBottom, plotRight, plotBottom);
        AffineTransform saved = g.getTransform();
        g.rotate(-Math.PI / 2);
        g.drawString("requests / s", -(plotTop + plotBottom) / 2 - 35, 24);
        g.setTransform(saved);

        // the bars
        int groups = workloads.size();
        double groupWidth = (plotRight - plotLeft) / (double) groups;
        double barWidth = groupWidth * 0.8 / servers.size();
        Font valueFont = new Font(Font.SANS_SERIF, Font.PLAIN, 11);
        for (int gi = 0; gi < groups; gi++) {
            Workload w = workloads.get(gi);
            double gx = plotLeft + gi * groupWidth + groupWidth * 0.1;
            for (int si = 0; si < servers.size(); si++) {
                ServerKind k = servers.get(si);
                Cell c = cells.stream().filter(cell -> cell.server() == k && cell.workload().equals(w)).findFirst().orElse(null);
                int bx = (int) Math.round(gx + si * barWidth);
                int bw = (int) Math.max(2, Math.round(barWidth) - 3);
                g.setFont(valueFont);
                FontMetrics vfm = g.getFontMetrics();
                if (c == null || !c.hasFigures()) {
                    String text = c == null ? "" : c.notRun() != null ? (c.notRun().startsWith("n/a") ? "n/a" : "skip")
                            : "error";
                    g.setColor(Color.GRAY);
                    g.drawString(text, bx + (bw - vfm.stringWidth(text)) / 2, plotBottom - 6);
                    continue;
                }
                double v = c.median(RunRecord::rate);
                int top = yOf(Math.max(v, Math.pow(10, loDecade)), loDecade, hiDecade, plotTop, plotBottom);
                g.setColor(color(k));
                g.fillRect(bx, top, bw, plotBottom - top);
                g.setColor(Color.BLACK);
                String label = Format.compact(v);
                g.drawString(label, bx + (bw - vfm.stringWidth(label)) / 2, top - 4);
            }
            // workload label under the group
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
            FontMetrics lfm = g.getFontMetrics();
            String label = "C=" + w.connections() + " D=" + w.depth() + " S=" + w.size();
            int cx = (int) (plotLeft + gi * groupWidth + groupWidth / 2);
            g.setColor(Color.BLACK);
            g.drawString(label, cx - lfm.stringWidth(label) / 2, plotBottom + 24);
            if (w.idle() > 0) {
                g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
                lfm = g.getFontMetrics();
                String idle = String.format(Locale.ROOT, "+ %,d idle connections", w.idle());
                g.drawString(idle, cx - lfm.stringWidth(idle) / 2, plotBottom + 44);
            }
        }
    }

    /** The color of {@code kind}'s bars and legend. */
    static Color color(ServerKind kind) {
        Color color = COLORS.get(kind);
        if (color == null) {
            throw new IllegalStateException("no chart color for " + kind.id());
        }
        return color;
    }

    private static int yOf(double v, int loDecade, int hiDecade, int top, int bottom) {
        double f = (Math.log10(v) - loDecade) / (hiDecade - loDecade);
        return (int) Math.round(bottom - f * (bottom - top));
    }
}
