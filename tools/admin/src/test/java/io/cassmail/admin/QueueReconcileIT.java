package io.cassmail.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.cassmail.app.CassMailServer;
import io.cassmail.app.Role;
import io.cassmail.testing.Mail;
import io.cassmail.testing.MailStack;
import io.cassmail.testing.SmtpLineClient;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * RabbitMQ loses every delivery job (the queue is purged, as with a broker whose data directory is gone):
 * {@code cassmail-admin queue reconcile} finds the accepted messages from Cassandra and republishes their jobs,
 * and every message reaches its mailbox exactly once, even with the jobs republished twice.
 */
class QueueReconcileIT {
    private static final int MESSAGES = 30;
    static MailStack stack;

    @BeforeAll
    static void start() {
        stack = MailStack.create("reconcile").withDomain("cassmail.test").withUser("bob@cassmail.test").start(Role.SMTP);
    }

    @AfterAll
    static void stop() throws Exception {
        stack.close();
    }

    private static String admin(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        for (String s : stack.settings) {
            all.add("--set");
            all.add(s);
        }
        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            assertThat(AdminMain.run(all.toArray(String[]::new))).isZero();
        } finally {
            System.setOut(old);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aPurgedDeliveryQueueIsRecoveredByQueueReconcileWithEveryMessageDeliveredExactlyOnce() throws Exception {
        Set<UUID> accepted = new HashSet<>();
        try (SmtpLineClient c = new SmtpLineClient(stack.smtpPort())) {
            c.expect("220");
            c.send("EHLO client.test").expect("250");
            for (int i = 0; i < MESSAGES; i++) {
                accepted.add(Mail.send(c, "alice@example.org", "bob@cassmail.test", "Subject: lost " + i + "\r\n\r\nx\r\n"));
            }
        }
        try (Connection broker = MailStack.broker(); Channel ch = broker.createChannel()) {
            assertThat(ch.queuePurge(stack.topology.deliveryQueue()).getMessageCount()).isEqualTo(MESSAGES);
        }

        assertThat(admin("queue", "reconcile", "--stale-after", "0s"))
                .contains(MESSAGES + " message(s) examined, " + MESSAGES + " pending, " + MESSAGES + " job(s) republished");
        // a second run before any worker: every job twice in the queue now; idempotent delivery must absorb it
        assertThat(admin("queue", "reconcile", "--stale-after", "0s", "--since", "1h"))
                .contains(MESSAGES + " job(s) republished");

        try (CassMailServer worker = CassMailServer.start(stack.config, Set.of(Role.WORKER))) {
            await().atMost(Duration.ofSeconds(90)).until(() -> inbox().size() >= MESSAGES
                    && admin("queue", "reconcile", "--stale-after", "0s", "--since", "1h").contains(" 0 pending"));
            List<UUID> listed = inbox();
            assertThat(listed).hasSize(MESSAGES);
            assertThat(new HashSet<>(listed)).isEqualTo(accepted);
        }
    }

    private static List<UUID> inbox() {
        return new ArrayList<>(io.cassmail.testing.Mail.inbox(stack.mailboxes, "bob@cassmail.test"));
    }
}
