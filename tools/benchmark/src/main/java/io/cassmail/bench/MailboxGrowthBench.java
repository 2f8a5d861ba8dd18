package io.cassmail.bench;

import com.datastax.oss.driver.api.core.CqlSession;
import io.cassmail.config.CassMailConfig;
import io.cassmail.config.ConfigLoader;
import io.cassmail.mailbox.MailboxReader;
import io.cassmail.store.Stores;
import io.cassmail.store.cassandra.CassandraConnector;
import io.cassmail.store.cassandra.CassandraStores;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.apache.commons.net.pop3.POP3Client;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * The growth run of issue 12: one mailbox receives N messages over SMTP, is drained by POP3 DELE+QUIT
 * (in sessions of at most {@code pop3.max-messages}), refilled and drained again. Prints the SMTP accept
 * rate around 1k, 100k and N stored messages, and login + STAT time after each drain. Not a test.
 */
@Command(name = "bench-growth", mixinStandardHelpOptions = true,
        description = "Fill one mailbox with N messages, drain it by POP3, refill, drain; report rates and login times.")
public final class MailboxGrowthBench implements Callable<Integer> {
    @Option(names = "--smtp", defaultValue = "127.0.0.1:2525", description = "SMTP host:port (default ${DEFAULT-VALUE}).")
    String smtp;
    @Option(names = "--pop3", defaultValue = "127.0.0.1:2110", description = "POP3 host:port (default ${DEFAULT-VALUE}).")
    String pop3;
    @Option(names = "--messages", defaultValue = "1000000", description = "Messages per fill (default ${DEFAULT-VALUE}).")
    int messages;
    @Option(names = "--connections", defaultValue = "16", description = "Concurrent SMTP sessions (default ${DEFAULT-VALUE}).")
    int connections;
    @Option(names = "--size", defaultValue = "1024", description = "Body bytes (default ${DEFAULT-VALUE}).")
    int size;
    @Option(names = "--to", defaultValue = "growth@growth.bench", description = "The mailbox (created if missing).")
    String to;
    @Option(names = "--rounds", defaultValue = "2", description = "Fill + drain rounds (default ${DEFAULT-VALUE}).")
    int rounds;

    private static final String PASSWORD = "growth-bench";

