package io.cassmail.pop3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cassmail.app.Role;
import io.cassmail.testing.Mail;
import io.cassmail.testing.MailStack;
import io.cassmail.testing.SmtpLineClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.commons.net.pop3.POP3Client;
import org.apache.commons.net.pop3.POP3MessageInfo;
import org.apache.commons.net.pop3.POP3Reply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** POP3 with Apache Commons Net's client, mail delivered through real SMTP and workers. */
class Pop3IT {
    static MailStack stack;

    @BeforeAll
    static void start() {
        stack = MailStack.create("pop3", "pop3.auth-failure-delay=200ms", "smtp.max-message-size=40M")
                .withDomain("cassmail.test").withUser("alice@cassmail.test", "alice-secret")
                .start(Role.SMTP, Role.WORKER, Role.POP3);
    }

    @AfterAll
    static void stop() throws Exception {
        stack.close();
    }

    /** A fresh user with the given messages delivered to its INBOX; returns their ids in order. */
    private List<UUID> userWith(String user, String... bodies) throws Exception {
        stack.withUser(user, "pw-" + user);
        List<UUID> ids = new ArrayList<>();
        try (SmtpLineClient c = new SmtpLineClient(stack.smtpPort())) {
            c.expect("220");
            c.send("EHLO client.test").expect("250");
            for (String body : bodies) {
                ids.add(Mail.send(c, "alice@cassmail.test", user, body));
            }
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> Mail.inbox(stack.mailboxes, user).containsAll(ids));
        return ids;
    }

    private POP3Client login(String user) throws IOException {
        POP3Client pop = new POP3Client();
        pop.setDefaultTimeout(30_000);
        pop.connect("127.0.0.1", stack.pop3Port());
        pop.setSoTimeout(30_000);
        assertThat(pop.login(user, "pw-" + user)).as("login " + user).isTrue();
        return pop;
    }

    private static String read(Reader r) throws IOException {
        try (BufferedReader b = new BufferedReader(r)) {
            StringBuilder s = new StringBuilder();
            int c;
            while ((c = b.read()) >= 0) {
                s.append((char) c);
            }
            return s.toString();
        }
    }

    /** What RETR must hand over: the final delivery's Return-Path, then the stored bytes exactly. */
    private byte[] delivered(UUID id) throws IOException {
        var message = stack.messages.find(id).orElseThrow();
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.write(io.cassmail.mail.ReturnPath.line(message.envelopeFrom()));
        try (InputStream in = stack.messages.openBody(message)) {
            in.transferTo(out);
        }
        return out.toByteArray();
    }

    @Test
    void statListUidlAndRetrAreExactAndByteStuffedCorrectly() throws Exception {
        List<UUID> ids = userWith("list@cassmail.test",
                "Subject: one\r\n\r\n.starts with a dot\r\n..two dots\r\n.\r\n",
                "Subject: two\r\n\r\nplain\r\n");
        POP3Client pop = login("list@cassmail.test");
        POP3MessageInfo status = pop.status();
        assertThat(status.number).isEqualTo(2);
        POP3MessageInfo[] list = pop.listMessages();
        assertThat(list).hasSize(2);
        assertThat(status.size).isEqualTo(list[0].size + list[1].size);
        POP3MessageInfo[] uidl = pop.listUniqueIdentifiers();
        assertThat(uidl[0].identifier).isEqualTo(ids.get(0).toString());
        assertThat(uidl[1].identifier).isEqualTo(ids.get(1).toString());
        assertThat(pop.listUniqueIdentifier(2).identifier).isEqualTo(ids.get(1).toString());
        for (int i = 0; i < 2; i++) {
            String retrieved = read(pop.retrieveMessage(i + 1));
            byte[] expected = delivered(ids.get(i));
            // commons-net undoes the byte-stuffing; what remains must be the stored bytes exactly
            assertThat(retrieved.getBytes(StandardCharsets.ISO_8859_1)).isEqualTo(expected);
            assertThat(list[i].size).isEqualTo(expected.length);
        }
        assertThat(read(pop.retrieveMessage(1))).endsWith("\r\n.starts with a dot\r\n..two dots\r\n.\r\n");
        assertThat(pop.logout()).isTrue();
    }

    @Test
    void topSendsHeadersAndTheFirstLines() throws Exception {
        userWith("top@cassmail.test", "Subject: top\r\nX-A: b\r\n\r\nl1\r\nl2\r\nl3\r\n");
        POP3Client pop = login("top@cassmail.test");
        String top = read(pop.retrieveMessageTop(1, 2));
        assertThat(top).contains("Subject: top\r\nX-A: b\r\n\r\nl1\r\nl2\r\n").doesNotContain("l3");
        assertThat(read(pop.retrieveMessageTop(1, 0))).endsWith("X-A: b\r\n\r\n");
        pop.logout();
    }

