package io.cassmail.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cassmail.app.Role;
import io.cassmail.store.StoredMessage;
import io.cassmail.testing.Mail;
import io.cassmail.testing.MailStack;
import io.cassmail.testing.SmtpLineClient;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Big messages and many concurrent sessions, with a real client library (Angus Mail) too. */
class SmtpLoadIT {
    static MailStack stack;

    @BeforeAll
    static void start() {
        stack = MailStack.create("smtpload", "smtp.max-message-size=40M", "smtp.max-connections-per-ip=200",
                        "worker.threads=4")
                .withDomain("cassmail.test").withUser("alice@cassmail.test").withUser("bob@cassmail.test")
                .start(Role.SMTP, Role.WORKER);
    }

    @AfterAll
    static void stop() throws Exception {
        stack.close();
    }

    @Test
    void thirtyMebibyteMessageIsStoredInChunksByteForByte() throws Exception {
        MessageDigest sent = MessageDigest.getInstance("SHA-256");
        byte[] header = "Subject: thirty MiB\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        sent.update(header);
        UUID id;
        try (SmtpLineClient c = new SmtpLineClient(stack.smtpPort())) {
            c.expect("220");
            c.send("EHLO client.test").expect("250");
            c.send("MAIL FROM:<alice@cassmail.test> SIZE=31458100").expect("250");
            c.send("RCPT TO:<bob@cassmail.test>").expect("250");
            c.send("DATA").expect("354");
            c.sendRaw(header);
            byte[] line = new byte[1000];
            for (int i = 0; i < 998; i++) {
                line[i] = (byte) ('!' + (i % 90));
            }
            line[998] = '\r';
            line[999] = '\n';
            for (int i = 0; i < 31_458; i++) {
                c.sendRaw(line);
                sent.update(line);
            }
            c.sendRaw(".\r\n".getBytes(StandardCharsets.US_ASCII));
            id = Mail.queuedId(c.reply());
        }
        StoredMessage m = stack.messages.find(id).orElseThrow();
        assertThat(m.chunkCount()).isGreaterThan(200);
        long chunks = stack.session.execute("SELECT chunk FROM message_chunks WHERE message_id = ?", id).all().size();
        assertThat(chunks).isEqualTo(m.chunkCount());
        MessageDigest stored = MessageDigest.getInstance("SHA-256");
        try (InputStream in = stack.messages.openBody(m)) {
            byte[] all = in.readNBytes(64 * 1024);
            String s = new String(all, StandardCharsets.ISO_8859_1);
            int bodyStart = s.indexOf("Subject: thirty MiB");
            stored.update(all, bodyStart, all.length - bodyStart);
            byte[] buf = new byte[64 * 1024];
            int n;
            while ((n = in.read(buf)) > 0) {
                stored.update(buf, 0, n);
            }
        }
        assertThat(stored.digest()).isEqualTo(sent.digest());
        await().atMost(Duration.ofSeconds(60)).until(() -> Mail.inbox(stack.mailboxes, "bob@cassmail.test").contains(id));
    }

    @Test
    void hundredConcurrentSessionsEachSendingSeveralMessagesStoreEveryOneOnce() throws Exception {
        int sessions = 100;
        int perSession = 3;
        Set<UUID> accepted = ConcurrentHashMap.newKeySet();
        ExecutorService pool = Executors.newFixedThreadPool(sessions);
        List<Future<?>> results = new ArrayList<>();
        for (int s = 0; s < sessions; s++) {
            int session = s;
            results.add(pool.submit(() -> {
                try (SmtpLineClient c = new SmtpLineClient(stack.smtpPort())) {
                    c.expect("220");
                    c.send("EHLO load" + session + ".test").expect("250");
                    for (int i = 0; i < perSession; i++) {
                        accepted.add(Mail.send(c, "alice@cassmail.test", "bob@cassmail.test",
                                "Subject: load " + session + "/" + i + "\r\n\r\nbody\r\n"));
                    }
                    c.send("QUIT").expect("221");
                }
                return null;
            }));
        }
        for (Future<?> f : results) {
            f.get(5, TimeUnit.MINUTES);
        }
        pool.shutdown();
        assertThat(accepted).hasSize(sessions * perSession);
        await().atMost(Duration.ofMinutes(3)).until(() -> new HashSet<>(Mail.inbox(stack.mailboxes, "bob@cassmail.test")).containsAll(accepted));
        List<UUID> inbox = Mail.inbox(stack.mailboxes, "bob@cassmail.test");
        assertThat(inbox).doesNotHaveDuplicates();
    }

    @Test
    void angusMailClientSendsThroughTheListener() throws Exception {
        Properties props = new Properties();
        props.put("mail.smtp.host", "127.0.0.1");
        props.put("mail.smtp.port", String.valueOf(stack.smtpPort()));
        props.put("mail.smtp.localhost", "angus.test");
        props.put("mail.smtp.timeout", "30000");
        Session session = Session.getInstance(props);
        MimeMessage msg = new MimeMessage(session);
        String subject = "from angus " + UUID.randomUUID();
        msg.setFrom(new InternetAddress("alice@cassmail.test"));
        msg.setRecipient(Message.RecipientType.TO, new InternetAddress("bob@cassmail.test"));
        msg.setSubject(subject, "UTF-8");
        msg.setText("Grüße aus Angus\n", "UTF-8");
        Transport.send(msg);
        await().atMost(Duration.ofSeconds(30)).until(() -> Mail.inbox(stack.mailboxes, "bob@cassmail.test").stream()
                .map(id -> stack.messages.find(id).map(m -> m.headers().subject()).orElse(""))
                .anyMatch(subject::equals));
    }
}