    public static void main(String[] args) {
        System.exit(new CommandLine(new MailboxGrowthBench()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        CassMailConfig config = ConfigLoader.fromEnvironment(null, List.of());
        try (CqlSession session = CassandraConnector.connect(config.cassandra())) {
            Stores stores = CassandraStores.on(session);
            BenchAccount.ensure(stores, to, config.password().hasher().hash(PASSWORD));
            stores.directory().setQuota(to, Long.MAX_VALUE / 2, Long.MAX_VALUE / 2);
            System.out.printf("growth run: %d messages of %d bytes to %s over %d SMTP sessions, %d round(s)%n",
                    messages, size, to, connections, rounds);
            long start = new MailboxReader(stores.folders()).usage(to).messages();
            if (start > 0) {
                System.out.printf("the mailbox holds %d messages already; draining it first%n", start);
                drain(start);
            }
            for (int round = 1; round <= rounds; round++) {
                long[] acceptedAt = fill();
                waitListed(new MailboxReader(stores.folders()), messages);
                for (long at : new long[] {1_000, 100_000, messages}) {
                    if (at <= messages) {
                        System.out.printf("round %d: accept rate around %,d stored: %,.0f messages/minute%n", round, at,
                                rateAround(acceptedAt, (int) at));
                    }
                }
                System.out.printf("round %d: login + STAT with %,d stored: %d ms%n", round, messages, loginAndStat()[0]);
                long drainStart = System.nanoTime();
                drain(messages);
                System.out.printf("round %d: drained %,d messages by DELE+QUIT in %.0f s%n", round, messages,
                        (System.nanoTime() - drainStart) / 1e9);
                long[] after = loginAndStat();
                System.out.printf("round %d: login + STAT after the drain: %d ms (%d messages listed)%n", round, after[0],
                        after[1]);
            }
            return 0;
        }
    }

    /** Sends the messages and returns when each was accepted (ms since the fill started), in acceptance order. */
    private long[] fill() throws Exception {
        AtomicLongArray at = new AtomicLongArray(messages);
        AtomicLong next = new AtomicLong();
        AtomicLong accepted = new AtomicLong();
        long t0 = System.nanoTime();
        String body = "Subject: growth\r\n\r\n" + ("y".repeat(76) + "\r\n").repeat(Math.max(1, size / 78)) + ".\r\n";
        ExecutorService pool = Executors.newFixedThreadPool(connections);
        List<Future<?>> senders = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            senders.add(pool.submit(() -> {
                send(body, next, accepted, at, t0);
                return null;
            }));
        }
        for (Future<?> f : senders) {
            f.get();
        }
        pool.shutdown();
        long[] result = new long[(int) accepted.get()];
        for (int i = 0; i < result.length; i++) {
            result[i] = at.get(i);
        }
        java.util.Arrays.sort(result);
        System.out.printf("filled: %,d accepted in %.0f s%n", result.length, (System.nanoTime() - t0) / 1e9);
        return result;
    }

    private void send(String body, AtomicLong next, AtomicLong accepted, AtomicLongArray at, long t0) throws IOException {
        String[] hp = smtp.split(":");
        try (Socket socket = new Socket(hp[0], Integer.parseInt(hp[1]))) {
            socket.setSoTimeout(120_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream out = socket.getOutputStream();
            BenchAccount.reply(in);
            out.write("EHLO growth.bench\r\n".getBytes(StandardCharsets.US_ASCII));
            BenchAccount.reply(in);
            while (next.getAndIncrement() < messages) {
                // RFC 2920 pipelining: MAIL, RCPT and DATA in one write
                out.write(("MAIL FROM:<bench@growth.bench>\r\nRCPT TO:<" + to + ">\r\nDATA\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                boolean mail = BenchAccount.reply(in).startsWith("250");
                boolean rcpt = BenchAccount.reply(in).startsWith("250");
                boolean ok = BenchAccount.reply(in).startsWith("354") && mail && rcpt;
                if (!ok) {
                    throw new IOException("the server refused a message; is the mailbox full or the server down?");
                }
                out.write(body.getBytes(StandardCharsets.US_ASCII));
                out.flush();
                String r = BenchAccount.reply(in);
                if (!r.startsWith("250")) {
                    throw new IOException("DATA refused: " + r);
                }
                at.set((int) accepted.getAndIncrement(), (System.nanoTime() - t0) / 1_000_000);
            }
            out.write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
        }
    }

    /** Messages per minute over the 1,000 acceptances centred on the {@code k}-th. */
    private static double rateAround(long[] acceptedAt, int k) {
        int from = Math.max(0, Math.min(k - 500, acceptedAt.length - 1000));
        int to = Math.min(acceptedAt.length - 1, from + 999);
        long ms = Math.max(1, acceptedAt[to] - acceptedAt[from]);
        return (to - from) * 60_000.0 / ms;
    }

    private void waitListed(MailboxReader mailboxes, long expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.HOURS.toNanos(2);
        while (mailboxes.usage(to).messages() < expected && System.nanoTime() < deadline) {
            Thread.sleep(1000);
        }
        System.out.printf("listed: %,d in the mailbox%n", mailboxes.usage(to).messages());
    }

    private POP3Client login() throws IOException {
        String[] hp = pop3.split(":");
        POP3Client c = new POP3Client();
        c.setDefaultTimeout(600_000);
        c.connect(hp[0], Integer.parseInt(hp[1]));
        c.setSoTimeout(600_000);
        if (!c.login(to, PASSWORD)) {
            throw new IOException("POP3 login failed: " + c.getReplyString());
        }
        return c;
    }

    /** {milliseconds for connect + USER/PASS + STAT, messages STAT counted}. */
    private long[] loginAndStat() throws IOException {
        long t = System.nanoTime();
        POP3Client c = login();
        int n = c.status().number;
        long ms = (System.nanoTime() - t) / 1_000_000;
        c.logout();
        c.disconnect();
        return new long[] {ms, n};
    }

    /** Deletes everything, one POP3 session per maildrop (each shows at most pop3.max-messages). */
    private void drain(long total) throws IOException {
        long left = total;
        while (left > 0) {
            POP3Client c = login();
            int n = c.status().number;
            if (n == 0) {
                c.logout();
                c.disconnect();
                return;
            }
            for (int i = 1; i <= n; i++) {
                if (!c.deleteMessage(i)) {
                    throw new IOException("DELE " + i + ": " + c.getReplyString());
                }
            }
            if (!c.logout()) {
                throw new IOException("QUIT: " + c.getReplyString());
            }
            c.disconnect();
            left -= n;
        }
    }
}
