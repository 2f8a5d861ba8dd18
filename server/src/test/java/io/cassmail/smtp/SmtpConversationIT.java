package io.cassmail.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cassmail.app.Role;
import io.cassmail.store.DeliveryStatus;
import io.cassmail.store.StoredMessage;
import io.cassmail.testing.Mail;
import io.cassmail.testing.MailStack;
import io.cassmail.testing.SmtpLineClient;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** SMTP conversations over real sockets against real Cassandra and RabbitMQ, with the workers delivering. */
class SmtpConversationIT {
    static MailStack stack;
    static int port;

    @BeforeAll
    static void start() {
        stack = MailStack.create("smtp", "smtp.max-recipients=3", "smtp.max-message-size=1M")
                .withDomain("cassmail.test").withUser("alice@cassmail.test").withUser("bob@cassmail.test")
                .start(Role.SMTP, Role.WORKER);
        port = stack.smtpPort();
    }

    @AfterAll
    static void stop() throws Exception {
        stack.close();
    }

    private SmtpLineClient hello() throws IOException {
        SmtpLineClient c = new SmtpLineClient(port);
        c.expect("220 mx.cassmail.test ESMTP CassMail");
        c.send("EHLO client.test").expect("250");
        return c;
    }

    /** Sends one message and returns its id from the 250 reply. */
    private UUID send(SmtpLineClient c, String from, String to, byte[] data) throws IOException {
        c.send("MAIL FROM:<" + from + ">").expect("250 2.1.0");
        c.send("RCPT TO:<" + to + ">").expect("250 2.1.5");
        c.send("DATA").expect("354");
        c.sendRaw(data);
        c.sendRaw(".\r\n".getBytes(StandardCharsets.US_ASCII));
        return Mail.queuedId(c.reply());
    }

    private byte[] stored(UUID id) throws IOException {
        StoredMessage m = stack.messages.find(id).orElseThrow();
        try (InputStream in = stack.messages.openBody(m)) {
            return in.readAllBytes();
        }
    }

    private static String afterReceived(byte[] stored) {
        String s = new String(stored, StandardCharsets.ISO_8859_1);
        assertThat(s).startsWith("Received: from client.test ([127.0.0.1])\r\n\tby mx.cassmail.test (CassMail) with ESMTP id ");
        int end = s.indexOf("\r\n", s.indexOf(";\r\n\t") + 3);
        return s.substring(end + 2);
    }

    private List<UUID> inbox(String address) {
        return Mail.inbox(stack.mailboxes, address);
    }

    @Test
    void greetingAndEhloNameTheProductAndExtensions() throws IOException {
        try (SmtpLineClient c = new SmtpLineClient(port)) {
            c.expect("220 mx.cassmail.test ESMTP CassMail");
            String ehlo = c.send("EHLO client.test").expect("250-mx.cassmail.test");
            assertThat(ehlo).contains("250-SIZE 1048576", "250-8BITMIME", "250-SMTPUTF8", "PIPELINING", "ENHANCEDSTATUSCODES");
            c.send("QUIT").expect("221 2.0.0");
        }
    }

    @Test
    void acceptedMessageIsStoredExactlyAndDeliveredOnce() throws IOException {
        byte[] body = ("From: Alice <alice@cassmail.test>\r\nTo: bob@cassmail.test\r\nSubject: hello\r\n"
                + "Message-ID: <m1@client.test>\r\n\r\nline one\r\n..leading dot\r\n").getBytes(StandardCharsets.US_ASCII);
        UUID id;
        try (SmtpLineClient c = hello()) {
            id = send(c, "alice@cassmail.test", "bob@cassmail.test", body);
        }
        assertThat(afterReceived(stored(id))).isEqualTo("From: Alice <alice@cassmail.test>\r\nTo: bob@cassmail.test\r\n"
                + "Subject: hello\r\nMessage-ID: <m1@client.test>\r\n\r\nline one\r\n.leading dot\r\n");
        StoredMessage m = stack.messages.find(id).orElseThrow();
        assertThat(m.headers().subject()).isEqualTo("hello");
        assertThat(m.headers().messageId()).isEqualTo("<m1@client.test>");
        assertThat(m.envelopeFrom()).isEqualTo("alice@cassmail.test");
        await().atMost(Duration.ofSeconds(30)).until(() -> inbox("bob@cassmail.test").contains(id));
        assertThat(inbox("bob@cassmail.test")).containsOnlyOnce(id);
        assertThat(stack.ledger.records(id)).singleElement()
                .satisfies(r -> assertThat(r.status()).isEqualTo(DeliveryStatus.DELIVERED));
    }