    @Test
    void deleThenRsetKeepsAndDeleThenQuitRemovesAndReleasesTheBody() throws Exception {
        List<UUID> ids = userWith("dele@cassmail.test", "Subject: a\r\n\r\na\r\n", "Subject: b\r\n\r\nb\r\n");
        POP3Client pop = login("dele@cassmail.test");
        assertThat(pop.deleteMessage(1)).isTrue();
        assertThat(pop.status().number).isEqualTo(1);
        assertThat(pop.retrieveMessage(1)).isNull();
        assertThat(pop.getReplyString()).startsWith("-ERR");
        assertThat(pop.reset()).isTrue();
        assertThat(pop.status().number).isEqualTo(2);
        assertThat(pop.deleteMessage(1)).isTrue();
        assertThat(pop.logout()).isTrue();
        assertThat(Mail.inbox(stack.mailboxes, "dele@cassmail.test")).containsExactly(ids.get(1));
        assertThat(stack.messages.find(ids.get(0))).as("body released").isEmpty();
        assertThat(stack.messages.find(ids.get(1))).isPresent();
    }

    @Test
    void droppedConnectionDeletesNothing() throws Exception {
        List<UUID> ids = userWith("drop@cassmail.test", "Subject: keep\r\n\r\nkeep\r\n");
        POP3Client pop = login("drop@cassmail.test");
        assertThat(pop.deleteMessage(1)).isTrue();
        pop.disconnect();
        Thread.sleep(500);
        assertThat(Mail.inbox(stack.mailboxes, "drop@cassmail.test")).containsExactlyElementsOf(ids);
    }

    @Test
    void wrongPasswordAndUnknownUserGetTheSameAuthAnswer() throws Exception {
        POP3Client pop = new POP3Client();
        pop.connect("127.0.0.1", stack.pop3Port());
        assertThat(pop.login("alice@cassmail.test", "wrong")).isFalse();
        String wrongPassword = pop.getReplyString().strip();
        assertThat(pop.login("nobody@cassmail.test", "wrong")).isFalse();
        String unknownUser = pop.getReplyString().strip();
        assertThat(wrongPassword).isEqualTo(unknownUser).startsWith("-ERR [AUTH]");
        assertThat(pop.login("alice@cassmail.test", "alice-secret")).isTrue();
        pop.logout();
    }

    @Test
    void errorsAreSentencesAndStateIsEnforced() throws Exception {
        try (SmtpLineClient c = new SmtpLineClient(stack.pop3Port())) {
            c.expect("+OK");
            c.send("STAT").expect("-ERR STAT is not allowed before login");
            c.send("PASS x").expect("-ERR Send USER first");
            c.send("BOGUS").expect("-ERR Unknown command BOGUS");
            c.send("X".repeat(400)).expect("-ERR Command line too long");
            c.send("QUIT").expect("+OK");
        }
    }

