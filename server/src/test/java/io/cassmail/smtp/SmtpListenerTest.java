package io.cassmail.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cassmail.config.CassMailConfig;
import io.cassmail.config.ConfigLoader;
import io.cassmail.ingest.IntakeMemory;
import io.cassmail.ingest.MessageIntake;
import io.cassmail.store.StoredMessage;
import io.cassmail.testing.Mail;
import io.cassmail.testing.MemoryMailSystem;
import io.cassmail.testing.SmtpLineClient;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** SMTP conversations over a real loopback socket, with the memory twins behind the listener. */
class SmtpListenerTest {
    private final CassMailConfig config = ConfigLoader.load(null, Map.of(),
            List.of("smtp.port=0", "hostname=mx.cassmail.test", "smtp.max-message-size=64K"));
    private final MemoryMailSystem mail = new MemoryMailSystem().withDomain("cassmail.test").withUser("bob@cassmail.test");
    private final List<SmtpListener> listeners = new ArrayList<>();

    private SmtpListener start(SmtpProfile profile) {
        SmtpListener l = new SmtpListener(profile, config.smtp(), config.hostname(), mail.stores.directory(), mail.quotas,
                mail.intake);
        l.start();
        listeners.add(l);
        return l;
    }

    private SmtpLineClient connect(SmtpListener l) throws IOException {
        SmtpLineClient c = new SmtpLineClient(l.port());
        c.expect("220 mx.cassmail.test ESMTP CassMail");
        return c;
    }

    private SmtpListener startWith(String... settings) {
        List<String> all = new ArrayList<>(List.of("smtp.port=0", "hostname=mx.cassmail.test"));
        all.addAll(List.of(settings));
        CassMailConfig c = ConfigLoader.load(null, Map.of(), all);
        SmtpListener l = new SmtpListener(SmtpProfile.mx(c.smtp()), c.smtp(), c.hostname(), mail.stores.directory(),
                mail.quotas, mail.intake);
        l.start();
        listeners.add(l);
        return l;
    }

    @AfterEach
    void stop() {
        listeners.forEach(SmtpListener::close);
    }

    @Test
    void anAcceptedMessageIsStoredByteForByteAndQueuedOnce() throws IOException {
        SmtpListener mx = start(SmtpProfile.mx(config.smtp()));
        UUID id;
        try (SmtpLineClient c = connect(mx)) {
            c.send("EHLO client.test").expect("250");
            id = Mail.send(c, "alice@example.test", "bob@cassmail.test", "Subject: hi\r\n\r\n.leading dot\r\n");
            c.send("QUIT").expect("221 2.0.0");
        }
        StoredMessage m = mail.stores.messages().find(id).orElseThrow();
        try (InputStream in = mail.stores.messages().openBody(m)) {
            String stored = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertThat(stored).startsWith("Received: from client.test ([127.0.0.1])").endsWith("\r\n\r\n.leading dot\r\n");
        }
        assertThat(mail.queue.takeDeliveries()).singleElement().satisfies(j -> assertThat(j.messageId()).isEqualTo(id));
    }

    @Test
    void ehloListsTheExtensionsOfTheProfile() throws IOException {
        SmtpListener mx = start(SmtpProfile.mx(config.smtp()));
        try (SmtpLineClient c = connect(mx)) {
            assertThat(c.send("EHLO client.test").expect("250-mx.cassmail.test greets client.test"))
                    .contains("250-PIPELINING", "250-SIZE 65536", "250-8BITMIME", "250-SMTPUTF8", "250-DSN", "250 ENHANCEDSTATUSCODES");
        }
    }

    @Test
    void repliesSubEthaSmtpWritesItselfCarryAnEnhancedCode() throws IOException {
        SmtpListener mx = start(SmtpProfile.mx(config.smtp()));
        try (SmtpLineClient c = connect(mx)) {
            c.send("XYZZY").expect("500 5.5.2");
            c.send("AB").expect("500 5.5.2");
        }
    }

    @Test
    void aBrokerThatDoesNotConfirmGets451AndNothingIsKept() throws IOException {
        SmtpListener mx = start(SmtpProfile.mx(config.smtp()));
        mail.queue.refuse(true);
        try (SmtpLineClient c = connect(mx)) {
            c.send("EHLO client.test").expect("250");
            c.send("MAIL FROM:<alice@example.test>").expect("250");
            c.send("RCPT TO:<bob@cassmail.test>").expect("250");
            c.send("DATA").expect("354");
            c.sendRaw("Subject: x\r\n\r\nbody\r\n.\r\n".getBytes(StandardCharsets.US_ASCII));
            c.expect("451 4.3.0");
            mail.queue.refuse(false);
            Mail.send(c, "alice@example.test", "bob@cassmail.test", "Subject: again\r\n\r\nbody\r\n");
        }
        assertThat(mail.queue.takeDeliveries()).hasSize(1);
    }

