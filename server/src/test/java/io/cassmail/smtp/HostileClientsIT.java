package io.cassmail.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cassmail.testing.MailStack;
import io.cassmail.testing.ServerProcess;
import io.cassmail.testing.SmtpLineClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Attacks from the hardening issue against a real cassmail-server JVM. A flood on its default 256 MiB heap: 1,000
 * sessions from ten client addresses park inside DATA. The process must not run out of memory (it would exit:
 * -XX:+ExitOnOutOfMemoryError), the listener must keep answering, and once the in-flight budget is spent DATA
 * is answered 451 4.3.1 instead of allocating. And clients that dribble bytes to hold a slot for days.
 */
class HostileClientsIT {
    private static final int SESSIONS = 1000;
    private static final long MIB = 1024 * 1024;
    static MailStack stack;

    @BeforeAll
    static void start() {
        stack = MailStack.create("flood").withDomain("cassmail.test").withUser("bob@cassmail.test");
    }

    @AfterAll
    static void stop() throws Exception {
        stack.close();
    }

    @Test
    void aThousandSessionsParkedInDataNeitherExhaustTheHeapNorStopTheListener() throws Exception {
        int port = ServerProcess.freePort();
        List<String> settings = new ArrayList<>(stack.settings);
        settings.add("smtp.port=" + port);
        settings.add("smtp.max-connections=" + (SESSIONS + 10)); // room for the well-behaved client beside the flood
        // every session is held here to load the in-flight memory budget; stress mode, which would shed them and cap
        // each address (ConnectionFloodIT), is kept from doing so
        settings.add("smtp.stress-timeout=10m");
        settings.add("smtp.stress-max-connections-per-ip=" + SESSIONS);
        List<Parked> parked = new ArrayList<>();
        try (ServerProcess server = ServerProcess.start("flood", settings, "smtp,worker")) {
            await().atMost(Duration.ofSeconds(90)).ignoreExceptions().until(() -> greets(port));
            try {
                for (int i = 0; i < SESSIONS; i++) {
                    Parked p = new Parked(port, "127.0.0." + (2 + i % 10));
                    parked.add(p);
                    p.send("X-Flood: " + "f".repeat(990) + "\r\n");
                }
                assertThat(sendOne(port)).startsWith("250 2.0.0"); // served during the flood
                long parkedHeap = server.heapUsedAfterGc();

                for (Parked p : parked) { // now every session pushes 120 KiB more: 117 MiB in all, past the budget
                    p.send(("b".repeat(1022) + "\r\n").repeat(120));
                }
                assertThat(server.isAlive()).as("server alive (it exits on OutOfMemoryError)").isTrue();
                long heavyHeap = server.heapUsedAfterGc();
                assertThat(sendOne(port)).matches("(250 2\\.0\\.0|451 4\\.3\\.1) .*");

                Map<String, Integer> answers = new TreeMap<>();
                for (Parked p : parked) {
                    answers.merge(p.end().substring(0, 9), 1, Integer::sum);
                }
                System.out.printf("flood: heap after GC with %d parked sessions %d MiB, after 120 KiB each %d MiB;"
                        + " answers %s%n", SESSIONS, parkedHeap / MIB, heavyHeap / MIB, answers);
                assertThat(answers.keySet()).containsExactlyInAnyOrder("250 2.0.0", "451 4.3.1");
                assertThat(parkedHeap).isLessThan(160 * MIB);
                assertThat(heavyHeap).isLessThan(192 * MIB);
            } finally {
                for (Parked p : parked) {
                    p.close();
                }
            }
            assertThat(sendOne(port)).startsWith("250 2.0.0"); // and after it
            assertThat(server.isAlive()).isTrue();
            assertThat(Files.readString(server.log())).doesNotContain("OutOfMemoryError");
        }
    }

    private static boolean greets(int port) throws IOException {
        try (SmtpLineClient c = new SmtpLineClient(port)) {
            return c.reply().startsWith("220");
        }
    }

    private static String sendOne(int port) throws IOException {
        try (SmtpLineClient c = new SmtpLineClient(port)) {
            c.expect("220");
            c.send("EHLO good.client.test").expect("250");
            c.send("MAIL FROM:<alice@example.org>").expect("250");
            c.send("RCPT TO:<bob@cassmail.test>").expect("250");
            String reply = c.send("DATA").reply();
            if (!reply.startsWith("354")) {
                return reply;
            }
            return c.send("Subject: still served\r\n\r\nhello\r\n.").reply();
        }
    }

    /** One session from a given loopback address, parked after 354. */
    private static final class Parked implements AutoCloseable {
        private final Socket socket = new Socket();
        private final BufferedReader in;
        private final OutputStream out;

        Parked(int port, String from) throws IOException {
            socket.bind(new InetSocketAddress(from, 0));
            socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            socket.setSoTimeout(120_000);
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            out = socket.getOutputStream();
            send("EHLO flood.test\r\nMAIL FROM:<flood@example.org>\r\nRCPT TO:<bob@cassmail.test>\r\nDATA\r\n");
            String line;
            while ((line = in.readLine()) != null && !line.startsWith("354")) {
                if (!line.startsWith("2")) {
                    throw new IOException("session from " + from + " not parked: " + line);
                }
            }
            if (line == null) {
                throw new IOException("session from " + from + " closed before 354");
            }
        }

        void send(String text) throws IOException {
            out.write(text.getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }

        String end() throws IOException {
            send("\r\n.\r\n");
            String line = in.readLine();
            return line == null ? "(closed)" : line;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    @Test
    void byteDribblingClientsAreCutOffAtTheDeadlineNotBetweenLines() throws Exception {
        int port = ServerProcess.freePort();
        List<String> settings = new ArrayList<>(stack.settings);
        settings.addAll(List.of("smtp.port=" + port, "smtp.session-timeout=6s", "smtp.read-timeout=2s",
                "smtp.min-data-rate=1000"));
        try (ServerProcess server = ServerProcess.start("dribble", settings, "smtp")) {
            await().atMost(Duration.ofSeconds(90)).ignoreExceptions().until(() -> greets(port));
            try (SmtpLineClient c = new SmtpLineClient(port)) { // a command line, one byte every 500 ms
                c.expect("220");
                assertThat(dribble(c, "EHLO slow.client.test".getBytes(StandardCharsets.US_ASCII))).startsWith("421 4.4.2");
            }
            try (SmtpLineClient c = new SmtpLineClient(port)) { // DATA at 2 bytes/s against a minimum of 1,000
                c.expect("220");
                c.send("EHLO slow.client.test").expect("250");
                c.send("MAIL FROM:<alice@example.org>").expect("250");
                c.send("RCPT TO:<bob@cassmail.test>").expect("250");
                c.send("DATA").expect("354");
                assertThat(dribble(c, ("Subject: slow\r\n\r\n" + "s".repeat(200)).getBytes(StandardCharsets.US_ASCII)))
                        .startsWith("421 4.4.2");
            }
            assertThat(sendOne(port)).startsWith("250 2.0.0");
        }
    }

    /** Sends one byte every 500 ms until the server answers; returns the answer (within 20 s). */
    private static String dribble(SmtpLineClient c, byte[] bytes) throws Exception {
        long start = System.nanoTime();
        for (byte b : bytes) {
            String reply = c.poll();
            if (reply != null) {
                return reply;
            }
            try {
                c.sendRaw(new byte[] {b});
            } catch (IOException e) {
                break; // closed after its reply
            }
            Thread.sleep(500);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
        }
        return c.reply();
    }
}