    @Test
    void capaListsTheExtensionsAndPipelinedCommandsAreAnsweredInOrder() throws Exception {
        userWith("pipe@cassmail.test", "Subject: p\r\n\r\np\r\n");
        try (SmtpLineClient c = new SmtpLineClient(stack.pop3Port())) {
            c.expect("+OK");
            c.sendRaw("CAPA\r\nUSER pipe@cassmail.test\r\nPASS pw-pipe@cassmail.test\r\nSTAT\r\nNOOP\r\nQUIT\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            c.expect("+OK Capability list follows");
            List<String> caps = new ArrayList<>();
            for (String line = c.reply(); !line.equals("."); line = c.reply()) {
                caps.add(line);
            }
            assertThat(caps).contains("TOP", "UIDL", "USER", "RESP-CODES", "AUTH-RESP-CODE", "PIPELINING");
            c.expect("+OK Send PASS");
            c.expect("+OK Logged in, 1 messages");
            c.expect("+OK 1 ");
            c.expect("+OK");
            c.expect("+OK CassMail POP3 server signing off");
        }
    }

    @Test
    void aSecondConcurrentSessionIsRefusedInUseSoTheSameMessageIsNeverDeletedTwice() throws Exception {
        List<UUID> ids = userWith("twice@cassmail.test", "Subject: x\r\n\r\nx\r\n", "Subject: y\r\n\r\ny\r\n");
        POP3Client first = login("twice@cassmail.test");
        POP3Client second = new POP3Client();
        second.setDefaultTimeout(30_000);
        second.connect("127.0.0.1", stack.pop3Port());
        second.setSoTimeout(30_000);
        assertThat(second.login("twice@cassmail.test", "pw-twice@cassmail.test")).isFalse();
        assertThat(second.getReplyString()).contains("-ERR [IN-USE]");
        second.disconnect();
        assertThat(first.deleteMessage(1)).isTrue();
        assertThat(first.logout()).isTrue();
        POP3Client next = login("twice@cassmail.test");
        assertThat(next.status().number).isEqualTo(1);
        assertThat(next.logout()).isTrue();
        assertThat(Mail.inbox(stack.mailboxes, "twice@cassmail.test")).containsExactly(ids.get(1));
        assertThat(stack.messages.find(ids.get(1))).isPresent();
        assertThat(stack.mailboxes.reader().usage("twice@cassmail.test").messages()).isEqualTo(1);
    }

    @Test
    void thirtyMebibyteMessageStreamsThroughRetr() throws Exception {
        stack.withUser("big@cassmail.test", "pw-big@cassmail.test");
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < 998; i++) {
            line.append((char) ('!' + (i % 90)));
        }
        line.append("\r\n");
        UUID id;
        MessageDigest sent = MessageDigest.getInstance("SHA-256");
        try (SmtpLineClient c = new SmtpLineClient(stack.smtpPort())) {
            c.expect("220");
            c.send("EHLO client.test").expect("250");
            c.send("MAIL FROM:<alice@cassmail.test>").expect("250");
            c.send("RCPT TO:<big@cassmail.test>").expect("250");
            c.send("DATA").expect("354");
            byte[] l = line.toString().getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < 31_458; i++) {
                c.sendRaw(l);
            }
            c.sendRaw(".\r\n".getBytes(StandardCharsets.US_ASCII));
            id = Mail.queuedId(c.reply());
        }
        sent.update(delivered(id));
        await().atMost(Duration.ofSeconds(60)).until(() -> Mail.inbox(stack.mailboxes, "big@cassmail.test").contains(id));
        POP3Client pop = login("big@cassmail.test");
        MessageDigest got = MessageDigest.getInstance("SHA-256");
        long n = 0;
        try (Reader r = pop.retrieveMessage(1)) {
            char[] buf = new char[65536];
            int k;
            while ((k = r.read(buf)) > 0) {
                byte[] b = new String(buf, 0, k).getBytes(StandardCharsets.ISO_8859_1);
                got.update(b);
                n += b.length;
            }
        }
        assertThat(n).isGreaterThan(30L * 1024 * 1024);
        assertThat(got.digest()).isEqualTo(sent.digest());
        pop.logout();
    }

    @Test
    void replyCodesAreProperPop3() throws Exception {
        userWith("codes@cassmail.test", "Subject: c\r\n\r\nc\r\n");
        POP3Client pop = login("codes@cassmail.test");
        assertThat(pop.getState()).isEqualTo(POP3Client.TRANSACTION_STATE);
        assertThat(pop.sendCommand("DELE", "999")).isEqualTo(POP3Reply.ERROR);
        assertThat(pop.getReplyString()).startsWith("-ERR No such message");
        pop.logout();
    }

    @Test
    void oneSessionPerAccountAcrossFrontEndsSoEachDeleteCountsTheUsageDownOnce() throws Exception {
        String user = "locked@cassmail.test";
        String[] bodies = new String[20];
        for (int i = 0; i < bodies.length; i++) {
            bodies[i] = "Subject: m" + i + "\r\n\r\nbody " + i + "\r\n";
        }
        userWith(user, bodies);
        int port = io.cassmail.testing.ServerProcess.freePort();
        List<String> settings = new ArrayList<>(stack.settings);
        settings.add("pop3.port=" + port);
        try (io.cassmail.testing.ServerProcess other = io.cassmail.testing.ServerProcess.start("pop3-other", settings,
                "pop3")) {
            await().atMost(Duration.ofSeconds(90)).ignoreExceptions().until(() -> {
                try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
                    s.setSoTimeout(10_000);
                    return new BufferedReader(new java.io.InputStreamReader(s.getInputStream())).readLine().startsWith("+OK");
                }
            });
            POP3Client first = login(user);
            POP3Client second = new POP3Client();
            second.setDefaultTimeout(30_000);
            second.connect("127.0.0.1", port);
            second.setSoTimeout(30_000);
            assertThat(second.login(user, "pw-" + user)).as("a second front end refuses the same account").isFalse();
            assertThat(second.getReplyString()).contains("-ERR [IN-USE]");
            second.disconnect();
            for (int i = 1; i <= 20; i++) {
                assertThat(first.deleteMessage(i)).isTrue();
            }
            assertThat(first.logout()).isTrue();
            assertThat(stack.mailboxes.reader().usage(user).messages()).isZero();
            assertThat(stack.mailboxes.reader().usage(user).bytes()).isZero();
            POP3Client after = new POP3Client();
            after.setDefaultTimeout(30_000);
            after.connect("127.0.0.1", port);
            after.setSoTimeout(30_000);
            assertThat(after.login(user, "pw-" + user)).as("free once the first session ended").isTrue();
            assertThat(after.status().number).isZero();
            after.logout();
            assertThat(stack.mailboxes.reader().usage(user).messages()).isZero();
        }
    }
}
