package io.cassmail.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Per-stage figures of a benchmark run from two scrapes of CassMail's {@code /metrics} (before the load and after
 * the drain): messages accepted and delivered, intake and delivery latency (mean, p95 from the histogram buckets),
 * and Cassandra requests per accepted message as the driver counted them.
 * Usage: {@code MetricsDelta BEFORE AFTER}.
 */
public final class MetricsDelta {
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*})?\\s+(\\S+)$");
    private static final Pattern LE = Pattern.compile("[{,]le=\"([^\"]+)\"");

    private MetricsDelta() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: MetricsDelta BEFORE-SCRAPE AFTER-SCRAPE");
            System.exit(2);
        }
        System.out.print(report(Files.readString(Path.of(args[0])), Files.readString(Path.of(args[1]))));
    }

    /** The summary lines for two scrapes. */
    static String report(String before, String after) {
        StringBuilder out = new StringBuilder();
        double accepted = delta(before, after, "cassmail_smtp_messages_accepted_total", null);
        double delivered = delta(before, after, "cassmail_delivery_outcomes_total", "outcome=\"delivered\"");
        double requests = delta(before, after, "cassandra_session_cql_requests_seconds_count", null);
        out.append(String.format("metrics_accepted             %.0f%n", accepted));
        out.append(String.format("metrics_delivered            %.0f (recipients)%n", delivered));
        out.append(stage(before, after, "metrics_intake_latency       ", "cassmail_smtp_intake_seconds"));
        out.append(stage(before, after, "metrics_delivery_latency     ", "cassmail_delivery_latency_seconds"));
        out.append(stage(before, after, "metrics_cassandra_request    ", "cassandra_session_cql_requests_seconds"));
        if (accepted > 0) {
            out.append(String.format("metrics_cassandra_per_message %.2f requests per accepted message (driver count, all roles)%n",
                    requests / accepted));
        }
        return out.toString();
    }

    private static String stage(String before, String after, String label, String histogram) {
        double count = delta(before, after, histogram + "_count", null);
        double sum = delta(before, after, histogram + "_sum", null);
        if (count <= 0) {
            return label + "no samples" + System.lineSeparator();
        }
        Map<Double, Double> buckets = new TreeMap<>();
        bucketDeltas(before, after, histogram + "_bucket", buckets);
        double p95 = Double.NaN;
        for (Map.Entry<Double, Double> b : buckets.entrySet()) {
            if (b.getValue() >= 0.95 * count) {
                p95 = b.getKey();
                break;
            }
        }
        return String.format("%smean %.1f ms, p95 <= %s (%.0f samples)%n", label, sum / count * 1000,
                Double.isInfinite(p95) || Double.isNaN(p95) ? "beyond the last bucket" : String.format("%.0f ms", p95 * 1000),
                count);
    }

    private static double delta(String before, String after, String name, String labelFilter) {
        return total(after, name, labelFilter) - total(before, name, labelFilter);
    }

    private static double total(String text, String name, String labelFilter) {
        double total = 0;
        for (String line : text.split("\n")) {
            Matcher m = SAMPLE.matcher(line);
            if (m.matches() && m.group(1).equals(name)
                    && (labelFilter == null || (m.group(2) != null && m.group(2).contains(labelFilter)))) {
                double v = Double.parseDouble(m.group(3));
                if (!Double.isNaN(v)) {
                    total += v;
                }
            }
        }
        return total;
    }

    private static void bucketDeltas(String before, String after, String name, Map<Double, Double> into) {
        for (String[] side : new String[][] {{after, "1"}, {before, "-1"}}) {
            for (String line : side[0].split("\n")) {
                Matcher m = SAMPLE.matcher(line);
                if (m.matches() && m.group(1).equals(name) && m.group(2) != null) {
                    Matcher le = LE.matcher(m.group(2));
                    if (le.find()) {
                        double bound = le.group(1).equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le.group(1));
                        into.merge(bound, Double.parseDouble(side[1]) * Double.parseDouble(m.group(3)), Double::sum);
                    }
                }
            }
        }
    }
}