    @Test
    void aDirectoryOutageAtRcptIsATemporaryFailure() throws IOException {
        SmtpListener mx = start(SmtpProfile.mx(config.smtp()));
        try (SmtpLineClient c = connect(mx)) {
            c.send("EHLO client.test").expect("250");
            c.send("MAIL FROM:<alice@example.test>").expect("250");
            mail.stores.directory().unavailable(true);
            c.send("RCPT TO:<bob@cassmail.test>").expect("451 4.3.0");
        }
    }

    @Test
    void oneProcessRunsSeveralListenersEachWithItsOwnProfile() throws IOException {
        SmtpProfile mx = SmtpProfile.mx(config.smtp());
        SmtpListener first = start(mx);
        SmtpListener second = start(new SmtpProfile("small", "127.0.0.1", 0, SmtpProfile.TlsMode.NONE, false,
                SmtpProfile.RelayPolicy.LOCAL_DOMAINS_ONLY, List.of("SIZE 65536", "ENHANCEDSTATUSCODES")));
        assertThat(first.port()).isNotEqualTo(second.port());
        try (SmtpLineClient a = connect(first); SmtpLineClient b = connect(second)) {
            assertThat(a.send("EHLO c").expect("250")).contains("PIPELINING");
            assertThat(b.send("EHLO c").expect("250")).doesNotContain("PIPELINING").contains("250 ENHANCEDSTATUSCODES");
            Mail.send(b, "alice@example.test", "bob@cassmail.test", "Subject: via second\r\n\r\nx\r\n");
        }
        assertThat(mail.queue.takeDeliveries()).hasSize(1);
    }

