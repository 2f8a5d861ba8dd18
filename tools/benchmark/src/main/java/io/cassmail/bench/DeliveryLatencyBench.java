package io.cassmail.bench;

import com.datastax.oss.driver.api.core.CqlSession;
import io.cassmail.config.CassMailConfig;
import io.cassmail.config.ConfigLoader;
import io.cassmail.store.DeliveryLedger;
import io.cassmail.store.DeliveryRecord;
import io.cassmail.store.DeliveryStatus;
import io.cassmail.store.Stores;
import io.cassmail.store.cassandra.CassandraConnector;
import io.cassmail.store.cassandra.CassandraStores;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * End-to-end delivery latency: sends mail over SMTP at a fixed rate (or as fast as possible), notes the
 * moment of each 250, and reads from the deliveries table when the worker listed it in the mailbox.
 * Prints throughput and latency percentiles. Not a test: numbers depend on the machine.
 */
@Command(name = "bench-latency", mixinStandardHelpOptions = true,
        description = "Measure 250 -> in-mailbox latency against a running CassMail.")
public final class DeliveryLatencyBench implements Callable<Integer> {
    private static final java.util.regex.Pattern QUEUED = java.util.regex.Pattern.compile("queued as ([0-9a-f-]{36})");

    @Option(names = "--smtp", defaultValue = "127.0.0.1:2525", description = "SMTP host:port (default ${DEFAULT-VALUE}).")
    String smtp;
    @Option(names = "--rate", defaultValue = "20", description = "Messages per second in total; 0 = as fast as possible (default ${DEFAULT-VALUE}).")
    double rate;
    @Option(names = "--seconds", defaultValue = "30", description = "How long to send (default ${DEFAULT-VALUE}).")
    int seconds;
    @Option(names = "--connections", defaultValue = "8", description = "Concurrent SMTP sessions (default ${DEFAULT-VALUE}).")
    int connections;
    @Option(names = "--size", defaultValue = "4096", description = "Message body bytes (default ${DEFAULT-VALUE}).")
    int size;
    @Option(names = "--to", defaultValue = "bench@bench.test", description = "Recipient; its domain and account are created if missing.")
    String to;

    record Sent(UUID id, long acceptedAtMillis) {
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new DeliveryLatencyBench()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        CassMailConfig config = ConfigLoader.fromEnvironment(null, List.of());
        try (CqlSession session = CassandraConnector.connect(config.cassandra())) {
            Stores stores = CassandraStores.on(session);
            BenchAccount.ensure(stores, to, null);
            List<Sent> sent = Collections.synchronizedList(new ArrayList<>());
            AtomicInteger errors = new AtomicInteger();
            long start = System.nanoTime();
            long end = start + TimeUnit.SECONDS.toNanos(seconds);
            double perConnection = rate / connections;
            ExecutorService pool = Executors.newFixedThreadPool(connections);
            List<Future<?>> futures = new ArrayList<>();
            String body = "Subject: latency bench\r\n\r\n" + ("x".repeat(76) + "\r\n").repeat(Math.max(1, size / 78));
            for (int c = 0; c < connections; c++) {
                int offset = c;
                futures.add(pool.submit(() -> {
                    sendLoop(body, perConnection, offset, start, end, sent, errors);
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
            pool.shutdown();
            double sendSeconds = (System.nanoTime() - start) / 1e9;
            Map<UUID, Long> deliveredAt = waitForDelivery(stores.ledger(), sent);
            List<Long> latencies = new ArrayList<>();
            for (Sent s : sent) {
                Long at = deliveredAt.get(s.id());
                if (at != null) {
                    latencies.add(Math.max(0, at - s.acceptedAtMillis()));
                }
            }
            Collections.sort(latencies);
            System.out.printf("sent %d messages of ~%d bytes over %d connections in %.1f s: %.0f messages/minute accepted, %d SMTP errors%n",
                    sent.size(), size, connections, sendSeconds, sent.size() / sendSeconds * 60, errors.get());
            System.out.printf("delivered %d of %d; latency 250 -> in mailbox: p50 %d ms, p95 %d ms, p99 %d ms, max %d ms%n",
                    latencies.size(), sent.size(), Percentiles.of(latencies, 50), Percentiles.of(latencies, 95), Percentiles.of(latencies, 99),
                    latencies.isEmpty() ? 0 : latencies.get(latencies.size() - 1));
            return latencies.size() == sent.size() && errors.get() == 0 ? 0 : 1;
        }
    }

    private void sendLoop(String body, double perSecond, int offset, long start, long end, List<Sent> sent,
                          AtomicInteger errors) throws IOException {
        String[] hp = smtp.split(":");
        try (Socket socket = new Socket(hp[0], Integer.parseInt(hp[1]))) {
            socket.setSoTimeout(60_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            OutputStream out = socket.getOutputStream();
            BenchAccount.reply(in);
            command(out, in, "EHLO bench.local");
            long n = 0;
            while (true) {
                long due = perSecond <= 0 ? System.nanoTime()
                        : start + (long) ((n + offset / (double) connections) * 1e9 / perSecond);
                if (due >= end || System.nanoTime() >= end) {
                    break;
                }
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                n++;
                command(out, in, "MAIL FROM:<bench@bench.local>");
                command(out, in, "RCPT TO:<" + to + ">");
                command(out, in, "DATA");
                out.write((body + ".\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                String r = BenchAccount.reply(in);
                long now = System.currentTimeMillis();
                java.util.regex.Matcher m = QUEUED.matcher(r);
                if (r.startsWith("250") && m.find()) {
                    sent.add(new Sent(UUID.fromString(m.group(1)), now));
                } else {
                    errors.incrementAndGet();
                    command(out, in, "RSET");
                }
            }
            command(out, in, "QUIT");
        }
    }

    private static Map<UUID, Long> waitForDelivery(DeliveryLedger ledger, List<Sent> sent) throws InterruptedException {
        Map<UUID, Long> done = new ConcurrentHashMap<>();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        ExecutorService readers = Executors.newFixedThreadPool(8);
        try {
            while (done.size() < sent.size() && System.nanoTime() < deadline) {
                List<Future<?>> f = new ArrayList<>();
                for (Sent s : sent) {
                    if (!done.containsKey(s.id())) {
                        f.add(readers.submit(() -> {
                            List<DeliveryRecord> records = ledger.records(s.id());
                            if (!records.isEmpty() && records.stream().allMatch(r -> r.status() == DeliveryStatus.DELIVERED
                                    || r.status() == DeliveryStatus.EXPUNGED)) {
                                done.put(s.id(), records.stream().map(DeliveryRecord::updated)
                                        .max(Instant::compareTo).map(Instant::toEpochMilli).orElse(System.currentTimeMillis()));
                            }
                        }));
                    }
                }
                for (Future<?> x : f) {
                    try {
                        x.get();
                    } catch (java.util.concurrent.ExecutionException e) {
                        // retry on the next round
                    }
                }
                if (done.size() < sent.size()) {
                    Thread.sleep(500);
                }
            }
        } finally {
            readers.shutdown();
        }
        return done;
    }

    private static void command(OutputStream out, BufferedReader in, String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        BenchAccount.reply(in);
    }
}