    @Test
    void relayIsDeniedAndUnknownUsersAreRefused() throws IOException {
        try (SmtpLineClient c = hello()) {
            c.send("MAIL FROM:<someone@example.org>").expect("250 2.1.0");
            c.send("RCPT TO:<victim@example.org>").expect("550 5.7.1");
            c.send("RCPT TO:<nobody@cassmail.test>").expect("550 5.1.1");
            c.send("RCPT TO:<postmaster@cassmail.test>").expect("250 2.1.5");
            c.send("RCPT TO:<Postmaster>").expect("250 2.1.5");
            c.send("RSET").expect("250 2.0.0");
        }
    }

    @Test
    void syntaxAndSequenceErrorsHaveEnhancedCodes() throws IOException {
        try (SmtpLineClient c = hello()) {
            c.send("RCPT TO:<bob@cassmail.test>").expect("503 5.5.1");
            c.send("DATA").expect("503 5.5.1");
            c.send("MAIL FROM alice@cassmail.test").expect("501 5.5.4");
            c.send("MAIL FROM:<not an address>").expect("501 5.1.7");
            c.send("MAIL FROM:<alice@cassmail.test> SIZE=99999999999").expect("552 5.3.4");
            c.send("MAIL FROM:<alice@cassmail.test> FOO=BAR").expect("555 5.5.4");
            c.send("MAIL FROM:<alice@cassmail.test>").expect("250 2.1.0");
            c.send("MAIL FROM:<alice@cassmail.test>").expect("503 5.5.1");
            c.send("RCPT TO:<@@>").expect("501 5.1.3");
            c.send("DATA").expect("554 5.5.1");
            c.send("XYZZY").expect("500 5.5.2");
            c.send("VRFY bob").expect("252 2.5.2");
            c.send("NOOP").expect("250 2.0.0");
        }
    }

    @Test
    void tooManyRecipientsGets452() throws IOException {
        try (SmtpLineClient c = hello()) {
            c.send("MAIL FROM:<alice@cassmail.test>").expect("250");
            c.send("RCPT TO:<bob@cassmail.test>").expect("250");
            c.send("RCPT TO:<alice@cassmail.test>").expect("250");
            c.send("RCPT TO:<postmaster@cassmail.test>").expect("250");
            c.send("RCPT TO:<Postmaster>").expect("452 4.5.3");
        }
    }

    @Test
    void oversizedMessageIsDrainedRefusedAndTheNextMailWorks() throws IOException {
        StringBuilder big = new StringBuilder("Subject: big\r\n\r\n");
        String line = "x".repeat(998) + "\r\n";
        while (big.length() < 1_200_000) {
            big.append(line);
        }
        big.append("RSET\r\nMAIL FROM:<injected@evil.test>\r\n");
        try (SmtpLineClient c = hello()) {
            c.send("MAIL FROM:<alice@cassmail.test>").expect("250");
            c.send("RCPT TO:<bob@cassmail.test>").expect("250");
            c.send("DATA").expect("354");
            c.sendRaw(big.toString().getBytes(StandardCharsets.US_ASCII));
            c.sendRaw(".\r\n".getBytes(StandardCharsets.US_ASCII));
            c.expect("552 5.3.4");
            // the body's "RSET"/"MAIL" lines were data, not commands: the next reply is for our MAIL
            c.send("MAIL FROM:<alice@cassmail.test>").expect("250 2.1.0 Sender <alice@cassmail.test>");
            c.send("RCPT TO:<bob@cassmail.test>").expect("250");
            c.send("DATA").expect("354");
            c.sendRaw("Subject: small\r\n\r\nok\r\n.\r\n".getBytes(StandardCharsets.US_ASCII));
            c.expect("250 2.0.0");
        }
    }

    @Test
    void bareLineFeedsCannotEndDataOrSmuggleASecondMessage() throws IOException {
        String smuggle = "Subject: first\r\n\r\nbody\n.\nMAIL FROM:<admin@cassmail.test>\nRCPT TO:<bob@cassmail.test>\n"
                + "DATA\nSubject: smuggled\n\nevil\n.\r\n"
                // neither <LF>.<LF> nor <LF>.<CRLF> above ended the data; only this CRLF.CRLF does
                + "\r\n.\r\n";
        int before = inbox("bob@cassmail.test").size();
        try (SmtpLineClient c = hello()) {
            c.send("MAIL FROM:<alice@cassmail.test>").expect("250");
            c.send("RCPT TO:<bob@cassmail.test>").expect("250");
            c.send("DATA").expect("354");
            c.sendRaw(smuggle.getBytes(StandardCharsets.US_ASCII));
            c.expect("554 5.5.2");
            c.send("NOOP").expect("250 2.0.0");
        }
        assertThat(inbox("bob@cassmail.test")).hasSize(before);
    }

