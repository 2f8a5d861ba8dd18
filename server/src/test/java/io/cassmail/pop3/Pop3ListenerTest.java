package io.cassmail.pop3;

import static org.assertj.core.api.Assertions.assertThat;

import io.cassmail.auth.LoginPenalty;
import io.cassmail.auth.PasswordAuthenticator;
import io.cassmail.auth.PasswordHasher;
import io.cassmail.config.CassMailConfig;
import io.cassmail.config.ConfigLoader;
import io.cassmail.delivery.DeliveryProcessor;
import io.cassmail.store.DeliveryStatus;
import io.cassmail.testing.MemoryMailSystem;
import io.cassmail.testing.SmtpLineClient;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.commons.net.pop3.POP3Client;
import org.apache.commons.net.pop3.POP3MessageInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A POP3 session with a real client (commons-net) over loopback, with the memory twins behind the server. */
class Pop3ListenerTest {
    private final CassMailConfig config = ConfigLoader.load(null, Map.of(),
            List.of("pop3.port=0", "pop3.auth-failure-delay=10ms", "password.argon2-memory=64K",
                    "password.argon2-iterations=1", "auth.max-failures-per-ip=5"));
    private final MemoryMailSystem mail = new MemoryMailSystem().withDomain("cassmail.test");
    private Pop3Listener pop3;
    private UUID first;
    private UUID second;

    @BeforeEach
    void start() throws IOException {
        mail.accounts.create("bob@cassmail.test", new PasswordHasher(64, 1).hash("secret"));
        first = mail.submit("a@example.test", "Subject: one\r\n\r\nfirst body\r\n", "bob@cassmail.test");
        second = mail.submit("a@example.test", "Subject: two\r\n\r\n.dotted\r\n", "bob@cassmail.test");
        DeliveryProcessor p = mail.processor();
        mail.queue.takeDeliveries().forEach(p::process);
        pop3 = new Pop3Listener(config.pop3(), mail.mailboxes, mail.stores.messages(),
                new PasswordAuthenticator(mail.stores.directory(), config.password().hasher()),
                new LoginPenalty(config.auth().maxFailuresPerIp(), config.auth().failureWindow(), mail.clock));
        pop3.start();
    }

    @AfterEach
    void stop() {
        pop3.close();
    }

    private POP3Client login(String password) throws IOException {
        POP3Client c = new POP3Client();
        c.setDefaultTimeout(30_000);
        c.connect("127.0.0.1", pop3.port());
        c.setSoTimeout(30_000);
        assertThat(c.login("Bob@cassmail.test", password)).isEqualTo("secret".equals(password));
        return c;
    }

    @Test
    void aUserListsAndReadsTheInboxExactly() throws IOException {
        POP3Client c = login("secret");
        POP3MessageInfo status = c.status();
        assertThat(status.number).isEqualTo(2);
        assertThat(c.listUniqueIdentifiers()).extracting(i -> i.identifier)
                .containsExactly(first.toString(), second.toString());
        try (var reader = new java.io.BufferedReader(c.retrieveMessage(2))) {
            String text = reader.lines().reduce("", (a, b) -> a + b + "\r\n");
            // the final delivery's Return-Path (RFC 5321 §4.4) comes first, and LIST counts its octets too
            assertThat(text).isEqualTo("Return-Path: <a@example.test>\r\nSubject: two\r\n\r\n.dotted\r\n");
            assertThat(c.listMessage(2).size).isEqualTo(text.length());
        }
        c.logout();
    }

    @Test
    void deletedMessagesGoAtQuitAndTheLedgerSaysExpunged() throws IOException {
        POP3Client c = login("secret");
        assertThat(c.deleteMessage(1)).isTrue();
        assertThat(c.logout()).isTrue();
        assertThat(mail.inbox("bob@cassmail.test")).containsExactly(second);
        assertThat(mail.stores.ledger().records(first).get(0).status()).isEqualTo(DeliveryStatus.EXPUNGED);
        assertThat(mail.stores.messages().find(first)).isEmpty();
    }

    @Test
    void aWrongPasswordIsRefusedWithTheAuthCode() throws IOException {
        POP3Client c = login("wrong");
        assertThat(c.getReplyString()).startsWith("-ERR [AUTH]");
        c.disconnect();
    }

    private static String tryLogin(SmtpLineClient c, String password) throws IOException {
        c.send("USER bob@cassmail.test").expect("+OK");
        return c.send("PASS " + password).reply();
    }

