package io.cassmail.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.cassmail.app.Role;
import io.cassmail.store.DeliveryStatus;
import io.cassmail.store.StoredMessage;
import io.cassmail.testing.Mail;
import io.cassmail.testing.MailStack;
import io.cassmail.testing.ServerProcess;
import io.cassmail.testing.SmtpLineClient;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every message bounces (its recipient's account was removed after acceptance) while two real worker processes
 * share the queue, and one is killed with SIGKILL in the middle. The sender must get a DSN for every message
 * and every recipient must end BOUNCED: the DSN is queued before BOUNCED is recorded, so a kill between the two
 * repeats the bounce instead of losing it.
 */
class BounceCrashIT {
    private static final int MESSAGES = 150;
    static MailStack stack;

    @BeforeAll
    static void start() {
        stack = MailStack.create("bouncecrash", "worker.threads=2", "worker.prefetch=10")
                .withDomain("cassmail.test").withUser("alice@cassmail.test").withUser("carol@cassmail.test")
                .start(Role.SMTP);
    }

    @AfterAll
    static void stop() throws Exception {
        stack.close();
    }

    private long consumers() throws Exception {
        try (Connection c = MailStack.broker(); Channel ch = c.createChannel()) {
            return ch.queueDeclarePassive(stack.topology.deliveryQueue()).getConsumerCount();
        }
    }

    @Test
    void aWorkerKilledWhileBouncingLosesNoBounce() throws Exception {
        Set<UUID> accepted = new HashSet<>();
        try (SmtpLineClient c = new SmtpLineClient(stack.smtpPort())) {
            c.expect("220");
            c.send("EHLO client.test").expect("250");
            for (int i = 0; i < MESSAGES; i++) {
                accepted.add(Mail.send(c, "alice@cassmail.test", "carol@cassmail.test",
                        "Subject: doomed " + i + "\r\n\r\n" + "x".repeat(500) + "\r\n"));
            }
        }
        assertThat(stack.directory.removeUser("carol@cassmail.test")).isTrue();
        try (ServerProcess a = ServerProcess.start("bounce-a", stack.settings, "worker");
             ServerProcess b = ServerProcess.start("bounce-b", stack.settings, "worker")) {
            await().atMost(Duration.ofSeconds(60)).until(() -> consumers() == 4);
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200))
                    .until(() -> Mail.inbox(stack.mailboxes, "alice@cassmail.test").size() >= MESSAGES / 5);
            a.kill();
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).until(() ->
                    accepted.stream().allMatch(id -> stack.ledger.records(id).stream()
                            .allMatch(r -> r.status() == DeliveryStatus.BOUNCED)));
            // the last DSNs may still be on their way to alice
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1)).until(() ->
                    bouncedIds().containsAll(accepted));
        }
        Set<UUID> reported = bouncedIds();
        assertThat(reported).containsAll(accepted);
    }

    /** The original message ids the DSNs in alice's mailbox report (from the Received: id in their header part). */
    private static Set<UUID> bouncedIds() throws Exception {
        Set<UUID> ids = new HashSet<>();
        List<UUID> inbox = Mail.inbox(stack.mailboxes, "alice@cassmail.test");
        for (UUID dsn : inbox) {
            StoredMessage m = stack.messages.find(dsn).orElseThrow();
            String text;
            try (InputStream in = stack.messages.openBody(m)) {
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            var matcher = java.util.regex.Pattern.compile("with E?SMTP id ([0-9a-f-]{36})").matcher(text);
            while (matcher.find()) {
                ids.add(UUID.fromString(matcher.group(1)));
            }
        }
        return ids;
    }
}
