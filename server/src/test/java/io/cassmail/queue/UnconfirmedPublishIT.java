package io.cassmail.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.ConnectionFactory;
import io.cassmail.app.CassMailServer;
import io.cassmail.app.Role;
import io.cassmail.store.DeliveryRecord;
import io.cassmail.store.DeliveryStatus;
import io.cassmail.testing.Mail;
import io.cassmail.testing.MailStack;
import io.cassmail.testing.SmtpLineClient;
import io.cassmail.testing.StallingProxy;
import io.cassmail.testing.TestInfra;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The SMTP process reaches RabbitMQ through a proxy that holds back the broker's replies: the job is published
 * but its confirm never comes within amqp.confirm-timeout. The client must hear 250 (the job may be queued), and
 * the message must be delivered exactly once; before, intake deleted the body and answered 451.
 */
class UnconfirmedPublishIT {
    static StallingProxy proxy;
    static MailStack stack;
    static CassMailServer worker;

    @BeforeAll
    static void start() throws Exception {
        ConnectionFactory direct = BrokerConnection.factory(TestInfra.amqpUri());
        proxy = new StallingProxy(direct.getHost(), direct.getPort());
        String viaProxy = "amqp://" + direct.getUsername() + ":" + direct.getPassword() + "@127.0.0.1:" + proxy.port() + "/";
        stack = MailStack.create("unconfirmed", "amqp.uri=" + viaProxy, "amqp.confirm-timeout=2s")
                .withDomain("cassmail.test").withUser("bob@cassmail.test").start(Role.SMTP);
        List<String> workerSettings = new ArrayList<>(stack.settings);
        workerSettings.add("amqp.uri=" + TestInfra.amqpUri()); // the worker talks to the broker directly
        worker = CassMailServer.start(TestInfra.config(workerSettings), Set.of(Role.WORKER));
    }

    @AfterAll
    static void stop() throws Exception {
        worker.close();
        stack.close();
        proxy.close();
    }

    @Test
    void aConfirmThatNeverComesStillAnswers250AndTheMessageIsDeliveredOnce() throws Exception {
        String reply;
        UUID warmUp;
        try (SmtpLineClient c = new SmtpLineClient(stack.smtpPort())) {
            c.expect("220");
            c.send("EHLO client.test").expect("250");
            // leaves an open confirm channel in the pool, so the stalled publish below is sent and then not confirmed
            // (with no channel at hand, opening one fails first: a definite failure, answered 451 and cleaned up)
            warmUp = Mail.send(c, "alice@example.org", "bob@cassmail.test", "Subject: warm-up\r\n\r\nx\r\n");
            c.send("MAIL FROM:<alice@example.org>").expect("250");
            c.send("RCPT TO:<bob@cassmail.test>").expect("250");
            c.send("DATA").expect("354");
            proxy.stall(true);
            try {
                reply = c.send("Subject: unconfirmed\r\n\r\nx\r\n.").reply();
            } finally {
                proxy.stall(false);
            }
            c.send("QUIT");
        }
        assertThat(reply).startsWith("250 2.0.0 Ok: queued as ");
        UUID id = UUID.fromString(reply.substring(reply.lastIndexOf(' ') + 1));
        await().atMost(Duration.ofSeconds(60)).until(() -> stack.ledger.records(id).stream()
                .allMatch(r -> r.status() == DeliveryStatus.DELIVERED));
        List<UUID> listed = new ArrayList<>();
        listed.addAll(Mail.inbox(stack.mailboxes, "bob@cassmail.test"));
        assertThat(listed).containsExactlyInAnyOrder(warmUp, id);
        assertThat(stack.ledger.records(id)).extracting(DeliveryRecord::status).containsExactly(DeliveryStatus.DELIVERED);
    }
}
