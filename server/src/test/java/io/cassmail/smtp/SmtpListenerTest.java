package io.cassmail.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cassmail.config.CassMailConfig;
import io.cassmail.config.ConfigLoader;
import io.cassmail.store.StoredMessage;
import io.cassmail.testing.Mail;
import io.cassmail.testing.MemoryMailSystem;
import io.cassmail.testing.SmtpLineClient;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
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
                    .contains("250-PIPELINING", "250-SIZE 65536", "250-8BITMIME", "250-SMTPUTF8", "250 ENHANCEDSTATUSCODES");
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
    void aProfileAskingForWhatIsNotBuiltYetIsRefusedInASentence() {
        SmtpProfile submission = new SmtpProfile("submission", "127.0.0.1", 0, SmtpProfile.TlsMode.STARTTLS, true,
                SmtpProfile.RelayPolicy.AUTHENTICATED_ANYWHERE, List.of());
        assertThatThrownBy(() -> start(submission)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("submission").hasMessageContaining("not implemented yet");
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
}