    @Test
    void aTlsProfileWithoutACertificateIsRefusedInASentence() {
        SmtpProfile submission = new SmtpProfile("submission", "127.0.0.1", 0, SmtpProfile.TlsMode.STARTTLS, true,
                SmtpProfile.RelayPolicy.AUTHENTICATED_ANYWHERE, List.of());
        assertThatThrownBy(() -> start(submission)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("submission").hasMessageContaining("tls.cert and tls.key");
    }

    @Test
    void aMessageThatWouldOverfillTheMailboxIsRefusedAfterDataWith552() throws IOException {
        mail.stores.directory().setQuota("bob@cassmail.test", null, 1000L);
        SmtpListener mx = start(SmtpProfile.mx(config.smtp()));
        try (SmtpLineClient c = connect(mx)) {
            c.send("EHLO client.test").expect("250");
            c.send("MAIL FROM:<alice@example.test>").expect("250");
            c.send("RCPT TO:<bob@cassmail.test>").expect("250 2.1.5");
            c.send("DATA").expect("354");
            c.sendRaw(("Subject: big\r\n\r\n" + "x".repeat(2000) + "\r\n.\r\n").getBytes(StandardCharsets.US_ASCII));
            c.expect("552 5.2.2 <bob@cassmail.test>: Mailbox full");
            Mail.send(c, "alice@example.test", "bob@cassmail.test", "Subject: small\r\n\r\nok\r\n");
        }
        assertThat(mail.queue.takeDeliveries()).hasSize(1);
    }

    @Test
    void aClientDribblingACommandLineIsCutOffAtTheSessionDeadline() throws Exception {
        SmtpListener mx = startWith("smtp.session-timeout=2s", "smtp.read-timeout=1m");
        try (SmtpLineClient c = connect(mx)) {
            long start = System.nanoTime();
            String reply = null;
            for (int i = 0; i < 100 && reply == null; i++) { // one byte every 200 ms, never a line end
                try {
                    c.sendRaw(new byte[] {'N'});
                } catch (IOException e) {
                    break; // the server closed after its reply
                }
                Thread.sleep(200);
                reply = c.poll();
            }
            reply = reply != null ? reply : c.expect("421");
            assertThat(reply).startsWith("421 4.4.2");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
        }
    }

    @Test
    void dataSentSlowerThanTheMinimumRateIsCutOffAndNothingIsQueued() throws Exception {
        SmtpListener mx = startWith("smtp.read-timeout=2s", "smtp.min-data-rate=1000");
        try (SmtpLineClient c = connect(mx)) {
            c.send("EHLO client.test").expect("250");
            c.send("MAIL FROM:<alice@example.test>").expect("250");
            c.send("RCPT TO:<bob@cassmail.test>").expect("250");
            c.send("DATA").expect("354");
            long start = System.nanoTime();
            String reply = null;
            for (int i = 0; i < 100 && reply == null; i++) { // 5 bytes every 200 ms: 25 bytes/s, below 1000
                try {
                    c.sendRaw("abcd\n".getBytes(StandardCharsets.US_ASCII));
                } catch (IOException e) {
                    break;
                }
                Thread.sleep(200);
                reply = c.poll();
            }
            reply = reply != null ? reply : c.expect("421");
            assertThat(reply).startsWith("421 4.4.2");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
        }
        assertThat(mail.queue.takeDeliveries()).isEmpty();
    }

    @Test
    void dataIsRefusedWith451WhenTheInFlightMemoryIsSpent() throws IOException {
        IntakeMemory memory = new IntakeMemory(IntakeMemory.PER_SESSION + 8 * 1024);
        MessageIntake intake = new MessageIntake(mail.stores.stores(), mail.queue, null, memory);
        SmtpListener mx = new SmtpListener(SmtpProfile.mx(config.smtp()), config.smtp(), config.hostname(),
                mail.stores.directory(), mail.quotas, intake);
        mx.start();
        listeners.add(mx);
        try (SmtpLineClient parked = connect(mx); SmtpLineClient late = connect(mx)) {
            for (SmtpLineClient c : List.of(parked, late)) {
                c.send("EHLO client.test").expect("250");
                c.send("MAIL FROM:<alice@example.test>").expect("250");
                c.send("RCPT TO:<bob@cassmail.test>").expect("250");
            }
            parked.send("DATA").expect("354");
            late.send("DATA").expect("451 4.3.1");
            // the parked one grows past the budget: it is read to the end, then refused the same way
            parked.sendRaw(("Subject: big\r\n\r\n" + ("y".repeat(998) + "\r\n").repeat(40) + ".\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            parked.expect("451 4.3.1");
            assertThat(memory.held()).isZero();
            late.send("MAIL FROM:<alice@example.test>").expect("250");
            late.send("RCPT TO:<bob@cassmail.test>").expect("250");
            late.send("DATA").expect("354");
            late.send("Subject: small\r\n\r\nhi\r\n.").expect("250 2.0.0");
        }
        assertThat(memory.held()).isZero();
    }

    @Test
    void theTraceFieldSaysSmtpAfterHeloAndEsmtpAfterEhlo() throws IOException {
        SmtpListener mx = start(SmtpProfile.mx(config.smtp()));
        try (SmtpLineClient c = connect(mx)) {
            c.send("HELO old.client.test").expect("250");
            UUID helo = Mail.send(c, "alice@example.test", "bob@cassmail.test", "Subject: a\r\n\r\nx\r\n");
            c.send("EHLO new.client.test").expect("250");
            UUID ehlo = Mail.send(c, "alice@example.test", "bob@cassmail.test", "Subject: b\r\n\r\nx\r\n");
            assertThat(stored(helo)).contains("(CassMail) with SMTP id ");
            assertThat(stored(ehlo)).contains("(CassMail) with ESMTP id ");
        }
    }

    private String stored(UUID id) throws IOException {
        try (InputStream in = mail.stores.messages().openBody(mail.stores.messages().find(id).orElseThrow())) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void dsnParametersAreCheckedAndAnUnauthenticatedMxClientGetsNoSuccessReportAndNoFullReturn() throws IOException {
        mail.accounts.create("alice@cassmail.test", null);
        SmtpListener l = start(SmtpProfile.mx(config.smtp()));
        UUID id;
        try (SmtpLineClient c = connect(l)) {
            c.send("EHLO client.test").expect("250");
            c.send("MAIL FROM:<alice@cassmail.test> RET=MAYBE").expect("501 5.5.4 RET must be FULL or HDRS");
            c.send("MAIL FROM:<alice@cassmail.test> ENVID=has=equals").expect("501 5.5.4 ENVID must be xtext");
            c.send("MAIL FROM:<alice@cassmail.test> RET=full ENVID=run+2B1").expect("250");
            c.send("RCPT TO:<bob@cassmail.test> NOTIFY=SOMETIMES").expect("501 5.5.4 NOTIFY must be NEVER");
            c.send("RCPT TO:<bob@cassmail.test> ORCPT=nosemicolon").expect("501 5.5.4 ORCPT must be addr-type;xtext");
            c.send("RCPT TO:<bob@cassmail.test> XTRA=1").expect("555 5.5.4 Unsupported RCPT parameter XTRA");
            c.send("RCPT TO:<bob@cassmail.test> NOTIFY=success,failure ORCPT=rfc822;Bob+2Bx@cassmail.test").expect("250");
            c.send("RCPT TO:<alice@cassmail.test> NOTIFY=SUCCESS,DELAY").expect("250");
            c.send("DATA").expect("354");
            c.sendRaw("Subject: tracked\r\n\r\nx\r\n.\r\n".getBytes(StandardCharsets.US_ASCII));
            id = Mail.queuedId(c.reply());
        }
        // the sender is anyone's to forge here: no success or delay report, and never the whole message back
        assertThat(mail.stores.messages().find(id).orElseThrow().dsn()).isEqualTo("RET=HDRS ENVID=run+2B1");
        assertThat(mail.stores.ledger().records(id)).extracting(r -> r.dsn()).containsExactlyInAnyOrder(
                "NOTIFY=FAILURE ORCPT=rfc822;Bob+2Bx@cassmail.test", "NOTIFY=NEVER");
        var processor = mail.processor();
        mail.queue.takeDeliveries().forEach(processor::process);
        assertThat(mail.queue.takeDeliveries()).as("no report was queued").isEmpty();
        assertThat(mail.relay.takeDeliveries()).as("no report was queued").isEmpty();
        assertThat(mail.inbox("alice@cassmail.test")).as("the message, and no report").hasSize(1);
        assertThat(mail.inbox("bob@cassmail.test")).hasSize(1);
    }
}
