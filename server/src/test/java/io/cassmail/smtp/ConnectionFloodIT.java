package io.cassmail.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cassmail.app.Role;
import io.cassmail.testing.MailStack;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Service during a connection flood, on the real stack: three addresses fill the MX's connection limit with sessions
 * parked in DATA after one header line and reconnect the moment they are dropped; stress mode sheds the idle ones
 * and holds each address to a few sessions (each flooding connection retries five times a second when refused), so a normal client is served within seconds instead of getting 421
 * until the flood's read timeouts (5 minutes) run out.
 */
class ConnectionFloodIT {
    private static MailStack stack;

    @BeforeAll
    static void start() {
        stack = MailStack.create("ConnectionFloodIT", "smtp.max-connections=60", "smtp.max-connections-per-ip=20",
                "smtp.stress-timeout=2s", "smtp.stress-max-connections-per-ip=4")
                .withDomain("cassmail.test").withUser("bob@cassmail.test");
        stack.start(Role.SMTP);
    }

    @AfterAll
    static void stop() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    /** One flooding connection from {@code from}: parks in DATA, and reconnects as soon as it is dropped. */
    private static void flood(String from, AtomicBoolean running, AtomicInteger parked, AtomicInteger mostParked) {
        while (running.get()) {
            try (Socket s = new Socket()) {
                s.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
                s.connect(new InetSocketAddress("127.0.0.1", stack.smtpPort()), 5000);
                s.setSoTimeout(600_000);
                BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
                OutputStream out = s.getOutputStream();
                String greeting = in.readLine();
                if (greeting == null || !greeting.startsWith("220")) {
                    Thread.sleep(200); // refused: a few tries a second (a connection-rate flood is another matter)
                    continue;
                }
                out.write(("EHLO flood.test\r\nMAIL FROM:<f@flood.test>\r\nRCPT TO:<bob@cassmail.test>\r\nDATA\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                String line;
                while ((line = in.readLine()) != null && !line.startsWith("354")) {
                    // EHLO lines, 250s
                }
                out.write("Subject: slow\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                mostParked.accumulateAndGet(parked.incrementAndGet(), Math::max);
                try {
                    while (in.readLine() != null) {
                        // parked until the server sheds us
                    }
                } finally {
                    parked.decrementAndGet();
                }
            } catch (IOException e) {
                // dropped: go again at once
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Whether a whole transaction from a normal client's address went through (250 after the data). */
    private static boolean normalClientServed() {
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.60"), 0));
            s.connect(new InetSocketAddress("127.0.0.1", stack.smtpPort()), 5000);
            s.setSoTimeout(5000);
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream out = s.getOutputStream();
            if (!String.valueOf(in.readLine()).startsWith("220")) {
                return false;
            }
            out.write(("HELO normal.test\r\nMAIL FROM:<n@normal.test>\r\nRCPT TO:<bob@cassmail.test>\r\nDATA\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            for (int i = 0; i < 4; i++) {
                in.readLine();
            }
            out.write("Subject: served\r\n\r\nhello\r\n.\r\nQUIT\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return String.valueOf(in.readLine()).startsWith("250 2.0.0");
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void aNormalClientIsServedWithinSecondsWhileAFloodHoldsEveryConnection() throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger parked = new AtomicInteger();
        AtomicInteger mostParked = new AtomicInteger();
        List<Thread> flooders = new ArrayList<>();
        for (String from : List.of("127.0.0.51", "127.0.0.52", "127.0.0.53")) {
            for (int i = 0; i < 20; i++) {
                Thread t = new Thread(() -> flood(from, running, parked, mostParked), "flood-" + from + "-" + i);
                t.setDaemon(true);
                t.start();
                flooders.add(t);
            }
        }
        try {
            // the flood fills the listener up to where stress mode starts (three quarters of its 60 connections; without
            // stress mode it fills all 60 and holds them for the 5-minute read timeout)
            await().atMost(Duration.ofSeconds(30)).until(() -> mostParked.get() >= 40);
            long start = System.nanoTime();
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                    .until(ConnectionFloodIT::normalClientServed);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
            // the flood goes on, its idle sessions shed and each address held to a few sessions; others still get in
            await().atMost(Duration.ofSeconds(30)).until(() -> parked.get() <= 3 * 4);
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                    .until(ConnectionFloodIT::normalClientServed);
        } finally {
            running.set(false);
            for (Thread t : flooders) {
                t.interrupt();
            }
            stack.stopServer();
        }
    }
}
