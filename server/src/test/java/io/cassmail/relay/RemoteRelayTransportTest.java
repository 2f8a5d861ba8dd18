package io.cassmail.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.cassmail.delivery.DeliveryProcessor;
import io.cassmail.mail.Envelope;
import io.cassmail.metrics.CassMailMetrics;
import io.cassmail.queue.DeliveryJob;
import io.cassmail.store.DeliveryRecord;
import io.cassmail.store.DeliveryStatus;
import io.cassmail.testing.MemoryMailSystem;
import io.cassmail.testing.ScriptedSmtpPeer;
import io.cassmail.testing.ScriptedSmtpPeer.Script;
import io.cassmail.testing.ServerProcess;
import io.cassmail.testing.TestDnsServer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The relay against real SMTP peers on loopback addresses, found through a real DNS server on loopback; the
 * memory twins hold the message, the ledger and the sender's INBOX (where DSNs land).
 */
class RemoteRelayTransportTest {
    private static TestDnsServer dns;
    private static final List<ScriptedSmtpPeer> peers = new ArrayList<>();
    private static ScriptedSmtpPeer accepting;
    private static ScriptedSmtpPeer temporary;
    private static ScriptedSmtpPeer dropping;
    private static ScriptedSmtpPeer sevenBit;
    private static ScriptedSmtpPeer closingAfterDot;
    private static ScriptedSmtpPeer slow;
    private static final List<ScriptedSmtpPeer> busy = new ArrayList<>();
    private static int port;

    private final MemoryMailSystem mail = new MemoryMailSystem().withDomain("cassmail.test").withUser("alice@cassmail.test");

    @BeforeAll
    static void network() throws Exception {
        port = ServerProcess.freePort();
        accepting = peer("127.0.0.2", Script.ACCEPT);
        temporary = peer("127.0.0.3", Script.TEMPORARY_THEN_ACCEPT);
        peer("127.0.0.4", Script.REJECT_RECIPIENT);
        dropping = peer("127.0.0.5", Script.DROP_IN_DATA_ONCE);
        peer("127.0.0.6", Script.SILENT);
        sevenBit = peer("127.0.0.10", Script.SEVEN_BIT);
        closingAfterDot = peer("127.0.0.11", Script.CLOSE_AFTER_DOT);
        peer("127.0.0.12", Script.STOP_READING_IN_DATA);
        peer("127.0.0.13", Script.DRIBBLE_GREETING);
        slow = peer("127.0.0.17", Script.STALL_IN_DATA_ONCE);
        for (String refusing : List.of("127.0.0.14", "127.0.0.15", "127.0.0.16")) {
            busy.add(peer(refusing, Script.REFUSE_GREETING));
        }
        dns = new TestDnsServer()
                .record("remote.test. 300 IN MX 10 mx.remote.test.")
                .record("remote.test. 300 IN MX 20 backup.remote.test.")
                .record("mx.remote.test. 300 IN A 127.0.0.2")
                .record("backup.remote.test. 300 IN A 127.0.0.7")
                .record("aonly.test. 300 IN A 127.0.0.2")
                .record("temp.test. 300 IN MX 10 mx.temp.test.")
                .record("mx.temp.test. 300 IN A 127.0.0.3")
                .record("reject.test. 300 IN MX 10 mx.reject.test.")
                .record("mx.reject.test. 300 IN A 127.0.0.4")
                .record("drop.test. 300 IN MX 10 mx.drop.test.")
                .record("mx.drop.test. 300 IN A 127.0.0.5")
                .record("silent.test. 300 IN MX 10 mx.silent.test.")
                .record("mx.silent.test. 300 IN A 127.0.0.6")
                .record("alias.test. 300 IN CNAME remote.test.")
                .record("nullmx.test. 300 IN MX 0 .")
                .record("old.test. 300 IN MX 10 mx.old.test.")
                .record("mx.old.test. 300 IN A 127.0.0.10")
                .record("afterdot.test. 300 IN MX 10 mx.afterdot.test.")
                .record("afterdot.test. 300 IN MX 20 mx.remote.test.")
                .record("mx.afterdot.test. 300 IN A 127.0.0.11")
                .record("deaf.test. 300 IN MX 10 mx.deaf.test.")
                .record("mx.deaf.test. 300 IN A 127.0.0.12")
                .record("dribble.test. 300 IN MX 10 mx.dribble.test.")
                .record("mx.dribble.test. 300 IN A 127.0.0.13")
                .record("busy.test. 300 IN MX 10 mx1.busy.test.")
                .record("busy.test. 300 IN MX 20 mx2.busy.test.")
                .record("busy.test. 300 IN MX 30 mx3.busy.test.")
                .record("mx1.busy.test. 300 IN A 127.0.0.14")
                .record("mx2.busy.test. 300 IN A 127.0.0.15")
                .record("mx3.busy.test. 300 IN A 127.0.0.16")
                .record("slow.test. 300 IN MX 10 mx.slow.test.")
                .record("mx.slow.test. 300 IN A 127.0.0.17")
                .record("tlspeer.test. 300 IN MX 10 mx.tlspeer.test.")
                .record("mx.tlspeer.test. 300 IN A 127.0.0.18")
                .failing("servfail.test.");
    }

