package io.cassmail.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cassmail.app.Role;
import io.cassmail.testing.Mail;
import io.cassmail.testing.MailStack;
import io.cassmail.testing.SmtpLineClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * RabbitMQ stopped under a running CassMail (rabbitmqctl stop_app): SMTP answers 451 and keeps
 * serving; after start_app it answers 250 again and the workers consume again, without a restart.
 */
class BrokerOutageIT {
    static MailStack stack;

    @BeforeAll
    static void start() {
        stack = MailStack.create("outage").withDomain("cassmail.test").withUser("bob@cassmail.test")
                .start(Role.SMTP, Role.WORKER);
    }

    @AfterAll
    static void stop() throws Exception {
        rabbitmqctl("start_app");
        stack.close();
    }

    static void rabbitmqctl(String command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("rabbitmqctl", command).redirectErrorStream(true);
        pb.environment().put("PATH", System.getenv("PATH") + ":/usr/sbin");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("rabbitmqctl %s: %s", command, out).isZero();
    }

    private String trySend(String subject) throws Exception {
        try (SmtpLineClient c = new SmtpLineClient(stack.smtpPort())) {
            c.expect("220");
            c.send("EHLO client.test").expect("250");
            c.send("MAIL FROM:<alice@example.org>").expect("250");
            c.send("RCPT TO:<bob@cassmail.test>").expect("250");
            c.send("DATA").expect("354");
            c.sendRaw(("Subject: " + subject + "\r\n\r\nbody\r\n.\r\n").getBytes(StandardCharsets.US_ASCII));
            return c.reply();
        }
    }

    @Test
    void brokerDownGives451ThenRecoversWithoutRestart() throws Exception {
        List<UUID> accepted = new ArrayList<>();
        accepted.add(Mail.queuedId(trySend("before")));
        rabbitmqctl("stop_app");
        try {
            assertThat(trySend("during")).startsWith("451 4.3.0");
            assertThat(trySend("during again")).startsWith("451 4.3.0");
        } finally {
            rabbitmqctl("start_app");
        }
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(2)).until(() -> {
            String reply = trySend("after");
            if (reply.startsWith("250")) {
                accepted.add(Mail.queuedId(reply));
                return true;
            }
            return false;
        });
        await().atMost(Duration.ofSeconds(90)).until(() ->
                new HashSet<>(Mail.inbox(stack.mailboxes, "bob@cassmail.test")).containsAll(accepted));
        assertThat(Mail.inbox(stack.mailboxes, "bob@cassmail.test")).hasSize(accepted.size());
    }
}
