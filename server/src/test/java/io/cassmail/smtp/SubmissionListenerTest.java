package io.cassmail.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cassmail.auth.LoginPenalty;
import io.cassmail.auth.PasswordAuthenticator;
import io.cassmail.auth.PasswordHasher;
import io.cassmail.config.CassMailConfig;
import io.cassmail.config.ConfigLoader;
import io.cassmail.net.SendingLimits;
import io.cassmail.testing.Mail;
import io.cassmail.testing.MemoryMailSystem;
import io.cassmail.testing.SmtpLineClient;
import io.cassmail.testing.TestCerts;
import io.cassmail.tls.ServerTls;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Submission (RFC 6409) and SMTPS (RFC 8314) over real loopback TLS with the JDK's client, the memory twins behind
 * the listeners and a certificate made by openssl.
 */
class SubmissionListenerTest {
    private static final PasswordHasher CHEAP = new PasswordHasher(8, 1);
    @TempDir
    static Path certDir;
    private static ServerTls tls;

    private final MemoryMailSystem mail = new MemoryMailSystem().withDomain("cassmail.test").withUser("bob@cassmail.test");
    private final List<SmtpListener> listeners = new ArrayList<>();

    @BeforeAll
    static void certificate() throws Exception {
        Path[] pair = TestCerts.create(certDir.resolve("a"), "submission-test", "ec");
        tls = new ServerTls(pair[0], pair[1]);
    }

    private SmtpListener start(SmtpProfile.TlsMode mode, String... settings) {
        List<String> all = new ArrayList<>(List.of("smtp.port=0", "submission.port=0", "submissions.port=0",
                "hostname=mx.cassmail.test", "pop3.auth-failure-delay=0s"));
        all.addAll(List.of(settings));
        CassMailConfig c = ConfigLoader.load(null, Map.of(), all);
        mail.accounts.create("alice@cassmail.test", CHEAP.hash("secret"));
        SubmissionPolicy policy = new SubmissionPolicy(new PasswordAuthenticator(mail.stores.directory(), CHEAP),
                new LoginPenalty(c.auth().maxFailuresPerIp(), c.auth().failureWindow(), Clock.systemUTC()),
                c.pop3().authFailureDelay(), c.pop3().maxAuthFailures(),
                new SendingLimits(c.submission().maxMessagesPerHour(), Clock.systemUTC()),
                c.submission().maxRecipients(), c.submission().receivedAuthUser(), mail.stores.directory());
        SmtpProfile profile = mode == SmtpProfile.TlsMode.IMPLICIT ? SmtpProfile.submissions(c.submission(), c.smtp())
                : mode == SmtpProfile.TlsMode.STARTTLS ? SmtpProfile.submission(c.submission(), c.smtp())
                : SmtpProfile.mx(c.smtp(), true);
        SmtpListener l = new SmtpListener(profile, c.smtp(), c.hostname(), mail.stores.directory(), mail.quotas,
                mail.intake, tls, policy);
        l.start();
        listeners.add(l);
        return l;
    }

    @AfterEach
    void stop() {
        listeners.forEach(SmtpListener::close);
    }

    /** Connects to the submission port, says EHLO, upgrades with STARTTLS and says EHLO again. */
    private SmtpLineClient secured(SmtpListener l) throws IOException {
        SmtpLineClient c = new SmtpLineClient(l.port());
        c.expect("220 mx.cassmail.test ESMTP");
        c.send("EHLO client.test").expect("250");
        c.send("STARTTLS").expect("220 2.0.0");
        c.startTls();
        c.send("EHLO client.test").expect("250");
        return c;
    }

    private SmtpLineClient loggedIn(SmtpListener l) throws IOException {
        SmtpLineClient c = secured(l);
        c.send("AUTH PLAIN " + plain("alice@cassmail.test", "secret")).expect("235 2.7.0");
        return c;
    }

