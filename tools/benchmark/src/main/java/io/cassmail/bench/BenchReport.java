package io.cassmail.bench;

import com.datastax.oss.driver.api.core.CqlSession;
import io.cassmail.config.CassMailConfig;
import io.cassmail.config.ConfigLoader;
import io.cassmail.store.cassandra.CassandraConnector;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * Second half of {@code tools/bench}: waits until every message postal got a 250 for is listed in a
 * benchmark mailbox, verifies the two sets are equal (nothing lost, nothing extra), and writes the
 * summary, a CSV timeline and a PNG chart. Exit 0 only when the run verified clean.
 */
@Command(name = "bench-report", mixinStandardHelpOptions = true,
        description = "Verify a postal run against the mailboxes and write summary.txt, summary.csv, timeline.csv, chart.png.")
public final class BenchReport implements Callable<Integer> {
    @Option(names = "--users-file", required = true, description = "The 'address password' file postal used.")
    Path usersFile;
    @Option(names = "--since", required = true, description = "Epoch milliseconds when postal started.")
    long since;
    @Option(names = "--until", required = true, description = "Epoch milliseconds when postal was told to stop.")
    long until;
    @Option(names = "--dir", required = true, description = "Run directory: reads postal.out, postal/, resources.csv; writes the report.")
    Path dir;
    @Option(names = "--drain-timeout", defaultValue = "900", description = "Seconds to wait for delivery (default ${DEFAULT-VALUE}).")
    int drainTimeout;
    @Option(names = "--stall-timeout", defaultValue = "120", description = "Give up when nothing new is listed for this many seconds (default ${DEFAULT-VALUE}).")
    int stallTimeout;
    @Option(names = "--bucket", defaultValue = "10", description = "Timeline bucket in seconds (default ${DEFAULT-VALUE}).")
    int bucket;

