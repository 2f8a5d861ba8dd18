package io.cassmail.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.MessageProperties;
import io.cassmail.app.Role;
import io.cassmail.mail.MessageIds;
import io.cassmail.mailbox.FolderNames;
import io.cassmail.store.FolderEntry;
import io.cassmail.queue.DeliveryJob;
import io.cassmail.store.DeliveryStatus;
import io.cassmail.store.StoredMessage;
import io.cassmail.testing.Mail;
import io.cassmail.testing.MailStack;
import io.cassmail.testing.SmtpLineClient;
import jakarta.mail.Multipart;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.BitSet;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The delivery pipeline against real Cassandra and RabbitMQ: idempotence, retries, parking, bounces. */
class DeliveryIT {
    static MailStack stack;

    @BeforeAll
    static void start() {
        stack = MailStack.create("delivery").withDomain("cassmail.test")
                .withUser("alice@cassmail.test").withUser("bob@cassmail.test");
    }

    @AfterAll
    static void stop() throws Exception {
        stack.close();
    }

    private UUID sendWithSmtpOnly(String from, String to) throws Exception {
        stack.stopServer();
        stack.start(Role.SMTP);
        try (SmtpLineClient c = new SmtpLineClient(stack.smtpPort())) {
            c.expect("220");
            c.send("EHLO client.test").expect("250");
            return Mail.send(c, from, to, "From: " + from + "\r\nSubject: test\r\n\r\nhello\r\n");
        } finally {
            stack.stopServer();
        }
    }

    private long parkedCount() throws Exception {
        try (Connection c = MailStack.broker(); Channel ch = c.createChannel()) {
            return ch.queueDeclarePassive(stack.topology.parkingQueue()).getMessageCount();
        }
    }

    @Test
    void processingTheSameJobTwiceListsTheMessageOnce() throws Exception {
        UUID id = sendWithSmtpOnly("alice@cassmail.test", "bob@cassmail.test");
        DeliveryProcessor processor = new DeliveryProcessor(stack.stores, new LocalMailboxTransport(stack.mailboxes.writer(), stack.directory),
                new BounceSender(null, stack.messages, stack.directory, "mx.cassmail.test"), Duration.ofDays(5),
                Clock.systemUTC());
        DeliveryJob job = DeliveryJob.first(id);
        assertThat(processor.process(job)).isEqualTo(DeliveryProcessor.Outcome.DONE);
        // a redelivery after a lost ack, even with the ledger reset to QUEUED, finds the entry and lists nothing again
        stack.ledger.update(id, "bob@cassmail.test", DeliveryStatus.QUEUED, 1, null);
        assertThat(processor.process(job)).isEqualTo(DeliveryProcessor.Outcome.DONE);
        assertThat(Mail.inbox(stack.mailboxes, "bob@cassmail.test")).containsOnlyOnce(id);
    }

    @Test
    void aMessageDeletedAfterAWorkerDiedBetweenEntryAndLedgerStaysDeleted() throws Exception {
        UUID id = sendWithSmtpOnly("alice@cassmail.test", "bob@cassmail.test");
        LocalMailboxTransport local = new LocalMailboxTransport(stack.mailboxes.writer(), stack.directory);
        DeliveryTransport diesAfterTheEntry = (m, rs) -> {
            local.deliver(m, rs);
            throw new IllegalStateException("worker killed between the mailbox entry and the ledger");
        };
        BounceSender bounces = new BounceSender(null, stack.messages, stack.directory, "mx.cassmail.test");
        DeliveryJob job = DeliveryJob.first(id);
        try {
            new DeliveryProcessor(stack.stores, diesAfterTheEntry, bounces, Duration.ofDays(5),
                    Clock.systemUTC()).process(job);
        } catch (IllegalStateException expected) {
            // not acked: RabbitMQ would redeliver the job
        }
        assertThat(Mail.inbox(stack.mailboxes, "bob@cassmail.test")).contains(id);
        List<Long> mine = Mail.inboxEntries(stack.mailboxes.reader(), "bob@cassmail.test").stream()
                .filter(e -> e.messageId().equals(id)).map(FolderEntry::uid).toList();
        stack.mailboxes.writer().expunge("bob@cassmail.test", FolderNames.INBOX, mine);
        DeliveryProcessor redelivery = new DeliveryProcessor(stack.stores, local, bounces,
                Duration.ofDays(5), Clock.systemUTC());
        assertThat(redelivery.process(job)).isEqualTo(DeliveryProcessor.Outcome.DONE);
        assertThat(Mail.inbox(stack.mailboxes, "bob@cassmail.test")).doesNotContain(id);
        assertThat(stack.ledger.records(id).get(0).status()).isEqualTo(DeliveryStatus.EXPUNGED);
    }