    private static ScriptedSmtpPeer peer(String address, Script script) throws IOException {
        ScriptedSmtpPeer p = new ScriptedSmtpPeer(address, port, script);
        peers.add(p);
        return p;
    }

    @AfterAll
    static void stop() throws IOException {
        for (ScriptedSmtpPeer p : peers) {
            p.close();
        }
        dns.close();
    }

    private DeliveryProcessor relay() {
        return relay(transport());
    }

    private DeliveryProcessor relay(RemoteRelayTransport transport) {
        return new DeliveryProcessor(mail.stores.stores(), transport, mail.bounces,
                MemoryMailSystem.GIVE_UP_AFTER, Clock.systemUTC(), CassMailMetrics.none(), DeliveryRecord::isRemote);
    }

    /** The peers here are all on loopback, so private MX addresses are allowed (the default refuses them). */
    private static final RemoteRelayTransport.Limits LOOPBACK = RemoteRelayTransport.Limits.DEFAULTS.allowPrivateMx(true);

    private RemoteRelayTransport transport() {
        return transport(LOOPBACK);
    }

    private RemoteRelayTransport transport(RemoteRelayTransport.Limits limits) {
        return new RemoteRelayTransport(new MxResolver(List.of(dns.address()),
                Duration.ofSeconds(3)), mail.stores.messages(), new RemoteRelayTransport.RelaySettings(
                "mx.cassmail.test", port, Duration.ofSeconds(3), Duration.ofSeconds(2), Duration.ofSeconds(5), false, 4)
                .with(limits), new DkimSigning(mail.stores.directory()));
    }

    private UUID submit(String body, String... remote) throws IOException {
        Envelope envelope = new Envelope("alice@cassmail.test",
                java.util.Arrays.stream(remote).map(Envelope.Recipient::remote).toList(), null, "client.test");
        return mail.intake.submit(envelope, body.getBytes(StandardCharsets.UTF_8));
    }