    public static void main(String[] args) {
        System.exit(new CommandLine(new BenchReport()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        PostalRun postal = PostalRun.read(dir.resolve("postal.out"), dir.resolve("postal"));
        List<String> users = readUsers(usersFile);
        CassMailConfig config = ConfigLoader.fromEnvironment(null, List.of());
        Map<UUID, MailboxSweep.Found> found;
        try (CqlSession session = CassandraConnector.connect(config.cassandra())) {
            MailboxSweep sweep = new MailboxSweep(session);
            found = sweep.refineAccepted(waitForDelivery(sweep, users, postal.accepted()));
        }
        Set<UUID> missing = new HashSet<>(postal.accepted());
        missing.removeAll(found.keySet());
        Set<UUID> unexpected = new HashSet<>(found.keySet());
        unexpected.removeAll(postal.accepted());
        ResourceSamples resources = ResourceSamples.read(dir.resolve("resources.csv"));
        Map<String, String> summary = summarize(postal, found, missing, unexpected, resources);
        List<Timeline.Bucket> timeline = Timeline.of(found.values(), since, bucket);
        write(summary, timeline, resources, postal);
        summary.forEach((k, v) -> System.out.printf("%-28s %s%n", k, v));
        missing.stream().limit(20).forEach(id -> System.out.println("MISSING " + id));
        unexpected.stream().limit(20).forEach(id -> System.out.println("UNEXPECTED " + id));
        long unexplained = Math.max(0, postal.errors() - postal.unterminated());
        boolean clean = missing.isEmpty() && unexpected.isEmpty() && unexplained == 0 && !postal.accepted().isEmpty();
        System.out.println(clean ? "VERIFIED: every accepted message is in its mailbox exactly once; postal errors: "
                + postal.errors() + (postal.errors() > 0 ? ", all time-outs on messages postal never terminated" : "")
                : "NOT VERIFIED: see missing/unexpected above; postal errors not explained by unterminated messages: "
                + unexplained);
        System.out.println("report: " + dir.toAbsolutePath());
        return clean ? 0 : 1;
    }

    private Map<UUID, MailboxSweep.Found> waitForDelivery(MailboxSweep sweep, List<String> users, Set<UUID> accepted)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(drainTimeout);
        long lastProgress = System.nanoTime();
        int lastCount = -1;
        while (true) {
            Map<UUID, MailboxSweep.Found> found = sweep.entriesSince(users, Instant.ofEpochMilli(since));
            long listed = accepted.stream().filter(found::containsKey).count();
            System.err.printf("delivery: %d of %d accepted messages listed%n", listed, accepted.size());
            if (listed == accepted.size()) {
                return found;
            }
            if (found.size() != lastCount) {
                lastCount = found.size();
                lastProgress = System.nanoTime();
            }
            long now = System.nanoTime();
            if (now > deadline || now - lastProgress > TimeUnit.SECONDS.toNanos(stallTimeout)) {
                System.err.println("delivery: giving up waiting");
                return found;
            }
            Thread.sleep(3000);
        }
    }

    private Map<String, String> summarize(PostalRun postal, Map<UUID, MailboxSweep.Found> found, Set<UUID> missing,
                                          Set<UUID> unexpected, ResourceSamples resources) {
        double sendSeconds = (until - since) / 1000.0;
        List<Long> latencies = new ArrayList<>();
        List<Long> secondHalf = new ArrayList<>();
        long halfway = since + (until - since) / 2;
        long bytes = 0;
        long lastListed = since;
        for (MailboxSweep.Found f : found.values()) {
            if (postal.accepted().contains(f.id())) {
                latencies.add(f.latencyMillis());
                if (f.acceptedMillis() >= halfway) {
                    secondHalf.add(f.latencyMillis());
                }
                bytes += f.size();
                lastListed = Math.max(lastListed, f.listedMillis());
            }
        }
        latencies.sort(null);
        secondHalf.sort(null);
        double[] cpu = resources.cpuSeconds();
        long n = Math.max(1, postal.accepted().size());
        Map<String, String> s = new LinkedHashMap<>();
        s.put("send_seconds", String.format("%.1f", sendSeconds));
        s.put("accepted", Long.toString(postal.accepted().size()));
        s.put("postal_reported", postal.reportedMessages() + " (full minutes only)");
        s.put("postal_errors", Long.toString(postal.errors()));
        s.put("postal_unterminated", postal.unterminated() + " (postal bug: 1-byte body without CRLF before the dot)");
        s.put("listed", Long.toString(latencies.size()));
        s.put("missing", Long.toString(missing.size()));
        s.put("unexpected", Long.toString(unexpected.size()));
        s.put("accepted_per_minute", String.format("%.0f", postal.accepted().size() / sendSeconds * 60));
        s.put("delivered_per_minute", String.format("%.0f", latencies.size() / Math.max(1, (lastListed - since) / 1000.0) * 60));
        s.put("postal_per_minute", postal.minutes().stream().map(m -> m.time() + "=" + m.messages())
                .reduce((a, b) -> a + " " + b).orElse("-"));
        s.put("mb_per_second", String.format("%.2f", bytes / sendSeconds / 1e6));
        s.put("mean_message_bytes", Long.toString(bytes / n));
        s.put("latency_p50_ms", Long.toString(Percentiles.of(latencies, 50)));
        s.put("latency_p95_ms", Long.toString(Percentiles.of(latencies, 95)));
        s.put("latency_p99_ms", Long.toString(Percentiles.of(latencies, 99)));
        s.put("latency_max_ms", latencies.isEmpty() ? "0" : Long.toString(latencies.get(latencies.size() - 1)));
        s.put("latency_second_half_p50_p99", Percentiles.of(secondHalf, 50) + " / " + Percentiles.of(secondHalf, 99)
                + " ms (messages accepted in the second half of the run: past warm-up)");
        s.put("drain_seconds_after_stop", String.format("%.1f", Math.max(0, lastListed - until) / 1000.0));
        s.put("server_rss_max_mib", Long.toString(resources.maxServerRssMiB()));
        s.put("cassandra_rss_max_mib", Long.toString(resources.maxCassandraRssMiB()));
        s.put("cpu_ms_per_message_server", String.format("%.2f", cpu[0] * 1000 / n));
        s.put("cpu_ms_per_message_cassandra", String.format("%.2f", cpu[1] * 1000 / n));
        s.put("cpu_ms_per_message_rabbitmq", String.format("%.2f", cpu[2] * 1000 / n));
        s.put("cpu_ms_per_message_total", String.format("%.2f", (cpu[0] + cpu[1] + cpu[2]) * 1000 / n));
        return s;
    }

    private void write(Map<String, String> summary, List<Timeline.Bucket> timeline, ResourceSamples resources,
                       PostalRun postal) throws IOException {
        List<String> csv = new ArrayList<>(List.of("key,value"));
        summary.forEach((k, v) -> csv.add(k + "," + (v.contains(" ") ? "\"" + v + "\"" : v)));
        Files.write(dir.resolve("summary.csv"), csv, StandardCharsets.UTF_8);
        List<String> text = new ArrayList<>();
        summary.forEach((k, v) -> text.add(String.format("%-28s %s", k, v)));
        Files.write(dir.resolve("summary.txt"), text, StandardCharsets.UTF_8);
        List<String> tl = new ArrayList<>(List.of("second,accepted_per_minute,listed_per_minute,latency_p50_ms,latency_p99_ms"));
        int n = timeline.size();
        double[] x = new double[n];
        double[] in = new double[n];
        double[] out = new double[n];
        double[] p50 = new double[n];
        double[] p99 = new double[n];
        for (int i = 0; i < n; i++) {
            Timeline.Bucket b = timeline.get(i);
            x[i] = b.startSecond();
            in[i] = b.acceptedPerMinute(bucket);
            out[i] = b.listedPerMinute(bucket);
            p50[i] = b.p50Millis();
            p99[i] = b.p99Millis();
            tl.add(String.format("%d,%.0f,%.0f,%d,%d", b.startSecond(), in[i], out[i], b.p50Millis(), b.p99Millis()));
        }
        Files.write(dir.resolve("timeline.csv"), tl, StandardCharsets.UTF_8);
        List<ResourceSamples.Sample> r = resources.samples();
        double[] rx = new double[r.size()];
        double[] serverRss = new double[r.size()];
        double[] cassandraRss = new double[r.size()];
        for (int i = 0; i < r.size(); i++) {
            rx[i] = Math.max(0, (r.get(i).millis() - since) / 1000.0);
            serverRss[i] = r.get(i).serverRssKb() / 1024.0;
            cassandraRss[i] = r.get(i).cassandraRssKb() / 1024.0;
        }
        String title = String.format("CassMail + postal: %s accepted, %s/min, p99 %s ms", summary.get("accepted"),
                summary.get("accepted_per_minute"), summary.get("latency_p99_ms"));
        BenchChart.write(dir.resolve("chart.png"), title, List.of(
                List.of(new BenchChart.Series("accepted/min", x, in), new BenchChart.Series("in mailbox/min", x, out)),
                List.of(new BenchChart.Series("p50 ms", x, p50), new BenchChart.Series("p99 ms", x, p99)),
                List.of(new BenchChart.Series("CassMail RSS MiB", rx, serverRss),
                        new BenchChart.Series("Cassandra RSS MiB", rx, cassandraRss))),
                List.of("messages per minute (" + bucket + " s buckets)", "250 -> in mailbox latency (ms), by time accepted",
                        "resident memory (MiB)"));
    }

    static List<String> readUsers(Path usersFile) throws IOException {
        List<String> users = new ArrayList<>();
        for (String line : Files.readAllLines(usersFile, StandardCharsets.UTF_8)) {
            String[] f = line.strip().split("\\s+");
            if (!f[0].isEmpty()) {
                users.add(f[0].toLowerCase(java.util.Locale.ROOT));
            }
        }
        return users;
    }
}
