package io.cassmail.pop3;

import static org.assertj.core.api.Assertions.assertThat;

import io.cassmail.auth.LoginPenalty;
import io.cassmail.auth.PasswordAuthenticator;
import io.cassmail.auth.PasswordHasher;
import io.cassmail.config.CassMailConfig;
import io.cassmail.config.ConfigLoader;
import io.cassmail.delivery.DeliveryProcessor;
import io.cassmail.testing.MemoryMailSystem;
import io.cassmail.testing.SmtpLineClient;
import io.cassmail.testing.TestCerts;
import io.cassmail.tls.ServerTls;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.commons.net.pop3.POP3SClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** POP3 with STLS (RFC 2595) and POP3S (RFC 8314) with commons-net's POP3SClient, memory twins behind the server. */
class Pop3TlsTest {
    @TempDir
    static Path certDir;
    private static ServerTls tls;

    private final MemoryMailSystem mail = new MemoryMailSystem().withDomain("cassmail.test");
    private final List<Pop3Listener> listeners = new ArrayList<>();

    @BeforeAll
    static void certificate() throws Exception {
        Path[] pair = TestCerts.create(certDir, "pop3-test", "ec");
        tls = new ServerTls(pair[0], pair[1]);
    }

    @BeforeEach
    void mailbox() throws IOException {
        mail.accounts.create("bob@cassmail.test", new PasswordHasher(64, 1).hash("secret"));
        mail.submit("a@example.test", "Subject: one\r\n\r\nover tls\r\n", "bob@cassmail.test");
        DeliveryProcessor p = mail.processor();
        mail.queue.takeDeliveries().forEach(p::process);
    }

    @AfterEach
    void stop() {
        listeners.forEach(Pop3Listener::close);
    }

    /** A listener; {@code trusted} says which client addresses may send a password without TLS. */
    private Pop3Listener start(boolean implicit, Predicate<InetAddress> trusted, String... settings) {
        List<String> all = new ArrayList<>(List.of("pop3.port=0", "pop3.auth-failure-delay=10ms",
                "password.argon2-memory=64K", "password.argon2-iterations=1"));
        all.addAll(List.of(settings));
        CassMailConfig c = ConfigLoader.load(null, Map.of(), all);
        Pop3Listener l = new Pop3Listener(c.pop3(), 0, implicit, tls, mail.mailboxes, mail.stores.messages(), new PasswordAuthenticator(mail.stores.directory(), c.password().hasher()),
                new LoginPenalty(10, java.time.Duration.ofMinutes(5), mail.clock), trusted,
                io.cassmail.metrics.CassMailMetrics.none());
        l.start();
        listeners.add(l);
        return l;
    }

    private static POP3SClient client(boolean implicit) {
        POP3SClient c = new POP3SClient(implicit, TestCerts.trustingClient());
        c.setDefaultTimeout(30_000);
        return c;
    }

    @Test
    void stlsThenLoginAndRead() throws IOException {
        Pop3Listener l = start(false, InetAddress::isLoopbackAddress);
        POP3SClient c = client(false);
        c.connect("127.0.0.1", l.port());
        assertThat(c.capa()).isTrue();
        assertThat(List.of(c.getReplyStrings())).contains("STLS");
        assertThat(c.execTLS()).isTrue();
        assertThat(c.capa()).isTrue();
        assertThat(List.of(c.getReplyStrings())).doesNotContain("STLS").contains("USER");
        assertThat(c.login("bob@cassmail.test", "secret")).isTrue();
        assertThat(c.status().number).isEqualTo(1);
        try (var reader = new java.io.BufferedReader(c.retrieveMessage(1))) {
            assertThat(reader.lines().toList()).contains("over tls");
        }
        assertThat(c.sendCommand("STLS")).isEqualTo(org.apache.commons.net.pop3.POP3Reply.ERROR);
        c.logout();
        c.disconnect();
    }

    @Test
    void aClientDribblingOneTlsRecordAfterStlsIsCutOffNearTheIdleTimeout() throws IOException {
        Pop3Listener l = start(false, InetAddress::isLoopbackAddress, "pop3.idle-timeout=2s");
        java.net.Socket plain = new java.net.Socket("127.0.0.1", l.port());
        plain.setSoTimeout(10_000);
        var lines = new java.io.BufferedReader(new java.io.InputStreamReader(plain.getInputStream(),
                java.nio.charset.StandardCharsets.US_ASCII));
        assertThat(lines.readLine()).startsWith("+OK");
        plain.getOutputStream().write("STLS\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        assertThat(lines.readLine()).startsWith("+OK");

        java.time.Duration closedAfter = io.cassmail.testing.TlsDribbler.dribble(plain,
                java.time.Duration.ofMillis(1500), java.time.Duration.ofSeconds(30));

        // a byte every 1.5 s inside a 2 s read timeout would hold the record open for 96 s without the watchdog
        assertThat(closedAfter).as("server closed the dribbling connection").isNotNull()
                .isLessThan(java.time.Duration.ofSeconds(12));
    }

    @Test
    void pop3sIsTlsFromTheFirstByte() throws IOException {
        Pop3Listener l = start(true, InetAddress::isLoopbackAddress);
        POP3SClient c = client(true);
        c.connect("127.0.0.1", l.port());
        assertThat(c.sendCommand("STLS")).isEqualTo(org.apache.commons.net.pop3.POP3Reply.ERROR);
        assertThat(c.getReplyString()).contains("TLS active");
        assertThat(c.login("bob@cassmail.test", "secret")).isTrue();
        assertThat(c.status().number).isEqualTo(1);
        c.logout();
        c.disconnect();
    }

    @Test
    void aPasswordFromAnUntrustedAddressIsRefusedBeforeTlsAndAcceptedAfter() throws IOException {
        Pop3Listener l = start(false, address -> false);
        try (SmtpLineClient c = new SmtpLineClient(l.port())) {
            c.expect("+OK");
            String capa = c.send("CAPA").reply();
            String all = capa;
            while (!all.endsWith("\n.") && !all.equals(".")) {
                String next = c.reply();
                all = all + "\n" + next;
                if (next.equals(".")) {
                    break;
                }
            }
            assertThat(all).contains("STLS").doesNotContain("USER");
            c.send("USER bob@cassmail.test").expect("-ERR [AUTH] Plaintext authentication disallowed");
            c.send("PASS secret").expect("-ERR [AUTH] Plaintext authentication disallowed");
            c.send("STLS").expect("+OK Begin TLS negotiation");
            c.startTls();
            c.send("USER bob@cassmail.test").expect("+OK");
            c.send("PASS secret").expect("+OK Logged in, 1 messages");
        }
    }

    @Test
    void popAllowPlaintextLetsAnyAddressLogInWithoutTls() throws IOException {
        Pop3Listener l = start(false, address -> false, "pop3.allow-plaintext=true");
        try (SmtpLineClient c = new SmtpLineClient(l.port())) {
            c.expect("+OK");
            c.send("USER bob@cassmail.test").expect("+OK");
            c.send("PASS secret").expect("+OK Logged in");
        }
    }

    @Test
    void aFailedHandshakeEndsThePop3sConnectionAtOnce() throws IOException {
        Pop3Listener l = start(true, InetAddress::isLoopbackAddress);
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", l.port())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write("USER bob@cassmail.test\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            long start = System.nanoTime();
            byte[] received = s.getInputStream().readAllBytes(); // an alert at most, then the end of the stream
            assertThat(new String(received, java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain("+OK");
            assertThat(java.time.Duration.ofNanos(System.nanoTime() - start)).isLessThan(java.time.Duration.ofSeconds(10));
        }
    }
}
