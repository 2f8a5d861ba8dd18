package io.cassmail.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cassmail.app.Role;
import io.cassmail.store.DeliveryStatus;
import io.cassmail.testing.Mail;
import io.cassmail.testing.MailStack;
import io.cassmail.testing.ScriptedSmtpPeer;
import io.cassmail.testing.ServerProcess;
import io.cassmail.testing.SmtpLineClient;
import io.cassmail.testing.TestDnsServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CassMail is no reflector: a client with no authentication that asks the MX for a success report (and the whole
 * message back) for a forged remote sender gets the mail delivered and no report sent anywhere, on the real stack
 * (Cassandra, RabbitMQ, the relay lane to a remote server found through DNS).
 */
class DsnReflectionIT {
    @TempDir
    static Path dir;
    private static TestDnsServer dns;
    private static ScriptedSmtpPeer remote;
    private static MailStack stack;

    @BeforeAll
    static void start() throws Exception {
        int port = ServerProcess.freePort();
        remote = new ScriptedSmtpPeer("127.0.0.25", port, ScriptedSmtpPeer.Script.ACCEPT);
        dns = new TestDnsServer().record("victim.test. 300 IN MX 10 mx.victim.test.")
                .record("mx.victim.test. 300 IN A 127.0.0.25");
        stack = MailStack.relaying("DsnReflectionIT", dns, port, dir).withUser("bob@cassmail.test")
                .start(Role.SMTP, Role.WORKER);
    }

    @AfterAll
    static void stop() throws Exception {
        MailStack.closeAll(stack, remote, dns);
    }

    @Test
    void anUnauthenticatedNotifySuccessForAForgedRemoteSenderSendsNoReport() throws Exception {
        UUID id;
        try (SmtpLineClient c = new SmtpLineClient(stack.smtpPort())) {
            c.expect("220");
            c.send("EHLO attacker.test").expect("250");
            c.send("MAIL FROM:<victim@victim.test> RET=FULL").expect("250");
            c.send("RCPT TO:<bob@cassmail.test> NOTIFY=SUCCESS,DELAY").expect("250");
            c.send("DATA").expect("354");
            c.sendRaw(("From: victim@victim.test\r\nSubject: reflect me\r\n\r\n" + "spam ".repeat(2000) + "\r\n.\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            id = Mail.queuedId(c.reply());
        }
        await().atMost(Duration.ofSeconds(30))
                .until(() -> stack.ledger.records(id).get(0).status() == DeliveryStatus.DELIVERED);
        // control: mail that does go to victim.test arrives there, so a report would have too
        try (SmtpLineClient c = SmtpLineClient.submission(stack.port("submission"), "alice@cassmail.test", "secret")) {
            Mail.send(c, "alice@cassmail.test", "someone@victim.test",
                    "From: alice@cassmail.test\r\nSubject: control\r\n\r\nx\r\n");
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> !remote.received().isEmpty());
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                .until(() -> remote.received().size() == 1);
        assertThat(remote.received()).singleElement()
                .satisfies(r -> assertThat(new String(r.data(), StandardCharsets.US_ASCII)).contains("Subject: control"));
        assertThat(stack.messages.find(id).orElseThrow().dsn()).isEqualTo("RET=HDRS");
        assertThat(stack.ledger.records(id).get(0).dsn()).isEqualTo("NOTIFY=NEVER");
    }
}