    @Test
    void theThirdFailedLoginOfAConnectionClosesIt() throws IOException {
        try (SmtpLineClient c = new SmtpLineClient(pop3.port())) {
            c.expect("+OK");
            assertThat(tryLogin(c, "wrong1")).isEqualTo("-ERR [AUTH] Invalid user name or password");
            assertThat(tryLogin(c, "wrong2")).isEqualTo("-ERR [AUTH] Invalid user name or password");
            assertThat(tryLogin(c, "wrong3")).startsWith("-ERR [AUTH] Invalid user name or password; 3 failures, closing");
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void anAddressOverItsFailureBudgetIsRefusedEvenWithTheRightPasswordUntilTheWindowPasses() throws IOException {
        for (int i = 0; i < 5; i++) {
            try (SmtpLineClient c = new SmtpLineClient(pop3.port())) {
                c.expect("+OK");
                assertThat(tryLogin(c, "wrong")).startsWith("-ERR [AUTH] Invalid");
            }
        }
        try (SmtpLineClient c = new SmtpLineClient(pop3.port())) {
            c.expect("+OK");
            assertThat(tryLogin(c, "secret")).startsWith("-ERR [AUTH] Too many failed logins from 127.0.0.1, try again in");
            assertThat(c.closedByServer()).isTrue();
        }
        mail.clock.advance(java.time.Duration.ofMinutes(6));
        try (SmtpLineClient c = new SmtpLineClient(pop3.port())) {
            c.expect("+OK");
            assertThat(tryLogin(c, "secret")).startsWith("+OK Logged in, 2 messages");
        }
    }

    @Test
    void authPlainAndLoginLogInThroughTheSaslLayer() throws IOException {
        java.util.Base64.Encoder b64 = java.util.Base64.getEncoder();
        try (SmtpLineClient c = new SmtpLineClient(pop3.port())) {
            c.expect("+OK");
            c.send("CAPA").expect("+OK");
            StringBuilder capa = new StringBuilder();
            for (String line = c.reply(); !line.equals("."); line = c.reply()) {
                capa.append(line).append('\n');
            }
            assertThat(capa.toString()).contains("SASL PLAIN LOGIN");
            c.send("AUTH PLAIN " + b64.encodeToString("\0bob@cassmail.test\0secret".getBytes()))
                    .expect("+OK Logged in, 2 messages");
            c.send("QUIT").expect("+OK");
        }
        try (SmtpLineClient c = new SmtpLineClient(pop3.port())) {
            c.expect("+OK");
            c.send("AUTH LOGIN").expect("+ " + b64.encodeToString("Username:".getBytes()));
            c.send(b64.encodeToString("bob@cassmail.test".getBytes())).expect("+ " + b64.encodeToString("Password:".getBytes()));
            c.send(b64.encodeToString("wrong".getBytes())).expect("-ERR [AUTH] Invalid user name or password");
            c.send("AUTH PLAIN").expect("+");
            c.send("*").expect("-ERR Authentication cancelled");
            c.send("AUTH CRAM-MD5").expect("-ERR Unsupported authentication mechanism; this server offers PLAIN LOGIN");
            c.send("QUIT").expect("+OK");
        }
    }

    @Test
    void aQuitWhoseLedgerCannotBeWrittenRemovesNothing() throws IOException {
        try (SmtpLineClient c = new SmtpLineClient(pop3.port())) {
            c.expect("+OK");
            assertThat(tryLogin(c, "secret")).startsWith("+OK");
            c.send("DELE 1").expect("+OK");
            mail.stores.ledger().unavailable(true);
            c.send("QUIT").expect("-ERR [SYS/TEMP] Some deleted messages were not removed");
        } finally {
            mail.stores.ledger().unavailable(false);
        }
        assertThat(mail.inbox("bob@cassmail.test")).containsExactly(first, second);
    }

    @Test
    void aQuitWhoseDeletionsFailSaysSoAndStillEndsTheSession() throws IOException {
        try (SmtpLineClient c = new SmtpLineClient(pop3.port())) {
            c.expect("+OK");
            assertThat(tryLogin(c, "secret")).startsWith("+OK");
            c.send("DELE 1").expect("+OK");
            mail.stores.folders().unavailable(true);
            c.send("QUIT").expect("-ERR [SYS/TEMP] Some deleted messages were not removed");
            assertThat(c.closedByServer()).isTrue();
        } finally {
            mail.stores.folders().unavailable(false);
        }
        assertThat(mail.inbox("bob@cassmail.test")).containsExactly(first, second);
    }

    private Pop3Listener startWith(String... settings) {
        List<String> all = new java.util.ArrayList<>(List.of("pop3.port=0", "password.argon2-memory=64K",
                "password.argon2-iterations=1"));
        all.addAll(List.of(settings));
        CassMailConfig c = ConfigLoader.load(null, Map.of(), all);
        Pop3Listener l = new Pop3Listener(c.pop3(), mail.mailboxes, mail.stores.messages(),
                new PasswordAuthenticator(mail.stores.directory(), c.password().hasher()),
                new LoginPenalty(c.auth().maxFailuresPerIp(), c.auth().failureWindow(), mail.clock));
        l.start();
        return l;
    }

    private static String greeting(int port) throws IOException {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
            s.setSoTimeout(30_000);
            return new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream())).readLine();
        }
    }

    @Test
    void connectionsBeyondThePerAddressLimitAreRefusedWithSysTemp() throws IOException {
        try (Pop3Listener limited = startWith("pop3.max-connections-per-ip=2");
             java.net.Socket a = new java.net.Socket("127.0.0.1", limited.port());
             java.net.Socket b = new java.net.Socket("127.0.0.1", limited.port())) {
            for (java.net.Socket s : List.of(a, b)) {
                s.setSoTimeout(30_000);
                assertThat(new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream())).readLine())
                        .startsWith("+OK");
            }
            assertThat(greeting(limited.port()))
                    .isEqualTo("-ERR [SYS/TEMP] Too many connections from 127.0.0.1, try again later");
        }
    }

    @Test
    void aClientThatStopsReadingIsDisconnectedAtTheWriteTimeout() throws Exception {
        UUID big = mail.submit("a@example.test", "Subject: big\r\n\r\n" + ("z".repeat(998) + "\r\n").repeat(24_000),
                "bob@cassmail.test");
        mail.queue.takeDeliveries().forEach(mail.processor()::process);
        try (Pop3Listener limited = startWith("pop3.max-connections-per-ip=1", "pop3.write-timeout=1s");
             java.net.Socket stuck = new java.net.Socket("127.0.0.1", limited.port())) {
            stuck.setReceiveBufferSize(4096);
            java.io.OutputStream out = stuck.getOutputStream();
            out.write("USER bob@cassmail.test\r\nPASS secret\r\nRETR 3\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            out.flush(); // and never read the 24 MB: the server's write blocks, the watchdog closes the connection
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                    .pollInterval(java.time.Duration.ofMillis(500)).ignoreExceptions()
                    .until(() -> greeting(limited.port()).startsWith("+OK")); // its slot is free again
        }
        assertThat(mail.inbox("bob@cassmail.test")).contains(big);
    }

    /** Logs in with USER/PASS on a raw connection and returns the answer to PASS. */
    private static String pass(java.io.BufferedReader in, java.io.OutputStream out) throws IOException {
        in.readLine();
        out.write("USER bob@cassmail.test\r\nPASS secret\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        out.flush();
        in.readLine();
        return in.readLine();
    }

    /** The answer to PASS on a fresh connection, which then ends. */
    private static String loginAnswer(int port) throws IOException {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
            s.setSoTimeout(30_000);
            return pass(new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream())), s.getOutputStream());
        }
    }

    @Test
    void aSecondSessionOfTheSameAccountIsRefusedInUseUntilTheFirstEnds() throws IOException {
        POP3Client c = login("secret");
        assertThat(loginAnswer(pop3.port())).startsWith("-ERR [IN-USE] Another POP3 session of bob@cassmail.test");
        assertThat(c.deleteMessage(1)).isTrue();
        assertThat(c.deleteMessage(2)).isTrue();
        c.logout(); // QUIT: the deletes take effect, and the lock goes
        POP3Client again = login("secret");
        assertThat(again.status().number).isZero();
        again.logout();
        assertThat(mail.mailboxes.reader().usage("bob@cassmail.test").messages()).isZero();
    }

    @Test
    void aLoginWhoseSnapshotDoesNotFitTheBudgetIsRefusedWithSysTempAndGivesItBack() throws IOException {
        // two messages need 256 + 2 x 48 bytes; the budget has 300
        try (Pop3Listener tight = startWith("pop3.snapshot-memory=300")) {
            assertThat(loginAnswer(tight.port())).startsWith("-ERR [SYS/TEMP] The server is holding too many");
        }
        try (Pop3Listener roomy = startWith("pop3.snapshot-memory=352")) {
            assertThat(loginAnswer(roomy.port())).startsWith("+OK Logged in, 2 messages");
        }
    }

    @Test
    void aSessionEndsAtItsTimeLimitWithSysTempAndDeletesNothing() throws IOException {
        try (Pop3Listener brief = startWith("pop3.session-timeout=2s");
             java.net.Socket s = new java.net.Socket("127.0.0.1", brief.port())) {
            s.setSoTimeout(30_000);
            var in = new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream()));
            var out = s.getOutputStream();
            assertThat(pass(in, out)).startsWith("+OK");
            out.write("DELE 1\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            out.flush();
            assertThat(in.readLine()).startsWith("+OK");
            long start = System.nanoTime();
            // the client keeps quiet (its idle timer is 10 minutes); the session's own limit ends it
            assertThat(in.readLine()).startsWith("-ERR [SYS/TEMP] Session time limit");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
        }
        assertThat(mail.inbox("bob@cassmail.test")).containsExactly(first, second);
    }
}
