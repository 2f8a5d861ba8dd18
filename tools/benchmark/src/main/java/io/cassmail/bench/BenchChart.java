package io.cassmail.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

/** Draws the run as a PNG: throughput, latency and memory over time, one panel each (Java 2D, headless). */
final class BenchChart {
    private static final int WIDTH = 1000;
    private static final int PANEL = 230;
    private static final int LEFT = 80;
    private static final int RIGHT = 20;
    private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xd62728)};

    /** One line of a panel: a name and y values at x (seconds). */
    record Series(String name, double[] x, double[] y) {
    }

    private BenchChart() {
    }

    static void write(Path png, String title, List<List<Series>> panels, List<String> yLabels) throws IOException {
        int height = 40 + panels.size() * (PANEL + 30);
        BufferedImage image = new BufferedImage(WIDTH, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, WIDTH, height);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.drawString(title, LEFT, 24);
        double maxX = panels.stream().flatMap(List::stream).flatMap(s -> java.util.Arrays.stream(s.x()).boxed())
                .mapToDouble(Double::doubleValue).max().orElse(1);
        for (int p = 0; p < panels.size(); p++) {
            drawPanel(g, 40 + p * (PANEL + 30), panels.get(p), yLabels.get(p), Math.max(1, maxX));
        }
        g.dispose();
        ImageIO.write(image, "png", png.toFile());
    }

    private static void drawPanel(Graphics2D g, int top, List<Series> series, String yLabel, double maxX) {
        int w = WIDTH - LEFT - RIGHT;
        double maxY = series.stream().flatMap(s -> java.util.Arrays.stream(s.y()).boxed())
                .mapToDouble(Double::doubleValue).max().orElse(1);
        maxY = niceCeiling(Math.max(maxY, 1));
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        for (int i = 0; i <= 4; i++) {
            int y = top + PANEL - i * PANEL / 4;
            g.setColor(new Color(0xdddddd));
            g.drawLine(LEFT, y, LEFT + w, y);
            g.setColor(Color.DARK_GRAY);
            g.drawString(String.format("%,.0f", maxY * i / 4), 8, y + 4);
        }
        for (int i = 0; i <= 10; i++) {
            int x = LEFT + i * w / 10;
            g.drawString(String.format("%.0fs", maxX * i / 10), x - 10, top + PANEL + 14);
        }
        g.setColor(Color.BLACK);
        g.drawRect(LEFT, top, w, PANEL);
        g.drawString(yLabel, LEFT + 6, top + 14);
        for (int s = 0; s < series.size(); s++) {
            Series line = series.get(s);
            g.setColor(COLORS[s % COLORS.length]);
            g.setStroke(new BasicStroke(2f));
            for (int i = 1; i < line.x().length; i++) {
                g.drawLine(px(line.x()[i - 1], maxX, w), py(line.y()[i - 1], maxY, top),
                        px(line.x()[i], maxX, w), py(line.y()[i], maxY, top));
            }
            g.setStroke(new BasicStroke(1f));
            g.drawString("— " + line.name(), LEFT + w - 260 + s * 130, top + 14);
        }
    }

    private static int px(double x, double maxX, int w) {
        return LEFT + (int) Math.round(x / maxX * w);
    }

    private static int py(double y, double maxY, int top) {
        return top + PANEL - (int) Math.round(y / maxY * PANEL);
    }

    private static double niceCeiling(double v) {
        double magnitude = Math.pow(10, Math.floor(Math.log10(v)));
        for (double step : new double[] {1, 2, 2.5, 5, 10}) {
            if (step * magnitude >= v) {
                return step * magnitude;
            }
        }
        return 10 * magnitude;
    }
}