    private DeliveryProcessor.Outcome relayOnce() {
        List<DeliveryJob> jobs = mail.relay.takeDeliveries();
        assertThat(jobs).hasSize(1);
        DeliveryProcessor.Outcome outcome = relay().process(jobs.get(0));
        if (outcome == DeliveryProcessor.Outcome.RETRY) {
            try {
                mail.relay.publish(jobs.get(0).nextAttempt());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return outcome;
    }

    private DeliveryRecord record(UUID id, String recipient) {
        return mail.stores.ledger().records(id).stream().filter(r -> r.recipient().equals(recipient)).findFirst()
                .orElseThrow();
    }

    /** Delivers the DSNs queued for alice and returns her INBOX's texts. */
    private List<String> alicesMail() throws IOException {
        DeliveryProcessor local = mail.processor();
        mail.queue.takeDeliveries().forEach(local::process);
        List<String> texts = new ArrayList<>();
        for (UUID id : mail.inbox("alice@cassmail.test")) {
            try (InputStream in = mail.stores.messages().openBody(mail.stores.messages().find(id).orElseThrow())) {
                texts.add(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        return texts;
    }

    @Test
    void thePeerReceivesTheExactStoredBytesAndTheRecipientIsRelayed() throws IOException {
        String body = "Received: from client.test\r\nFrom: alice@cassmail.test\r\nSubject: out\r\n\r\n.leading dot\r\n"
                + "line\r\n..two dots\r\n";
        int before = accepting.received().size();
        UUID id = submit(body, "bob@remote.test", "carol@REMOTE.test", "dave@aonly.test", "erin@alias.test");
        byte[] stored;
        try (InputStream in = mail.stores.messages().openBody(mail.stores.messages().find(id).orElseThrow())) {
            stored = in.readAllBytes();
        }
        assertThat(relayOnce()).as("ledger: %s", mail.stores.ledger().records(id)).isEqualTo(DeliveryProcessor.Outcome.DONE);
        List<ScriptedSmtpPeer.Received> got = accepting.received().subList(before, accepting.received().size());
        // one transaction per domain: remote.test (two recipients), aonly.test (implicit MX), alias.test (CNAME)
        assertThat(got).hasSize(3);
        assertThat(got).allSatisfy(r -> {
            assertThat(r.sender()).isEqualTo("alice@cassmail.test");
            assertThat(r.data()).isEqualTo(stored);
        });
        // the domain is matched without case; the local part goes out as the sender wrote it (RFC 5321 §2.4)
        assertThat(got.get(0).recipients()).containsExactly("bob@remote.test", "carol@REMOTE.test");
        for (String r : List.of("bob@remote.test", "carol@REMOTE.test", "dave@aonly.test", "erin@alias.test")) {
            assertThat(record(id, r).status()).isEqualTo(DeliveryStatus.RELAYED);
            assertThat(record(id, r).lastError()).startsWith("250 2.0.0 queued as peer-");
        }
    }

    @Test
    void aRejectedRecipientBouncesWithTheRemoteServersReply() throws IOException {
        UUID id = submit("Subject: to nobody\r\n\r\nx\r\n", "nobody@reject.test");
        assertThat(relayOnce()).isEqualTo(DeliveryProcessor.Outcome.DONE);
        assertThat(record(id, "nobody@reject.test").status()).isEqualTo(DeliveryStatus.BOUNCED);
        assertThat(alicesMail()).singleElement().asString()
                .contains("Final-Recipient: rfc822; nobody@reject.test", "Status: 5.1.1",
                        "Remote-MTA: dns; mx.reject.test",
                        "Diagnostic-Code: smtp; 550 5.1.1 <nobody@reject.test>: user unknown here (in reply to RCPT TO)");
    }

    @Test
    void aTemporaryRefusalIsRetriedAndThenDelivered() throws IOException {
        UUID id = submit("Subject: greylisted\r\n\r\nx\r\n", "bob@temp.test");
        assertThat(relayOnce()).isEqualTo(DeliveryProcessor.Outcome.RETRY);
        assertThat(record(id, "bob@temp.test").status()).isEqualTo(DeliveryStatus.RETRYING);
        assertThat(record(id, "bob@temp.test").lastError()).contains("451 4.3.0 try again later");
        assertThat(relayOnce()).isEqualTo(DeliveryProcessor.Outcome.DONE);
        assertThat(record(id, "bob@temp.test").status()).isEqualTo(DeliveryStatus.RELAYED);
        assertThat(temporary.received()).hasSize(1);
    }

    @Test
    void aConnectionDroppedInDataIsRetriedAndTheMessageArrivesOnce() throws IOException {
        UUID id = submit("Subject: cut off\r\n\r\n" + "x".repeat(5000) + "\r\n", "bob@drop.test");
        assertThat(relayOnce()).isEqualTo(DeliveryProcessor.Outcome.RETRY);
        assertThat(dropping.received()).isEmpty();
        assertThat(relayOnce()).isEqualTo(DeliveryProcessor.Outcome.DONE);
        assertThat(dropping.received()).hasSize(1);
        assertThat(record(id, "bob@drop.test").status()).isEqualTo(DeliveryStatus.RELAYED);
    }

    @Test
    void aServerThatNeverAnswersTimesOutAndIsRetried() throws IOException {
        UUID id = submit("Subject: silence\r\n\r\nx\r\n", "bob@silent.test");
        assertThat(relayOnce()).isEqualTo(DeliveryProcessor.Outcome.RETRY);
        assertThat(record(id, "bob@silent.test").lastError()).contains("mx.silent.test[127.0.0.6]").contains("timed out");
    }

    @Test
    void nullMxAndUnknownDomainsBounceAtOnceAndServfailIsRetried() throws IOException {
        UUID id = submit("Subject: nowhere\r\n\r\nx\r\n", "a@nullmx.test", "b@nx.test", "c@servfail.test");
        assertThat(relayOnce()).isEqualTo(DeliveryProcessor.Outcome.RETRY);
        assertThat(record(id, "a@nullmx.test").status()).isEqualTo(DeliveryStatus.BOUNCED);
        assertThat(record(id, "b@nx.test").status()).isEqualTo(DeliveryStatus.BOUNCED);
        assertThat(record(id, "c@servfail.test").status()).isEqualTo(DeliveryStatus.RETRYING);
        assertThat(record(id, "c@servfail.test").lastError()).contains("DNS lookup of MX servfail.test failed");
        assertThat(alicesMail()).singleElement().asString()
                .contains("Status: 5.1.10", "null MX", "Status: 5.1.2", "does not exist");
    }

    @Test
    void aNullSenderNeverGetsADsn() throws IOException {
        Envelope envelope = new Envelope("", List.of(Envelope.Recipient.remote("nobody@reject.test")), null, "x");
        mail.intake.submit(envelope, "Subject: bounce of a bounce\r\n\r\nx\r\n".getBytes(StandardCharsets.UTF_8));
        assertThat(relayOnce()).isEqualTo(DeliveryProcessor.Outcome.DONE);
        assertThat(mail.queue.takeDeliveries()).isEmpty();
        assertThat(mail.relay.takeDeliveries()).isEmpty();
    }

    /** What python3-dkim, an independent implementation, says of a message, with {@code key}'s TXT record in DNS. */
    private static String pythonDkim(String message, io.cassmail.store.DkimKey key) throws Exception {
        String verify = "import dkim, sys\n"
                + "txt = sys.argv[1].encode()\n"
                + "name = sys.argv[2].encode()\n"
                + "def dns(q, timeout=5):\n"
                + "    return txt if q == name else None\n"
                + "print('verified' if dkim.verify(sys.stdin.buffer.read(), dnsfunc=dns) else 'failed')\n";
        io.cassmail.testing.ExternalCommand.Result r = io.cassmail.testing.ExternalCommand.run(List.of("/usr/bin/python3",
                "-c", verify, key.txtRecord(), key.selector() + "._domainkey." + key.domain() + "."), message, 60);
        return r.output().strip();
    }

    @Test
    void mailFromADomainWithAKeyIsSignedAndPythonDkimVerifiesIt() throws Exception {
        io.cassmail.store.DkimKey old = DkimSigning.generate("cassmail.test", "old");
        mail.stores.directory().addDkimKey(new io.cassmail.store.DkimKey(old.domain(), old.selector(), old.privateKey(),
                old.publicKey(), java.time.Instant.now().minusSeconds(3600)));
        io.cassmail.store.DkimKey key = DkimSigning.generate("cassmail.test", "cm2026");
        mail.stores.directory().addDkimKey(key);
        int before = accepting.received().size();
        String body = "From: Alice <alice@cassmail.test>\r\nTo: bob@remote.test\r\nSubject: signed\r\n"
                + "Date: Thu, 26 Nov 2026 15:00:00 +0000\r\nMessage-ID: <signed@cassmail.test>\r\n\r\n"
                + "a body\r\nwith  two   spaces \r\n\r\n\r\n";
        submit(body, "bob@remote.test");
        assertThat(relayOnce()).isEqualTo(DeliveryProcessor.Outcome.DONE);
        byte[] sent = accepting.received().get(before).data();
        String text = new String(sent, StandardCharsets.US_ASCII);
        assertThat(text).startsWith("DKIM-Signature:").contains("d=cassmail.test").contains("s=cm2026")
                .contains("a=rsa-sha256").contains("c=relaxed/relaxed").endsWith(body);
        // python3-dkim, an independent implementation, against the TXT record the CLI would print
        assertThat(pythonDkim(text, key)).isEqualTo("verified");
        // the same bytes with the body changed no longer verify: the check can fail
        assertThat(pythonDkim(text.replace("a body", "A body"), key)).isEqualTo("failed");
    }

    @Test
    void theFromDomainsKeySignsWithFromOversignedAndALongReferencesFieldAndABigBodyStillVerify() throws Exception {
        io.cassmail.store.DkimKey key = DkimSigning.generate("brand.test", "b1");
        mail.stores.directory().addDkimKey(key); // cassmail.test, the envelope sender's domain, has no key here
        int before = accepting.received().size();
        StringBuilder references = new StringBuilder("References:");
        for (int i = 0; i < 1000; i++) { // about 32 KB folded: far past the 998-octet line and common parser limits
            references.append(i == 0 ? " " : "\r\n\t").append("<thread-").append(i).append("@lists.example.org>");
        }
        StringBuilder body = new StringBuilder("From:   Brand  <news@brand.test>\r\nTo: bob@remote.test\r\n"
                + "Subject:\t a  folded\r\n  subject \r\n" + references + "\r\n\r\n");
        for (int i = 0; i < 40_000; i++) {
            body.append("line ").append(i).append(" \t with\t\ttabs and trailing blanks  \r\n");
        }
        body.append("\r\n \r\n\r\n");
        submit(body.toString(), "bob@remote.test");
        assertThat(relayOnce()).isEqualTo(DeliveryProcessor.Outcome.DONE);
        String text = new String(accepting.received().get(before).data(), StandardCharsets.ISO_8859_1);
        assertThat(text).startsWith("DKIM-Signature:").contains("d=brand.test;").contains("s=b1;")
                .contains("h=from:from:to:subject:references;");
        assertThat(pythonDkim(text, key)).isEqualTo("verified");
        // a second From: added in transit breaks the signature (From is oversigned)
        assertThat(pythonDkim(text.replaceFirst("From:   Brand", "From: ceo@brand.test\r\nFrom:   Brand"), key))
                .isEqualTo("failed");
    }

    @Test
    void withASmarthostEverythingGoesThereOverStartTlsWithAuth(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        // the smarthost is a CassMail submission listener (STARTTLS, AUTH required) on its own memory twins
        MemoryMailSystem upstream = new MemoryMailSystem().withDomain("upstream.test");
        io.cassmail.auth.PasswordHasher cheap = new io.cassmail.auth.PasswordHasher(8, 1);
        upstream.accounts.create("relay@upstream.test", cheap.hash("relay-secret"));
        upstream.stores.directory().addAlias("alice@cassmail.test", "relay@upstream.test"); // may send as our users
        java.nio.file.Path[] pair = io.cassmail.testing.TestCerts.create(dir, "smarthost.test", "ec");
        var config = io.cassmail.config.ConfigLoader.load(null, java.util.Map.of(),
                List.of("submission.port=0", "hostname=smarthost.test", "pop3.auth-failure-delay=0s"));
        var policy = new io.cassmail.smtp.SubmissionPolicy(new io.cassmail.auth.PasswordAuthenticator(
                upstream.stores.directory(), cheap), new io.cassmail.auth.LoginPenalty(10, Duration.ofMinutes(5),
                Clock.systemUTC()), Duration.ZERO, 3, new io.cassmail.net.SendingLimits(100, Clock.systemUTC()), 50,
                false, upstream.stores.directory());
        io.cassmail.smtp.SmtpListener smarthost = new io.cassmail.smtp.SmtpListener(
                io.cassmail.smtp.SmtpProfile.submission(config.submission(), config.smtp()), config.smtp(),
                config.hostname(), upstream.stores.directory(), upstream.quotas, upstream.intake,
                new io.cassmail.tls.ServerTls(pair[0], pair[1]), policy);
        smarthost.start();
        try {
            for (String password : List.of("unverified", "wrong", "relay-secret")) {
                // the smarthost's self-signed certificate verifies only with it named as the authority
                java.nio.file.Path ca = password.equals("unverified") ? null : pair[0];
                RemoteRelayTransport transport = new RemoteRelayTransport(new MxResolver(List.of(dns.address()),
                        Duration.ofSeconds(3)), mail.stores.messages(), new RemoteRelayTransport.RelaySettings(
                        "mx.cassmail.test", port, Duration.ofSeconds(3), Duration.ofSeconds(5), Duration.ofSeconds(5),
                        false, 4, new RemoteRelayTransport.Smarthost("127.0.0.1", smarthost.port(), "starttls",
                        "relay@upstream.test", password.equals("unverified") ? "relay-secret" : password, ca),
                        LOOPBACK));
                UUID id = submit("From: alice@cassmail.test\r\nSubject: via smarthost\r\n\r\nhello\r\n",
                        "bob@anywhere.test");
                List<DeliveryJob> jobs = mail.relay.takeDeliveries();
                DeliveryProcessor p = new DeliveryProcessor(mail.stores.stores(), transport,
                        mail.bounces, MemoryMailSystem.GIVE_UP_AFTER, Clock.systemUTC(), CassMailMetrics.none(),
                        DeliveryRecord::isRemote);
                DeliveryProcessor.Outcome outcome = p.process(jobs.get(0));
                if (password.equals("unverified")) {
                    assertThat(outcome).isEqualTo(DeliveryProcessor.Outcome.RETRY);
                    assertThat(record(id, "bob@anywhere.test").lastError()).contains("TLS failed")
                            .contains("no password goes without");
                    assertThat(upstream.relay.takeDeliveries()).as("nothing sent, no login tried").isEmpty();
                } else if (password.equals("wrong")) {
                    assertThat(outcome).isEqualTo(DeliveryProcessor.Outcome.RETRY);
                    assertThat(record(id, "bob@anywhere.test").lastError())
                            .contains("smarthost 127.0.0.1 refused our login as relay@upstream.test: 535 5.7.8");
                } else {
                    assertThat(outcome).isEqualTo(DeliveryProcessor.Outcome.DONE);
                    assertThat(record(id, "bob@anywhere.test").status()).isEqualTo(DeliveryStatus.RELAYED);
                    List<DeliveryJob> upstreamJobs = upstream.relay.takeDeliveries();
                    assertThat(upstreamJobs).hasSize(1);
                    var received = upstream.stores.messages().find(upstreamJobs.get(0).messageId()).orElseThrow();
                    assertThat(received.recipients()).containsExactly("bob@anywhere.test");
                    try (InputStream in = upstream.stores.messages().openBody(received)) {
                        assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).contains("with ESMTPSA")
                                .endsWith("Subject: via smarthost\r\n\r\nhello\r\n");
                    }
                }
            }
        } finally {
            smarthost.close();
        }
    }

    @Test
    void eightBitMailToAPeerWithout8bitmimeBouncesAndSevenBitMailGoesThrough() throws IOException {
        int before = sevenBit.received().size();
        UUID plain = submit("Subject: ascii\r\n\r\nplain\r\n", "bob@old.test");
        assertThat(relayOnce()).isEqualTo(DeliveryProcessor.Outcome.DONE);
        assertThat(record(plain, "bob@old.test").status()).isEqualTo(DeliveryStatus.RELAYED);
        UUID utf8 = submit("Subject: caf\u00e9\r\n\r\n\u00fcber\r\n", "bob@old.test");
        assertThat(relayOnce()).isEqualTo(DeliveryProcessor.Outcome.DONE);
        assertThat(record(utf8, "bob@old.test").status()).isEqualTo(DeliveryStatus.BOUNCED);
        assertThat(alicesMail()).singleElement().asString().contains("Status: 5.6.3").contains("8BITMIME");
        assertThat(sevenBit.received()).hasSize(before + 1);
    }

    @Test
    void dsnParametersGoToAPeerThatSupportsDsnAndAPeerWithoutGetsARelayedReport() throws IOException {
        int before = accepting.received().size();
        Envelope toBoth = new Envelope("alice@cassmail.test", List.of(
                Envelope.Recipient.remote("bob@remote.test").withDsn("NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;bob@remote.test"),
                Envelope.Recipient.remote("carol@old.test").withDsn("NOTIFY=SUCCESS ORCPT=rfc822;carol+2Btag@old.test")),
                null, "client.test", "RET=HDRS ENVID=batch+2B7");
        mail.intake.submit(toBoth, "Subject: tracked\r\n\r\nx\r\n".getBytes(StandardCharsets.UTF_8));
        assertThat(relayOnce()).isEqualTo(DeliveryProcessor.Outcome.DONE);
        ScriptedSmtpPeer.Received got = accepting.received().get(before);
        assertThat(got.commands()).containsExactly("MAIL FROM:<alice@cassmail.test> SIZE=" + got.data().length
                        + " BODY=8BITMIME RET=HDRS ENVID=batch+2B7",
                "RCPT TO:<bob@remote.test> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;bob@remote.test");
        // old.test's server offers no DSN: we report "relayed" ourselves (RFC 3461 §6.2.6); remote.test reports its own
        assertThat(alicesMail()).singleElement().asString().contains("Subject: Successful Mail Delivery Report")
                .contains("Original-Envelope-Id: batch+7").contains("Original-Recipient: rfc822;carol+tag@old.test")
                .contains("Final-Recipient: rfc822; carol@old.test").contains("Action: relayed")
                .doesNotContain("bob@remote.test");
    }

    @Test
    void notifyNeverMeansNoFailureReportAndRetFullReturnsTheWholeMessage() throws IOException {
        Envelope silent = new Envelope("alice@cassmail.test", List.of(
                Envelope.Recipient.remote("nobody@reject.test").withDsn("NOTIFY=NEVER")), null, "client.test");
        UUID quiet = mail.intake.submit(silent, "Subject: quiet\r\n\r\nx\r\n".getBytes(StandardCharsets.UTF_8));
        assertThat(relayOnce()).isEqualTo(DeliveryProcessor.Outcome.DONE);
        assertThat(record(quiet, "nobody@reject.test").status()).isEqualTo(DeliveryStatus.BOUNCED);
        assertThat(alicesMail()).isEmpty();

        Envelope full = new Envelope("alice@cassmail.test", List.of(Envelope.Recipient.remote("nobody@reject.test")),
                null, "client.test", "RET=FULL");
        mail.intake.submit(full, "Subject: whole\r\n\r\nthe body comes back\r\n".getBytes(StandardCharsets.UTF_8));
        assertThat(relayOnce()).isEqualTo(DeliveryProcessor.Outcome.DONE);
        assertThat(alicesMail()).singleElement().asString().contains("Content-Type: message/rfc822")
                .contains("the body comes back").contains("Action: failed");
    }

    @Test
    void theNextMessageToTheSameServerReusesTheConnection() throws Exception {
        RemoteRelayTransport transport = transport();
        DeliveryProcessor shared = relay(transport);
        int connectionsBefore = accepting.connections();
        int receivedBefore = accepting.received().size();
        for (int i = 0; i < 3; i++) {
            submit("Subject: reuse " + i + "\r\n\r\nx\r\n", "bob@remote.test");
            assertThat(shared.process(mail.relay.takeDeliveries().get(0))).isEqualTo(DeliveryProcessor.Outcome.DONE);
        }
        assertThat(accepting.received().size() - receivedBefore).isEqualTo(3);
        assertThat(accepting.connections() - connectionsBefore).isEqualTo(1);
        assertThat(transport.transactionsInProgress()).as("every host slot was given back").isZero();
        assertThat(transport.serversWithIdleConnections()).isEqualTo(1);
        Thread.sleep(ConnectionCache.IDLE_LIMIT.toMillis() + 1500); // idle past the limit: closed, a new one next time
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(15);
        while (transport.serversWithIdleConnections() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(200); // the reaper runs every IDLE_LIMIT
        }
        assertThat(transport.serversWithIdleConnections()).as("the reaper forgets a server with nothing idle").isZero();
        submit("Subject: after a pause\r\n\r\nx\r\n", "bob@remote.test");
        assertThat(shared.process(mail.relay.takeDeliveries().get(0))).isEqualTo(DeliveryProcessor.Outcome.DONE);
        assertThat(accepting.connections() - connectionsBefore).isEqualTo(2);
    }

    @Test
    void anMxThatResolvesToALoopbackAddressIsNotDialledByDefaultAndBounces() throws IOException {
        int before = accepting.connections();
        UUID id = submit("Subject: to a private address\r\n\r\nx\r\n", "bob@remote.test");
        List<DeliveryJob> jobs = mail.relay.takeDeliveries();
        assertThat(relay(transport(RemoteRelayTransport.Limits.DEFAULTS)).process(jobs.get(0)))
                .isEqualTo(DeliveryProcessor.Outcome.DONE);
        assertThat(accepting.connections()).as("nothing dialled 127.0.0.2").isEqualTo(before);
        DeliveryRecord r = record(id, "bob@remote.test");
        assertThat(r.status()).isEqualTo(DeliveryStatus.BOUNCED);
        assertThat(r.lastError()).startsWith("5.4.4").contains("relay.allow-private-mx");
        assertThat(RemoteRelayTransport.isPrivate(java.net.InetAddress.getByName("10.1.2.3"))).isTrue();
        assertThat(RemoteRelayTransport.isPrivate(java.net.InetAddress.getByName("169.254.0.1"))).isTrue();
        assertThat(RemoteRelayTransport.isPrivate(java.net.InetAddress.getByName("0.0.0.0"))).isTrue();
        assertThat(RemoteRelayTransport.isPrivate(java.net.InetAddress.getByName("fd00::1"))).isTrue();
        assertThat(RemoteRelayTransport.isPrivate(java.net.InetAddress.getByName("100.64.0.1"))).isTrue();
        assertThat(RemoteRelayTransport.isPrivate(java.net.InetAddress.getByName("192.0.2.1"))).isFalse();
        assertThat(RemoteRelayTransport.isPrivate(java.net.InetAddress.getByName("2001:db8::1"))).isFalse();
    }

    @Test
    void aConnectionLostAfterTheFinalDotIsRetriedLaterNeverSentToTheNextMxAtOnceAndNeverBounced() throws IOException {
        int backupBefore = accepting.received().size();
        int firstBefore = closingAfterDot.received().size();
        UUID id = submit("Subject: maybe landed\r\n\r\nx\r\n", "bob@afterdot.test");
        DeliveryJob job = mail.relay.takeDeliveries().get(0);
        assertThat(relay().process(job)).isEqualTo(DeliveryProcessor.Outcome.RETRY);
        assertThat(closingAfterDot.received().size() - firstBefore).as("the first MX took it").isEqualTo(1);
        assertThat(accepting.received().size()).as("the next MX was not tried at once").isEqualTo(backupBefore);
        DeliveryRecord r = record(id, "bob@afterdot.test");
        assertThat(r.status()).isEqualTo(DeliveryStatus.RETRYING);
        assertThat(r.lastError()).contains("after the end of DATA").contains("not bounced");
        // past the give-up time the uncertain recipient is still retried, and no failure report goes out
        DeliveryProcessor late = new DeliveryProcessor(mail.stores.stores(), transport(), mail.bounces,
                MemoryMailSystem.GIVE_UP_AFTER, Clock.offset(Clock.systemUTC(), Duration.ofDays(6)),
                CassMailMetrics.none(), DeliveryRecord::isRemote);
        assertThat(late.process(job.nextAttempt())).isEqualTo(DeliveryProcessor.Outcome.RETRY);
        assertThat(record(id, "bob@afterdot.test").status()).isEqualTo(DeliveryStatus.RETRYING);
        assertThat(alicesMail()).as("no bounce").isEmpty();
    }

    @Test
    void aServerThatStopsReadingInDataIsCutOffByTheBlockDeadline() throws IOException {
        StringBuilder big = new StringBuilder("Subject: too big to buffer\r\n\r\n");
        for (int i = 0; i < 120_000; i++) {
            big.append("line ").append(i).append(" of a message that outgrows every socket buffer on the way\r\n");
        }
        UUID id = submit(big.toString(), "bob@deaf.test");
        DeliveryJob job = mail.relay.takeDeliveries().get(0);
        RemoteRelayTransport.Limits quick = new RemoteRelayTransport.Limits(true, 5, 2, Duration.ofMinutes(1),
                Duration.ofMinutes(2), Duration.ofSeconds(2), Duration.ofSeconds(1));
        DeliveryProcessor.Outcome outcome = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
                Duration.ofSeconds(60), () -> relay(transport(quick)).process(job));
        assertThat(outcome).isEqualTo(DeliveryProcessor.Outcome.RETRY);
        assertThat(record(id, "bob@deaf.test").lastError()).contains("no complete answer in time during DATA");
    }

    @Test
    void aGreetingDribbledAByteAtATimeIsCutOffByTheCommandDeadline() throws IOException {
        UUID id = submit("Subject: slow peer\r\n\r\nx\r\n", "bob@dribble.test");
        DeliveryJob job = mail.relay.takeDeliveries().get(0);
        long start = System.nanoTime();
        // the 2 s command timeout is a deadline for the whole reply, not for each of its 400 bytes (120 s)
        DeliveryProcessor.Outcome outcome = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
                Duration.ofSeconds(60), () -> relay().process(job));
        assertThat(outcome).isEqualTo(DeliveryProcessor.Outcome.RETRY);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
        assertThat(record(id, "bob@dribble.test").lastError()).contains("no complete answer in time during a reply");
    }

    @Test
    void atMostTwoSessionsAreTriedPerAttemptWhateverTheMxCount() throws IOException {
        int before = busy.stream().mapToInt(ScriptedSmtpPeer::connections).sum();
        UUID id = submit("Subject: busy\r\n\r\nx\r\n", "bob@busy.test");
        assertThat(relayOnce()).isEqualTo(DeliveryProcessor.Outcome.RETRY);
        assertThat(busy.stream().mapToInt(ScriptedSmtpPeer::connections).sum() - before).isEqualTo(2);
        assertThat(busy.get(2).connections()).as("the third MX is left for the next attempt").isZero();
        assertThat(record(id, "bob@busy.test").lastError()).contains("4xx/5xx greeting");
    }

    @Test
    void aSecondWorkerFindsALiveSendingLeaseAndSendsNothingWhileTheFirstStillSends() throws Exception {
        StringBuilder body = new StringBuilder("Subject: slow to send\r\n\r\n");
        for (int i = 0; i < 2_000; i++) {
            body.append("line ").append(i).append(" of a message the peer takes its time over\r\n");
        }
        UUID id = submit(body.toString(), "bob@slow.test");
        DeliveryJob job = mail.relay.takeDeliveries().get(0);
        java.util.function.Supplier<DeliveryProcessor> leased = () -> new DeliveryProcessor(mail.stores.stores(), new io.cassmail.delivery.SendingLease(new RemoteRelayTransport(new MxResolver(
                List.of(dns.address()), Duration.ofSeconds(3)), mail.stores.messages(),
                new RemoteRelayTransport.RelaySettings("mx.cassmail.test", port, Duration.ofSeconds(3),
                        Duration.ofSeconds(30), Duration.ofSeconds(30), false, 4).with(LOOPBACK)), mail.stores.ledger(),
                Duration.ofMinutes(1), mail.clock), mail.bounces, MemoryMailSystem.GIVE_UP_AFTER, Clock.systemUTC(),
                CassMailMetrics.none(), DeliveryRecord::isRemote);
        var first = java.util.concurrent.CompletableFuture.supplyAsync(() -> leased.get().process(job));
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> slow.dataStarted() == 1);
        // the broker hands the same job to another worker (consumer timeout, reconciler) while the first sends
        assertThat(leased.get().process(job)).isEqualTo(DeliveryProcessor.Outcome.RETRY);
        assertThat(first.get(60, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(DeliveryProcessor.Outcome.DONE);
        assertThat(slow.transactions()).as("one transaction, not two").isEqualTo(1);
        assertThat(slow.received()).hasSize(1);
        assertThat(record(id, "bob@slow.test").status()).isEqualTo(DeliveryStatus.RELAYED);
        assertThat(leased.get().process(job.nextAttempt())).isEqualTo(DeliveryProcessor.Outcome.DONE);
        assertThat(slow.received()).hasSize(1);
    }

    @Test
    void aRelayedRecordThatCassandraRefusesIsWrittenAgainNotSentAgain() throws IOException {
        java.util.concurrent.atomic.AtomicInteger refusals = new java.util.concurrent.atomic.AtomicInteger(2);
        io.cassmail.store.DeliveryLedger flaky = new io.cassmail.store.DeliveryLedger() {
            private final io.cassmail.store.DeliveryLedger real = mail.stores.ledger();

            @Override
            public void recordQueued(UUID messageId, List<DeliveryRecord> recipients) {
                real.recordQueued(messageId, recipients);
            }

            @Override
            public List<DeliveryRecord> records(UUID messageId) {
                return real.records(messageId);
            }

            @Override
            public void update(UUID messageId, String recipient, DeliveryStatus status, int attempts, String error) {
                if (status == DeliveryStatus.RELAYED && refusals.getAndDecrement() > 0) {
                    throw new io.cassmail.store.StoreUnavailableException("write timed out", null);
                }
                real.update(messageId, recipient, status, attempts, error);
            }

            @Override
            public void delivering(UUID messageId, String recipient, UUID entryId) {
                real.delivering(messageId, recipient, entryId);
            }

            @Override
            public void forget(UUID messageId) {
                real.forget(messageId);
            }
        };
        int before = accepting.received().size();
        UUID id = submit("Subject: recorded late\r\n\r\nx\r\n", "bob@remote.test");
        DeliveryProcessor p = new DeliveryProcessor(new io.cassmail.store.Stores(mail.stores.directory(),
                mail.stores.messages(), mail.stores.folders(), flaky, mail.stores.accepted()), transport(), mail.bounces,
                MemoryMailSystem.GIVE_UP_AFTER, Clock.systemUTC(), CassMailMetrics.none(), DeliveryRecord::isRemote);
        assertThat(p.process(mail.relay.takeDeliveries().get(0))).isEqualTo(DeliveryProcessor.Outcome.DONE);
        assertThat(record(id, "bob@remote.test").status()).isEqualTo(DeliveryStatus.RELAYED);
        assertThat(accepting.received().size() - before).as("sent once").isEqualTo(1);
    }

    @Test
    void withVerifyTlsACertificateThatDoesNotVerifyDefersInsteadOfSendingInPlainText(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        // the remote MX is a CassMail MX listener offering STARTTLS with a self-signed certificate
        MemoryMailSystem upstream = new MemoryMailSystem().withDomain("tlspeer.test").withUser("bob@tlspeer.test");
        java.nio.file.Path[] pair = io.cassmail.testing.TestCerts.create(dir, "mx.tlspeer.test", "ec");
        var config = io.cassmail.config.ConfigLoader.load(null, java.util.Map.of(),
                List.of("smtp.bind=127.0.0.18", "smtp.port=" + port, "hostname=mx.tlspeer.test"));
        io.cassmail.smtp.SmtpListener mx = new io.cassmail.smtp.SmtpListener(
                io.cassmail.smtp.SmtpProfile.mx(config.smtp(), true), config.smtp(), config.hostname(),
                upstream.stores.directory(), upstream.quotas, upstream.intake,
                new io.cassmail.tls.ServerTls(pair[0], pair[1]), null);
        mx.start();
        try {
            for (boolean verify : List.of(true, false)) {
                UUID id = submit("Subject: verify " + verify + "\r\n\r\nx\r\n", "bob@tlspeer.test");
                RemoteRelayTransport transport = new RemoteRelayTransport(new MxResolver(List.of(dns.address()),
                        Duration.ofSeconds(3)), mail.stores.messages(), new RemoteRelayTransport.RelaySettings(
                        "mx.cassmail.test", port, Duration.ofSeconds(3), Duration.ofSeconds(5), Duration.ofSeconds(5),
                        verify, 4).with(LOOPBACK));
                DeliveryProcessor.Outcome outcome = relay(transport).process(mail.relay.takeDeliveries().get(0));
                if (verify) {
                    assertThat(outcome).isEqualTo(DeliveryProcessor.Outcome.RETRY);
                    assertThat(record(id, "bob@tlspeer.test").lastError()).contains("relay.verify-tls forbids");
                    assertThat(upstream.queue.takeDeliveries()).as("nothing went in plain text").isEmpty();
                } else {
                    // opportunistic TLS: an unverified certificate still encrypts
                    assertThat(outcome).isEqualTo(DeliveryProcessor.Outcome.DONE);
                    assertThat(upstream.queue.takeDeliveries()).hasSize(1);
                }
            }
        } finally {
            mx.close();
        }
    }
}
