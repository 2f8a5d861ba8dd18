package io.cassmail.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.cassmail.app.Role;
import io.cassmail.testing.Mail;
import io.cassmail.testing.MailStack;
import io.cassmail.testing.SmtpLineClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The broker takes the delivery queue away from under running workers (deleted by an operator or a policy):
 * the consumers are cancelled, the worker declares the queue again and subscribes again, and mail sent
 * afterwards is delivered. Before, SMTP kept answering 250 while nothing was delivered.
 */
class ConsumerRecoveryIT {
    static MailStack stack;

    @BeforeAll
    static void start() {
        stack = MailStack.create("consumers").withDomain("cassmail.test").withUser("bob@cassmail.test")
                .start(Role.SMTP, Role.WORKER);
    }

    @AfterAll
    static void stop() throws Exception {
        stack.close();
    }

    private static long consumers() throws Exception {
        try (Connection c = MailStack.broker(); Channel ch = c.createChannel()) {
            return ch.queueDeclarePassive(stack.topology.deliveryQueue()).getConsumerCount();
        } catch (java.io.IOException e) {
            return -1; // the queue does not exist (yet)
        }
    }

    @Test
    void aDeletedDeliveryQueueIsDeclaredAgainAndItsConsumersComeBack() throws Exception {
        long before = consumers();
        assertThat(before).isEqualTo(stack.config.delivery().threads());
        try (Connection c = MailStack.broker(); Channel ch = c.createChannel()) {
            ch.queueDelete(stack.topology.deliveryQueue());
        }
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> consumers() == before);

        List<UUID> sent = new ArrayList<>();
        try (SmtpLineClient c = new SmtpLineClient(stack.smtpPort())) {
            c.expect("220");
            c.send("EHLO client.test").expect("250");
            for (int i = 0; i < 5; i++) {
                sent.add(Mail.send(c, "alice@example.org", "bob@cassmail.test", "Subject: after " + i + "\r\n\r\nx\r\n"));
            }
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            List<UUID> listed = new ArrayList<>();
            listed.addAll(Mail.inbox(stack.mailboxes, "bob@cassmail.test"));
            return listed.containsAll(sent);
        });
    }
}