    @Test
    void oddButLegalContentIsStoredByteForByte() throws IOException {
        List<byte[]> bodies = new ArrayList<>();
        bodies.add("no headers at all, just text\r\n".getBytes(StandardCharsets.US_ASCII));
        bodies.add(("X-Long: " + "y".repeat(10_000) + "\r\nSubject: long header\r\n\r\nbody\r\n").getBytes(StandardCharsets.US_ASCII));
        bodies.add("Subject: nul\r\n\r\nbefore\0after\r\n".getBytes(StandardCharsets.ISO_8859_1));
        bodies.add("Subject: =?UTF-8?B?w6lsw6h2ZQ==?=\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nnaïve café ✓ 日本語\r\n"
                .getBytes(StandardCharsets.UTF_8));
        try (SmtpLineClient c = hello()) {
            for (byte[] body : bodies) {
                UUID id = send(c, "alice@cassmail.test", "bob@cassmail.test", body);
                assertThat(afterReceived(stored(id)).getBytes(StandardCharsets.ISO_8859_1)).isEqualTo(body);
            }
        }
    }

    @Test
    void utf8AddressesNeedAndWorkWithSmtputf8() throws IOException {
        stack.withUser("jürgen@cassmail.test");
        try (SmtpLineClient c = hello()) {
            c.send("MAIL FROM:<δοκιμή@example.org>").expect("553 5.6.7");
            c.send("MAIL FROM:<δοκιμή@example.org> SMTPUTF8").expect("250");
            c.send("RCPT TO:<jürgen@cassmail.test>").expect("250 2.1.5");
            c.send("DATA").expect("354");
            c.sendRaw("Subject: grüße\r\n\r\nhallo\r\n.\r\n".getBytes(StandardCharsets.UTF_8));
            String reply = c.expect("250 2.0.0");
            UUID id = UUID.fromString(reply.substring(reply.lastIndexOf(' ') + 1));
            assertThat(new String(stored(id), StandardCharsets.UTF_8)).contains("with UTF8SMTP").endsWith("Subject: grüße\r\n\r\nhallo\r\n");
            await().atMost(Duration.ofSeconds(30)).until(() -> inbox("jürgen@cassmail.test").contains(id));
        }
    }

    @Test
    void clientDisconnectingInDataLeavesNothing() throws Exception {
        List<UUID> bobBefore = inbox("bob@cassmail.test");
        long rowsBefore = stack.session.execute("SELECT count(*) FROM messages").one().getLong(0);
        try (SmtpLineClient c = hello()) {
            c.send("MAIL FROM:<alice@cassmail.test>").expect("250");
            c.send("RCPT TO:<bob@cassmail.test>").expect("250");
            c.send("DATA").expect("354");
            c.sendRaw(("Subject: cut\r\n\r\n" + "z".repeat(300_000)).getBytes(StandardCharsets.US_ASCII));
        }
        Thread.sleep(1500);
        assertThat(inbox("bob@cassmail.test")).isEqualTo(bobBefore);
        assertThat(stack.session.execute("SELECT count(*) FROM messages").one().getLong(0)).isEqualTo(rowsBefore);
        await().atMost(Duration.ofSeconds(10)).until(() ->
                stack.session.execute("SELECT message_id FROM message_chunks").all().stream()
                        .allMatch(r -> stack.messages.find(r.getUuid(0)).isPresent()));
    }

    @Test
    void oneBodyForManyRecipients() throws IOException {
        try (SmtpLineClient c = hello()) {
            c.send("MAIL FROM:<alice@cassmail.test>").expect("250");
            c.send("RCPT TO:<bob@cassmail.test>").expect("250");
            c.send("RCPT TO:<alice@cassmail.test>").expect("250");
            c.send("DATA").expect("354");
            c.sendRaw("Subject: both\r\n\r\nhi\r\n.\r\n".getBytes(StandardCharsets.US_ASCII));
            String reply = c.expect("250 2.0.0");
            UUID id = UUID.fromString(reply.substring(reply.lastIndexOf(' ') + 1));
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    inbox("bob@cassmail.test").contains(id) && inbox("alice@cassmail.test").contains(id));
            assertThat(stack.session.execute("SELECT count(*) FROM messages WHERE message_id = ?", id).one().getLong(0)).isOne();
        }
    }
}
