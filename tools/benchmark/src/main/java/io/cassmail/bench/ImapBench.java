package io.cassmail.bench;

import com.datastax.oss.driver.api.core.CqlSession;
import io.cassmail.auth.PasswordHasher;
import io.cassmail.config.CassMailConfig;
import io.cassmail.config.ConfigLoader;
import io.cassmail.store.Stores;
import io.cassmail.store.cassandra.CassandraConnector;
import io.cassmail.store.cassandra.CassandraStores;
import io.cassmail.testing.ImapWire;
import io.cassmail.testing.PrivateDovecot;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.net.pop3.POP3Client;
import org.apache.commons.net.pop3.POP3MessageInfo;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * IMAP and POP3 under a realistic session mix, against a running CassMail ({@code make run}) and a private Dovecot
 * (Debian's dovecot-imapd, Maildir, configured here in a temporary directory) on this machine in one run: the same
 * accounts, the same mail, the same client. Prints operations per second, p50/p99 per command and CPU per
 * operation for each, the first round right after start (cold) and the next one (warm).
 */
@Command(name = "bench-imap", mixinStandardHelpOptions = true,
        description = "IMAP and POP3 session mix: CassMail against a private Dovecot on this machine.")
public final class ImapBench implements java.util.concurrent.Callable<Integer> {
    @Option(names = "--accounts", defaultValue = "20", description = "Accounts (default ${DEFAULT-VALUE}).")
    int accounts;
    @Option(names = "--messages", defaultValue = "200", description = "Messages per account (default ${DEFAULT-VALUE}).")
    int messages;
    @Option(names = "--clients", defaultValue = "8", description = "Concurrent client sessions (default ${DEFAULT-VALUE}).")
    int clients;
    @Option(names = "--seconds", defaultValue = "30", description = "Seconds per round (default ${DEFAULT-VALUE}).")
    int seconds;
    @Option(names = "--rounds", defaultValue = "2", description = "Rounds per server: the first is cold (default ${DEFAULT-VALUE}).")
    int rounds;
    @Option(names = "--imap-port", defaultValue = "2143", description = "CassMail's IMAP port (default ${DEFAULT-VALUE}).")
    int imapPort;
    @Option(names = "--pop3-port", defaultValue = "2110", description = "CassMail's POP3 port (default ${DEFAULT-VALUE}).")
    int pop3Port;
    @Option(names = "--domain", defaultValue = "imap.bench", description = "The accounts' domain (default ${DEFAULT-VALUE}).")
    String domain;

    static final String PASSWORD = "bench-imap-pw";

    public static void main(String[] args) {
        System.exit(new CommandLine(new ImapBench()).execute(args));
    }

    /** What one round measured. */
    record Round(String server, String mix, int round, long ops, double seconds, Map<String, List<Long>> latencies,
                 Map<String, Double> cpuMs) {
        double opsPerSecond() {
            return ops / seconds;
        }
    }

    @Override
    public Integer call() throws Exception {
        CassMailConfig config = ConfigLoader.fromEnvironment(null, List.of());
        List<String> users = new ArrayList<>();
        for (int i = 0; i < accounts; i++) {
            users.add("user" + i + "@" + domain);
        }
        String hash = new PasswordHasher(config.password().argon2MemoryKib(), config.password().argon2Iterations())
                .hash(PASSWORD);
        try (CqlSession session = CassandraConnector.connect(config.cassandra())) {
            Stores stores = CassandraStores.on(session);
            for (String u : users) {
                BenchAccount.ensure(stores, u, hash);
            }
        }
        // Dovecot checks the same Argon2id hash (same cost) as CassMail: logins cost both servers the same work
        Map<String, String> dovecotUsers = new LinkedHashMap<>();
        users.forEach(u -> dovecotUsers.put(u, "{ARGON2ID}" + hash));
        List<Round> results = new ArrayList<>();
        try (PrivateDovecot dovecot = PrivateDovecot.start(dovecotUsers)) {
            System.out.printf("bench-imap: %d accounts x %d messages, %d clients, %d s rounds; filling both servers...%n",
                    accounts, messages, clients, seconds);
            fill(imapPort, users);
            fill(dovecot.imapPort(), users);
            Cpu cassmail = Cpu.cassmail();
            Cpu peer = Cpu.dovecot(dovecot.pid());
            for (int r = 1; r <= rounds; r++) {
                results.add(round("CassMail", "imap", r, imapPort, users, cassmail));
                results.add(round("Dovecot", "imap", r, dovecot.imapPort(), users, peer));
            }
            for (int r = 1; r <= rounds; r++) {
                results.add(round("CassMail", "pop3", r, pop3Port, users, cassmail));
                results.add(round("Dovecot", "pop3", r, dovecot.pop3Port(), users, peer));
            }
        }
        print(results);
        return 0;
    }

    private static byte[] message(String user, int i) {
        StringBuilder body = new StringBuilder();
        for (int l = 0; l < 40; l++) {
            body.append("Line ").append(l).append(" of message ").append(i).append(", some ordinary text to read.\r\n");
        }
        return ("From: Sender " + i + " <sender" + i + "@example.test>\r\nTo: " + user + "\r\nSubject: message " + i
                + " of the benchmark\r\nDate: Sun, 6 Dec 2026 12:00:00 +0000\r\nMessage-ID: <" + i + "." + user
                + ">\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + body)
                .getBytes(StandardCharsets.UTF_8);
    }

    /** Tops every account's INBOX up to {@code --messages}, over IMAP APPEND (the same bytes on both servers). */
    private void fill(int port, List<String> users) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<?>> done = new ArrayList<>();
        for (String u : users) {
            done.add(pool.submit(() -> {
                try (ImapWire w = new ImapWire(port)) {
                    w.command("LOGIN " + u + " " + PASSWORD);
                    int have = exists(w.command("SELECT INBOX"));
                    for (int i = have; i < messages; i++) {
                        w.append("INBOX", message(u, i));
                    }
                    w.command("LOGOUT");
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        pool.shutdown();
    }

    private static final Pattern EXISTS = Pattern.compile("^\\* (\\d+) EXISTS");
    private static final Pattern UID = Pattern.compile("UID (\\d+)");

    private static int exists(List<String> responses) {
        for (String r : responses) {
            Matcher m = EXISTS.matcher(r);
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
        }
        return 0;
    }

    /** One round: {@code --clients} sessions in a closed loop for {@code --seconds}. */
    private Round round(String server, String mix, int number, int port, List<String> users, Cpu cpu) throws Exception {
        Map<String, List<Long>> latencies = new ConcurrentHashMap<>();
        AtomicLong ops = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        Map<String, Long> before = cpu.ticks();
        long started = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<Future<?>> all = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            all.add(pool.submit(() -> {
                while (System.nanoTime() < end) {
                    String user = users.get(ThreadLocalRandom.current().nextInt(users.size()));
                    try {
                        if (mix.equals("imap")) {
                            imapSession(port, user, latencies, ops);
                        } else {
                            pop3Session(port, user, latencies, ops);
                        }
                    } catch (IOException | RuntimeException e) {
                        if (errors.incrementAndGet() <= 3) {
                            System.out.println("  " + server + " " + mix + " session failed: " + e);
                        }
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : all) {
            f.get();
        }
        pool.shutdown();
        double elapsed = (System.nanoTime() - started) / 1e9;
        Map<String, Long> after = cpu.ticks();
        Map<String, Double> cpuMs = new LinkedHashMap<>();
        for (String k : after.keySet()) {
            cpuMs.put(k, (after.get(k) - before.getOrDefault(k, 0L)) * 1000.0 / Cpu.HZ / Math.max(1, ops.get()));
        }
        Round r = new Round(server, mix, number, ops.get(), elapsed, latencies, cpuMs);
        System.out.printf("  %-8s %s round %d: %,d operations in %.1f s, %.0f/s, %d failed sessions%n", server, mix,
                number, r.ops(), elapsed, r.opsPerSecond(), errors.get());
        return r;
    }

    private static List<String> timed(ImapWire w, String name, String command, Map<String, List<Long>> lat,
                                      AtomicLong ops) throws IOException {
        long t = System.nanoTime();
        List<String> r = w.command(command);
        lat.computeIfAbsent(name, k -> Collections.synchronizedList(new ArrayList<>())).add(System.nanoTime() - t);
        ops.incrementAndGet();
        String tagged = r.get(r.size() - 1);
        if (!tagged.contains(" OK")) {
            throw new IOException(name + " failed: " + tagged);
        }
        return r;
    }

    /** Login, LIST, SELECT, flags and envelope of the newest 50, one body, \Seen, sometimes APPEND, MOVE, EXPUNGE, IDLE. */
    private void imapSession(int port, String user, Map<String, List<Long>> lat, AtomicLong ops) throws IOException {
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        long t = System.nanoTime();
        try (ImapWire w = new ImapWire(port)) {
            lat.computeIfAbsent("CONNECT", k -> Collections.synchronizedList(new ArrayList<>())).add(System.nanoTime() - t);
            timed(w, "LOGIN", "LOGIN " + user + " " + PASSWORD, lat, ops);
            timed(w, "LIST", "LIST \"\" \"*\"", lat, ops);
            int n = exists(timed(w, "SELECT", "SELECT INBOX", lat, ops));
            if (n > 0) {
                List<String> newest = timed(w, "FETCH headers", "FETCH " + Math.max(1, n - 49) + ":" + n
                        + " (UID FLAGS ENVELOPE)", lat, ops);
                List<Long> uids = new ArrayList<>();
                for (String line : newest) {
                    Matcher m = UID.matcher(line);
                    if (line.startsWith("* ") && m.find()) {
                        uids.add(Long.parseLong(m.group(1)));
                    }
                }
                if (!uids.isEmpty()) {
                    long uid = uids.get(rnd.nextInt(uids.size()));
                    timed(w, "FETCH body", "UID FETCH " + uid + " BODY.PEEK[]", lat, ops);
                    timed(w, "STORE", "UID STORE " + uid + " +FLAGS.SILENT (\\Seen)", lat, ops);
                    if (rnd.nextInt(10) == 0) {
                        timed(w, "MOVE", "UID MOVE " + uids.get(rnd.nextInt(uids.size())) + " Archive", lat, ops);
                    }
                    if (rnd.nextInt(10) == 0) {
                        long victim = uids.get(rnd.nextInt(uids.size()));
                        timed(w, "STORE", "UID STORE " + victim + " +FLAGS.SILENT (\\Deleted)", lat, ops);
                        timed(w, "EXPUNGE", "EXPUNGE", lat, ops);
                    }
                }
            }
            if (rnd.nextInt(5) == 0 || n < messages / 2) {
                long a = System.nanoTime();
                String tagged = w.append("INBOX", message(user, rnd.nextInt(1_000_000)));
                lat.computeIfAbsent("APPEND", k -> Collections.synchronizedList(new ArrayList<>())).add(System.nanoTime() - a);
                ops.incrementAndGet();
                if (!tagged.contains(" OK")) {
                    throw new IOException("APPEND failed: " + tagged);
                }
            }
            if (rnd.nextInt(10) == 0) {
                timed(w, "NOOP", "NOOP", lat, ops);
            }
            timed(w, "LOGOUT", "LOGOUT", lat, ops);
        }
    }

    /** Login, STAT, UIDL, RETR one, DELE one (each session), QUIT. */
    private void pop3Session(int port, String user, Map<String, List<Long>> lat, AtomicLong ops) throws IOException {
        POP3Client pop = new POP3Client();
        pop.setDefaultTimeout(60_000);
        long t = System.nanoTime();
        pop.connect("127.0.0.1", port);
        try {
            pop.setSoTimeout(60_000);
            record("CONNECT", t, lat, null);
            t = System.nanoTime();
            if (!pop.login(user, PASSWORD)) {
                throw new IOException("POP3 login failed: " + pop.getReplyString());
            }
            record("USER/PASS", t, lat, ops);
            t = System.nanoTime();
            POP3MessageInfo status = pop.status();
            record("STAT", t, lat, ops);
            t = System.nanoTime();
            pop.listUniqueIdentifiers();
            record("UIDL", t, lat, ops);
            if (status != null && status.number > 0) {
                int n = 1 + ThreadLocalRandom.current().nextInt(status.number);
                t = System.nanoTime();
                try (var r = pop.retrieveMessage(n)) {
                    new java.io.BufferedReader(r).lines().count();
                }
                record("RETR", t, lat, ops);
                if (status.number > messages / 2) {
                    t = System.nanoTime();
                    pop.deleteMessage(n);
                    record("DELE", t, lat, ops);
                }
            }
            t = System.nanoTime();
            pop.logout();
            record("QUIT", t, lat, ops);
        } finally {
            pop.disconnect();
        }
    }

    private static void record(String name, long start, Map<String, List<Long>> lat, AtomicLong ops) {
        lat.computeIfAbsent(name, k -> Collections.synchronizedList(new ArrayList<>())).add(System.nanoTime() - start);
        if (ops != null) {
            ops.incrementAndGet();
        }
    }

    private static double percentile(List<Long> values, double p) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        if (sorted.isEmpty()) {
            return 0;
        }
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1)) / 1e6;
    }

    private static void print(List<Round> results) {
        System.out.println();
        System.out.println("server    mix   round  ops/s   CPU ms/op (by process)                  p50/p99 ms per command");
        for (Round r : results) {
            StringBuilder cpu = new StringBuilder();
            double total = 0;
            for (Map.Entry<String, Double> e : r.cpuMs().entrySet()) {
                cpu.append(String.format("%s %.2f ", e.getKey(), e.getValue()));
                total += e.getValue();
            }
            StringBuilder lat = new StringBuilder();
            r.latencies().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> lat.append(
                    String.format("%s %.1f/%.1f; ", e.getKey(), percentile(e.getValue(), 0.5), percentile(e.getValue(), 0.99))));
            System.out.printf("%-9s %-5s %-6s %6.0f  total %.2f (%s)  %s%n", r.server(), r.mix(),
                    r.round() == 1 ? "cold" : "warm", r.opsPerSecond(), total, cpu.toString().strip(), lat);
        }
    }

    /** CPU ticks of a server's processes from /proc (user + system, and the reaped children's for Dovecot). */
    static final class Cpu {
        static final double HZ = 100.0;
        private final Map<String, java.util.function.Supplier<List<Long>>> groups;

        private Cpu(Map<String, java.util.function.Supplier<List<Long>>> groups) {
            this.groups = groups;
        }

        static Cpu cassmail() {
            Map<String, java.util.function.Supplier<List<Long>>> g = new LinkedHashMap<>();
            g.put("cassmail", () -> pids("io.cassmail.app.ServerMain"));
            g.put("cassandra", () -> pids("org.apache.cassandra.service.CassandraDaemon"));
            g.put("rabbitmq", () -> pids("beam.smp"));
            return new Cpu(g);
        }

        static Cpu dovecot(long master) {
            Map<String, java.util.function.Supplier<List<Long>>> g = new LinkedHashMap<>();
            g.put("dovecot", () -> {
                List<Long> p = new ArrayList<>();
                p.add(master);
                ProcessHandle.of(master).ifPresent(h -> h.descendants().forEach(d -> p.add(d.pid())));
                return p;
            });
            return new Cpu(g);
        }

        private static List<Long> pids(String pattern) {
            List<Long> result = new ArrayList<>();
            ProcessHandle.allProcesses().forEach(h -> {
                String cmd = h.info().commandLine().orElse("");
                if (cmd.contains(pattern) && h.pid() != ProcessHandle.current().pid()) {
                    result.add(h.pid());
                }
            });
            return result;
        }

        Map<String, Long> ticks() {
            Map<String, Long> t = new LinkedHashMap<>();
            groups.forEach((name, pids) -> {
                long sum = 0;
                for (long pid : pids.get()) {
                    sum += ticks(pid);
                }
                t.put(name, sum);
            });
            return t;
        }

        /** utime + stime + cutime + cstime (the last two: children it reaped, such as Dovecot's imap processes). */
        private static long ticks(long pid) {
            try {
                String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                return Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]);
            } catch (IOException | RuntimeException e) {
                return 0;
            }
        }
    }
}