    private static String plain(String user, String password) {
        return Base64.getEncoder().encodeToString(("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private String stored(UUID id) throws IOException {
        try (InputStream in = mail.stores.messages().openBody(mail.stores.messages().find(id).orElseThrow())) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void aClientDribblingOneTlsRecordAfterStartTlsIsCutOffNearTheReadTimeout() throws IOException {
        SmtpListener l = start(SmtpProfile.TlsMode.STARTTLS, "smtp.read-timeout=2s");
        java.net.Socket plain = new java.net.Socket("127.0.0.1", l.port());
        plain.setSoTimeout(10_000);
        var lines = new java.io.BufferedReader(new java.io.InputStreamReader(plain.getInputStream(),
                StandardCharsets.US_ASCII));
        assertThat(lines.readLine()).startsWith("220 ");
        plain.getOutputStream().write("STARTTLS\r\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(lines.readLine()).startsWith("220 2.0.0");

        java.time.Duration closedAfter = io.cassmail.testing.TlsDribbler.dribble(plain,
                java.time.Duration.ofMillis(1500), java.time.Duration.ofSeconds(30));

        // a byte every 1.5 s inside a 2 s read timeout would hold the record open for 96 s without the watchdog
        assertThat(closedAfter).as("server closed the dribbling connection").isNotNull()
                .isLessThan(java.time.Duration.ofSeconds(12));
    }

    @Test
    void startTlsIsOfferedBeforeTlsAndAuthOnlyAfter() throws IOException {
        SmtpListener l = start(SmtpProfile.TlsMode.STARTTLS);
        try (SmtpLineClient c = new SmtpLineClient(l.port())) {
            c.expect("220");
            String before = c.send("EHLO client.test").expect("250");
            assertThat(before).contains("STARTTLS").doesNotContain("AUTH");
            c.send("STARTTLS").expect("220 2.0.0 Ready to start TLS");
            c.startTls();
            assertThat(c.tlsProtocol()).isIn("TLSv1.3", "TLSv1.2");
            String after = c.send("EHLO client.test").expect("250");
            assertThat(after).contains("AUTH PLAIN LOGIN").doesNotContain("STARTTLS");
            c.send("STARTTLS").expect("503 5.5.1 TLS already active");
        }
    }

    @Test
    void authBeforeTlsIsRefusedWith538AndMailBeforeAuthWith530() throws IOException {
        SmtpListener l = start(SmtpProfile.TlsMode.STARTTLS);
        try (SmtpLineClient c = new SmtpLineClient(l.port())) {
            c.expect("220");
            c.send("EHLO client.test").expect("250");
            c.send("AUTH PLAIN " + plain("alice@cassmail.test", "secret")).expect("538 5.7.11");
            c.send("MAIL FROM:<alice@cassmail.test>").expect("530 5.7.0 Authentication required");
        }
        try (SmtpLineClient c = secured(l)) {
            c.send("MAIL FROM:<alice@cassmail.test>").expect("530 5.7.0 Authentication required");
        }
    }

    @Test
    void theGreetingAndEverythingLearnedBeforeStartTlsIsForgotten() throws IOException {
        SmtpListener l = start(SmtpProfile.TlsMode.STARTTLS);
        try (SmtpLineClient c = new SmtpLineClient(l.port())) {
            c.expect("220");
            c.send("EHLO client.test").expect("250");
            // a plaintext command pipelined behind STARTTLS must never run (the CVE-2011-0411 injection)
            c.sendRaw("STARTTLS\r\nRSET\r\n".getBytes(StandardCharsets.US_ASCII));
            c.expect("220 2.0.0");
            c.startTls();
            c.send("NOOP").expect("250 2.0.0 Ok");
            assertThat(c.poll()).isNull();
            c.send("MAIL FROM:<alice@cassmail.test>").expect("530");
        }
    }

    @Test
    void authPlainThenMailToALocalUserIsStoredWithEsmtpsaAndTheMissingDateAndMessageId() throws IOException {
        SmtpListener l = start(SmtpProfile.TlsMode.STARTTLS);
        UUID id;
        try (SmtpLineClient c = loggedIn(l)) {
            id = Mail.send(c, "alice@cassmail.test", "bob@cassmail.test",
                    "From: Alice <alice@cassmail.test>\r\nSubject: hi\r\n\r\nhello\r\n");
        }
        String message = stored(id);
        assertThat(message).contains("with ESMTPSA id " + id).doesNotContain("Authenticated sender")
                .containsPattern("(?m)^Date: ").containsPattern("(?m)^Message-ID: <[0-9a-f-]{36}@mx\\.cassmail\\.test>")
                .contains("Subject: hi\r\n\r\nhello\r\n");
        assertThat(mail.queue.takeDeliveries()).hasSize(1);
    }

    @Test
    void headersTheClientSentAreKeptAndTheUserIsNamedWhenConfigured() throws IOException {
        SmtpListener l = start(SmtpProfile.TlsMode.STARTTLS, "submission.received-auth-user=true");
        UUID id;
        try (SmtpLineClient c = loggedIn(l)) {
            id = Mail.send(c, "alice@cassmail.test", "bob@cassmail.test", "From: alice@cassmail.test\r\n"
                    + "Date: Thu, 26 Nov 2026 10:00:00 +0000\r\nMessage-ID: <own@client.test>\r\n\r\nbody\r\n");
        }
        String message = stored(id);
        assertThat(message).contains("(Authenticated sender: alice@cassmail.test)")
                .contains("Message-ID: <own@client.test>").contains("Date: Thu, 26 Nov 2026 10:00:00 +0000");
        assertThat(message.split("Message-ID:", -1)).hasSize(2);
        assertThat(message.split("\nDate:", -1)).hasSize(2);
    }

    @Test
    void anAuthenticatedSenderKeepsItsDsnRequestsAndASuccessReportFollowsDelivery() throws IOException {
        SmtpListener l = start(SmtpProfile.TlsMode.STARTTLS);
        UUID id;
        try (SmtpLineClient c = loggedIn(l)) {
            c.send("MAIL FROM:<alice@cassmail.test> RET=full ENVID=run+2B1").expect("250");
            c.send("RCPT TO:<bob@cassmail.test> NOTIFY=success,failure ORCPT=rfc822;Bob+2Bx@cassmail.test").expect("250");
            c.send("DATA").expect("354");
            c.sendRaw("From: alice@cassmail.test\r\nSubject: tracked\r\n\r\nx\r\n.\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            id = Mail.queuedId(c.reply());
        }
        assertThat(mail.stores.messages().find(id).orElseThrow().dsn()).isEqualTo("RET=FULL ENVID=run+2B1");
        assertThat(mail.stores.ledger().records(id).get(0).dsn())
                .isEqualTo("NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;Bob+2Bx@cassmail.test");
        var processor = mail.processor();
        mail.queue.takeDeliveries().forEach(processor::process);
        mail.queue.takeDeliveries().forEach(processor::process); // the report itself
        List<UUID> reports = mail.inbox("alice@cassmail.test");
        assertThat(reports).hasSize(1);
        assertThat(stored(reports.get(0))).contains("Subject: Successful Mail Delivery Report", "Action: delivered",
                "Status: 2.0.0", "Original-Envelope-Id: run+1", "Original-Recipient: rfc822;Bob+x@cassmail.test");
    }

    @Test
    void authLoginAnswersBothChallenges() throws IOException {
        SmtpListener l = start(SmtpProfile.TlsMode.STARTTLS);
        try (SmtpLineClient c = secured(l)) {
            c.send("AUTH LOGIN").expect("334 " + b64("Username:"));
            c.send(b64("alice@cassmail.test")).expect("334 " + b64("Password:"));
            c.send(b64("secret")).expect("235 2.7.0");
            c.send("AUTH LOGIN").expect("503 5.5.1");
        }
    }

    @Test
    void wrongPasswordsAnswer535AndTheThirdClosesTheConnection() throws IOException {
        SmtpListener l = start(SmtpProfile.TlsMode.STARTTLS);
        try (SmtpLineClient c = secured(l)) {
            c.send("AUTH PLAIN " + plain("alice@cassmail.test", "wrong")).expect("535 5.7.8");
            c.send("AUTH PLAIN " + plain("nobody@cassmail.test", "secret")).expect("535 5.7.8");
            c.send("AUTH LOGIN " + b64("alice@cassmail.test")).expect("334");
            c.send(b64("wrong-again")).expect("535 5.7.8");
            c.expect("421 4.7.0");
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void aCancelledOrUndecodableExchangeIsAnsweredNotDropped() throws IOException {
        SmtpListener l = start(SmtpProfile.TlsMode.STARTTLS);
        try (SmtpLineClient c = secured(l)) {
            c.send("AUTH LOGIN").expect("334");
            c.send("*").expect("501 5.0.0");
            c.send("AUTH PLAIN !!!").expect("501 5.5.2");
            c.send("AUTH CRAM-MD5").expect("504 5.5.4");
            c.send("AUTH PLAIN " + plain("alice@cassmail.test", "secret")).expect("235");
        }
    }

    @Test
    void aSenderThatIsNotTheUsersOwnIsRefusedAndAnAliasIsAccepted() throws IOException {
        mail.stores.directory().addAlias("sales@cassmail.test", "alice@cassmail.test");
        mail.stores.directory().addAlias("boss@cassmail.test", "bob@cassmail.test");
        SmtpListener l = start(SmtpProfile.TlsMode.STARTTLS);
        try (SmtpLineClient c = loggedIn(l)) {
            c.send("MAIL FROM:<bob@cassmail.test>").expect("553 5.7.1 <bob@cassmail.test>: Sender address rejected");
            c.send("MAIL FROM:<boss@cassmail.test>").expect("553 5.7.1");
            c.send("MAIL FROM:<>").expect("553 5.7.1");
            UUID id = Mail.send(c, "sales@cassmail.test", "bob@cassmail.test",
                    "From: Sales <SALES@cassmail.test>\r\n\r\nx\r\n");
            assertThat(id).isNotNull();
        }
    }

    @Test
    void aFromHeaderThatIsNotTheUsersOwnIsRefusedAfterData() throws IOException {
        SmtpListener l = start(SmtpProfile.TlsMode.STARTTLS);
        try (SmtpLineClient c = loggedIn(l)) {
            for (String header : List.of("From: The Bank <security@bank.test>\r\n",
                    "From: alice@cassmail.test, ceo@cassmail.test\r\n", "Subject: no from at all\r\n",
                    "From: alice@cassmail.test\r\nFrom: bob@cassmail.test\r\n")) {
                c.send("MAIL FROM:<alice@cassmail.test>").expect("250");
                c.send("RCPT TO:<bob@cassmail.test>").expect("250");
                c.send("DATA").expect("354");
                c.sendRaw((header + "\r\nbody\r\n.\r\n").getBytes(StandardCharsets.US_ASCII));
                c.expect("553 5.7.1");
            }
            c.send("NOOP").expect("250");
        }
        assertThat(mail.queue.takeDeliveries()).isEmpty();
    }

    @Test
    void theHourlySendingLimitAnswers450() throws IOException {
        SmtpListener l = start(SmtpProfile.TlsMode.STARTTLS, "submission.max-messages-per-hour=2");
        try (SmtpLineClient c = loggedIn(l)) {
            Mail.send(c, "alice@cassmail.test", "bob@cassmail.test", "From: alice@cassmail.test\r\n\r\n1\r\n");
            Mail.send(c, "alice@cassmail.test", "bob@cassmail.test", "From: alice@cassmail.test\r\n\r\n2\r\n");
            c.send("MAIL FROM:<alice@cassmail.test>").expect("450 4.7.1 Sending limit of 2 messages per hour");
        }
    }

    @Test
    void theRecipientLimitAnswers450AndRemoteRecipientsGoToTheRelayLane() throws IOException {
        mail.accounts.create("carol@cassmail.test", null);
        mail.accounts.create("dave@cassmail.test", null);
        SmtpListener l = start(SmtpProfile.TlsMode.STARTTLS, "submission.max-recipients=2");
        try (SmtpLineClient c = loggedIn(l)) {
            c.send("MAIL FROM:<alice@cassmail.test>").expect("250");
            c.send("RCPT TO:<nobody@cassmail.test>").expect("550 5.1.1");
            c.send("RCPT TO:<friend@example.org>").expect("250 2.1.5 Recipient <friend@example.org> ok (relayed)");
            c.send("RCPT TO:<bob@cassmail.test>").expect("250");
            c.send("RCPT TO:<carol@cassmail.test>").expect("450 4.7.1 Recipient limit of 2");
            c.send("DATA").expect("354");
            c.sendRaw("From: alice@cassmail.test\r\n\r\nto both lanes\r\n.\r\n".getBytes(StandardCharsets.US_ASCII));
            c.expect("250 2.0.0");
        }
        // one job on each lane: bob's mailbox on the delivery lane, friend@example.org on the relay lane
        assertThat(mail.queue.takeDeliveries()).hasSize(1);
        assertThat(mail.relay.takeDeliveries()).hasSize(1);
    }

    @Test
    void implicitTlsSubmissionAuthenticatesAndSends() throws IOException {
        SmtpListener l = start(SmtpProfile.TlsMode.IMPLICIT);
        try (SmtpLineClient c = SmtpLineClient.implicitTls(l.port())) {
            c.expect("220 mx.cassmail.test ESMTP");
            String ehlo = c.send("EHLO client.test").expect("250");
            assertThat(ehlo).contains("AUTH PLAIN LOGIN").doesNotContain("STARTTLS");
            c.send("STARTTLS").expect("503 5.5.1");
            c.send("AUTH PLAIN " + plain("alice@cassmail.test", "secret")).expect("235");
            UUID id = Mail.send(c, "alice@cassmail.test", "bob@cassmail.test", "From: alice@cassmail.test\r\n\r\nx\r\n");
            assertThat(stored(id)).contains("with ESMTPSA");
        }
    }

    @Test
    void aClientOfferingOnlyTls11IsRefusedAndAFailedHandshakeEndsTheConnectionAtOnce() throws IOException {
        SmtpListener l = start(SmtpProfile.TlsMode.IMPLICIT);
        // the server enables TLS 1.2 and 1.3 only, whatever the JDK would allow
        try (Socket plain = new Socket("127.0.0.1", l.port())) {
            assertThat(tls.wrap(plain).getEnabledProtocols()).containsExactly("TLSv1.3", "TLSv1.2");
        }
        try (Socket s = new Socket("127.0.0.1", l.port())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write("EHLO plain-text-client\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            long start = System.nanoTime();
            while (in.read() >= 0) {
                // an alert, then end of stream
            }
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        }
        assertThatThrownBy(() -> SmtpLineClient.implicitTls(l.port(), "TLSv1.1")).isInstanceOf(IOException.class);
    }

    @Test
    void theMxOffersStartTlsButNoAuthAndReceivedSaysEsmtps() throws IOException {
        SmtpListener l = start(SmtpProfile.TlsMode.NONE);
        try (SmtpLineClient c = new SmtpLineClient(l.port())) {
            c.expect("220");
            assertThat(c.send("EHLO client.test").expect("250")).contains("STARTTLS").doesNotContain("AUTH");
            c.send("AUTH PLAIN " + plain("alice@cassmail.test", "secret")).expect("503 5.5.1");
            c.send("STARTTLS").expect("220");
            c.startTls();
            assertThat(c.send("EHLO client.test").expect("250")).doesNotContain("AUTH").doesNotContain("STARTTLS");
            c.send("AUTH PLAIN " + plain("alice@cassmail.test", "secret")).expect("503 5.5.1");
            UUID id = Mail.send(c, "stranger@example.org", "bob@cassmail.test", "Subject: in\r\n\r\nx\r\n");
            assertThat(stored(id)).contains("with ESMTPS id").doesNotContain("Message-ID:");
        }
    }

    @Test
    void aRenewedCertificateIsShownToNewConnections() throws Exception {
        Path dir = certDir.resolve("reload");
        Path[] first = TestCerts.create(dir, "first-cert", "ec");
        ServerTls reloading = new ServerTls(first[0], first[1], Duration.ZERO, Clock.systemUTC());
        CassMailConfig c = ConfigLoader.load(null, Map.of(), List.of("submissions.port=0", "hostname=mx.cassmail.test"));
        SubmissionPolicy policy = new SubmissionPolicy(new PasswordAuthenticator(mail.stores.directory(), CHEAP),
                new LoginPenalty(10, Duration.ofMinutes(5), Clock.systemUTC()), Duration.ZERO, 3,
                new SendingLimits(10, Clock.systemUTC()), 10, false, mail.stores.directory());
        SmtpListener l = new SmtpListener(SmtpProfile.submissions(c.submission(), c.smtp()), c.smtp(), c.hostname(),
                mail.stores.directory(), mail.quotas, mail.intake, reloading, policy);
        l.start();
        listeners.add(l);
        try (SmtpLineClient a = SmtpLineClient.implicitTls(l.port())) {
            assertThat(a.peerCertificate().getSubjectX500Principal().getName()).isEqualTo("CN=first-cert");
        }
        Path[] renewed = TestCerts.create(dir.resolve("new"), "renewed-cert", "rsa");
        Files.copy(renewed[1], first[1], java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.copy(renewed[0], first[0], java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        try (SmtpLineClient b = SmtpLineClient.implicitTls(l.port())) {
            assertThat(b.peerCertificate().getSubjectX500Principal().getName()).isEqualTo("CN=renewed-cert");
            b.expect("220");
        }
    }

    @Test
    void aHalfWrittenRenewalKeepsThePreviousCertificate() throws Exception {
        Path dir = certDir.resolve("broken");
        Path[] pair = TestCerts.create(dir, "kept-cert", "ec");
        ServerTls reloading = new ServerTls(pair[0], pair[1], Duration.ZERO, Clock.systemUTC());
        Path[] other = TestCerts.create(dir.resolve("other"), "other-cert", "ec");
        Files.copy(other[0], pair[0], java.nio.file.StandardCopyOption.REPLACE_EXISTING); // key not yet replaced
        assertThat(reloading.certificate().getSubjectX500Principal().getName()).isEqualTo("CN=kept-cert");
        assertThatThrownBy(() -> new ServerTls(pair[0], pair[1])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not belong to the certificate");
    }
}