    @Test
    void cassandraFailureIsRetriedAfterTheTierDelayAndAttemptsAreRecorded() throws Exception {
        String createMailboxMessages = stack.session.getMetadata().getKeyspace(stack.config.cassandra().keyspace())
                .orElseThrow().getTable("folder_entries").orElseThrow().describe(false);
        stack.start(Role.SMTP, Role.WORKER);
        stack.session.execute("DROP TABLE folder_entries");
        UUID id;
        try {
            try (SmtpLineClient c = new SmtpLineClient(stack.smtpPort())) {
                c.expect("220");
                c.send("EHLO client.test").expect("250");
                id = Mail.send(c, "alice@cassmail.test", "bob@cassmail.test", "Subject: retry\r\n\r\nhello\r\n");
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> stack.ledger.records(id).stream()
                    .anyMatch(r -> r.status() == DeliveryStatus.RETRYING && r.attempts() >= 2));
        } finally {
            stack.session.execute(createMailboxMessages);
        }
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> Mail.inbox(stack.mailboxes, "bob@cassmail.test").contains(id));
            // the entry is listed a moment before the ledger says DELIVERED (entry first, then the ledger)
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    stack.ledger.records(id).get(0).status() == DeliveryStatus.DELIVERED);
            assertThat(stack.ledger.records(id).get(0).attempts()).isGreaterThanOrEqualTo(3);
        } finally {
            stack.stopServer(); // a failure here must not leave a worker running into the next test
        }
    }

    @Test
    void unparseableJobIsParkedWithItsReason() throws Exception {
        stack.start(Role.WORKER);
        long before = parkedCount();
        try (Connection c = MailStack.broker(); Channel ch = c.createChannel()) {
            ch.confirmSelect();
            ch.basicPublish("", stack.topology.deliveryQueue(), MessageProperties.PERSISTENT_BASIC,
                    "this is not a job".getBytes(StandardCharsets.US_ASCII));
            ch.waitForConfirmsOrDie(10_000);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> parkedCount() > before);
        stack.stopServer();
        GetResponse parked = getParked(r -> new String(r.getBody(), StandardCharsets.US_ASCII).equals("this is not a job"));
        assertThat(parked.getProps().getHeaders().get("x-cassmail-reason").toString()).contains("malformed delivery job");
    }

    @Test
    void jobThatKeepsCrashingWorkersIsParkedByTheDeliveryLimit() throws Exception {
        UUID id = MessageIds.next();
        stack.session.execute("INSERT INTO messages (message_id, envelope_from, size, chunk_count) VALUES (?, '', 0, 0)", id);
        stack.session.execute("INSERT INTO deliveries (message_id, recipient, mailbox, status, attempts) "
                + "VALUES (?, 'bob@cassmail.test', 'bob@cassmail.test', 'NOT-A-STATUS', 0)", id);
        stack.start(Role.WORKER);
        try (Connection c = MailStack.broker(); Channel ch = c.createChannel()) {
            ch.confirmSelect();
            ch.basicPublish("", stack.topology.deliveryQueue(), MessageProperties.PERSISTENT_BASIC, DeliveryJob.first(id).encode());
            ch.waitForConfirmsOrDie(10_000);
        }
        GetResponse parked = null;
        long deadline = System.currentTimeMillis() + 60_000;
        while (parked == null && System.currentTimeMillis() < deadline) {
            Thread.sleep(500);
            stack.stopServer();
            parked = getParkedOrNull(r -> DeliveryJob.decode(r.getBody()).messageId().equals(id));
            if (parked == null) {
                stack.start(Role.WORKER);
            }
        }
        assertThat(parked).as("job parked after the delivery limit").isNotNull();
        assertThat(String.valueOf(parked.getProps().getHeaders().get("x-first-death-reason"))).isEqualTo("delivery_limit");
    }

    @Test
    void bounceToALocalSenderIsAWellFormedDsnAndNullSendersGetNone() throws Exception {
        stack.withUser("carol@cassmail.test").withUser("dave@cassmail.test");
        UUID toCarol = sendWithSmtpOnly("alice@cassmail.test", "carol@cassmail.test");
        UUID fromNull = sendWithSmtpOnly("", "dave@cassmail.test");
        stack.directory.removeUser("carol@cassmail.test");
        stack.directory.removeUser("dave@cassmail.test");
        List<UUID> aliceBefore = Mail.inbox(stack.mailboxes, "alice@cassmail.test");
        stack.start(Role.WORKER);
        await().atMost(Duration.ofSeconds(30)).until(() -> Mail.inbox(stack.mailboxes, "alice@cassmail.test").size() > aliceBefore.size());
        await().atMost(Duration.ofSeconds(30)).until(() -> stack.ledger.records(fromNull).stream()
                .allMatch(r -> r.status() == DeliveryStatus.BOUNCED));
        stack.stopServer();

        UUID dsnId = Mail.inbox(stack.mailboxes, "alice@cassmail.test").stream().filter(i -> !aliceBefore.contains(i))
                .findFirst().orElseThrow();
        StoredMessage dsn = stack.messages.find(dsnId).orElseThrow();
        assertThat(dsn.envelopeFrom()).isEmpty();
        MimeMessage mime;
        try (InputStream in = stack.messages.openBody(dsn)) {
            mime = new MimeMessage(Session.getInstance(new Properties()), in);
        }
        assertThat(mime.getContentType()).contains("multipart/report").contains("report-type=delivery-status");
        Multipart parts = (Multipart) mime.getContent();
        assertThat(parts.getCount()).isEqualTo(3);
        assertThat(parts.getBodyPart(1).getContentType()).startsWith("message/delivery-status");
        String status = new String(parts.getBodyPart(1).getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertThat(status).contains("Reporting-MTA: dns; mx.cassmail.test", "Final-Recipient: rfc822; carol@cassmail.test",
                "Action: failed", "Status: 5.1.1");
        assertThat(parts.getBodyPart(2).getContentType()).startsWith("text/rfc822-headers");
        assertThat(stack.ledger.records(toCarol).get(0).status()).isEqualTo(DeliveryStatus.BOUNCED);
        // nothing keeps the bounced bodies any more: both were collected
        assertThat(stack.messages.find(toCarol)).isEmpty();
        assertThat(stack.messages.find(fromNull)).isEmpty();
        // and no DSN went anywhere for the null sender: the only new message in the keyspace is carol's DSN
        assertThat(stack.session.execute("SELECT message_id FROM messages").all().stream()
                .filter(r -> stack.messages.find(r.getUuid(0)).map(m -> m.envelopeFrom().isEmpty()
                        && "Undelivered Mail Returned to Sender".equals(m.headers().subject())).orElse(false))
                .count()).isEqualTo(1);
    }

    private GetResponse getParked(java.util.function.Predicate<GetResponse> match) throws Exception {
        GetResponse r = getParkedOrNull(match);
        assertThat(r).isNotNull();
        return r;
    }

    private GetResponse getParkedOrNull(java.util.function.Predicate<GetResponse> match) throws Exception {
        try (Connection c = MailStack.broker(); Channel ch = c.createChannel()) {
            GetResponse r;
            GetResponse found = null;
            while ((r = ch.basicGet(stack.topology.parkingQueue(), false)) != null) {
                try {
                    if (found == null && match.test(r)) {
                        found = r;
                    }
                } catch (RuntimeException ignored) {
                    // a parked job of another test
                }
            }
            return found; // closing the channel returns every unacked message to the queue
        }
    }
}
