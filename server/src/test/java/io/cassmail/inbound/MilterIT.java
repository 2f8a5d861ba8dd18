package io.cassmail.inbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cassmail.app.Role;
import io.cassmail.testing.Mail;
import io.cassmail.testing.MailStack;
import io.cassmail.testing.PrivateRspamd;
import io.cassmail.testing.ServerProcess;
import io.cassmail.testing.SmtpLineClient;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The milter protocol against a real rspamd (its proxy in milter mode): GTUBE is refused with rspamd's own reply at
 * the end of DATA, a normal message is stored with rspamd's headers, and once rspamd is stopped the configured
 * default applies: tempfail on one stack, accept on another whose milter was never there.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MilterIT {
    private static final String GTUBE = "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X";
    @TempDir
    static Path dir;
    private static PrivateRspamd rspamd;
    private static MailStack stack;
    private static MailStack lenient;

    @BeforeAll
    static void start() throws Exception {
        rspamd = new PrivateRspamd(dir.resolve("rspamd")).start();
        stack = MailStack.create("MilterIT", "milters=" + rspamd.milter(), "milter.timeout=60s")
                .withDomain("cassmail.test").withUser("bob@cassmail.test").start(Role.SMTP, Role.WORKER);
        lenient = MailStack.create("MilterITLenient", "milters=inet:127.0.0.1:" + ServerProcess.freePort(),
                "milter.default-action=accept", "milter.timeout=5s")
                .withDomain("cassmail.test").withUser("bob@cassmail.test").start(Role.SMTP);
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            MailStack.closeAll(lenient);
        } finally {
            MailStack.closeAll(stack, rspamd);
        }
    }

    @Test
    @Order(1)
    void theGtubeTestStringIsRefusedWithRspamdsReply() throws Exception {
        assertThat(send(stack, "Subject: test\r\n\r\nThis is spam: " + GTUBE + "\r\n"))
                .isEqualTo("554 5.7.1 Gtube pattern");
    }

    @Test
    @Order(2)
    void aNormalMessageIsStoredWithRspamdsHeaders() throws Exception {
        String reply = send(stack, "From: alice@elsewhere.test\r\nSubject: lunch\r\nMessage-ID: <" + UUID.randomUUID()
                + "@elsewhere.test>\r\n\r\nLunch at noon?\r\n");
        assertThat(reply).startsWith("250");
        UUID id = Mail.queuedId(reply);
        await().atMost(Duration.ofSeconds(30)).until(() -> Mail.inbox(stack.mailboxes, "bob@cassmail.test").contains(id));
        var m = stack.messages.find(id).orElseThrow();
        String stored;
        try (InputStream in = stack.messages.openBody(m)) {
            stored = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
        String head = stored.substring(0, stored.indexOf("\r\n\r\n"));
        assertThat(head).contains("\r\nX-Spamd-Result: default: False").contains("\r\nX-Rspamd-Server:")
                .contains("\r\nSubject: lunch").doesNotContain("\n\n").doesNotContainPattern("[^\r]\n");
        assertThat(stored).endsWith("\r\n\r\nLunch at noon?\r\n");
    }

    @Test
    @Order(3)
    void aStoppedMilterTempfailsByDefault() throws Exception {
        rspamd.close();
        assertThat(send(stack, "Subject: later\r\n\r\nhello\r\n")).isEqualTo("451 4.7.1 Service unavailable - try again later");
    }

    @Test
    @Order(4)
    void aMissingMilterIsSkippedWhenTheDefaultIsAccept() throws Exception {
        assertThat(send(lenient, "Subject: anyway\r\n\r\nhello\r\n")).startsWith("250 2.0.0 Ok: queued as");
    }

    private static String send(MailStack on, String data) throws Exception {
        try (SmtpLineClient c = new SmtpLineClient(on.smtpPort())) {
            c.expect("220");
            c.send("EHLO sender.test").expect("250");
            c.send("MAIL FROM:<alice@elsewhere.test>").expect("250");
            c.send("RCPT TO:<bob@cassmail.test>").expect("250");
            String r = c.send("DATA").reply();
            if (!r.startsWith("354")) {
                return r;
            }
            c.sendRaw((data + ".\r\n").getBytes(StandardCharsets.ISO_8859_1));
            return c.reply();
        }
    }
}
