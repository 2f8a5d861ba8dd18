package io.cassmail.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.cassmail.mailbox.FolderNames;
import io.cassmail.mailbox.MailboxWriter;
import io.cassmail.mailbox.Mailboxes;
import io.cassmail.queue.DeliveryJob;
import io.cassmail.store.CachingDirectory;
import io.cassmail.store.DeliveryRecord;
import io.cassmail.store.DeliveryStatus;
import io.cassmail.store.FolderEntry;
import io.cassmail.testing.Mail;
import io.cassmail.testing.MemoryMailSystem;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Local delivery through the account's mailbox writer: every crash point keeps "delivered once, deleted stays
 * deleted", and a copy filed in another folder is not delivered again.
 */
class LocalMailboxTransportTest {
    private final MemoryMailSystem mail = new MemoryMailSystem().withDomain("cassmail.test").withUser("bob@cassmail.test");

    private DeliveryRecord bob(UUID id) {
        return mail.stores.ledger().records(id).get(0);
    }

    /** A transport that lists the message and then "dies" before the worker can record DELIVERED. */
    private DeliveryTransport dyingAfterTheEntry() {
        LocalMailboxTransport local = mail.localTransport();
        return (m, rs) -> {
            List<RecipientOutcome> out = local.deliver(m, rs);
            throw new IllegalStateException("worker killed between the entry and the ledger: " + out);
        };
    }

    private List<Long> inboxUids() {
        return Mail.inboxEntries(mail.mailboxes.reader(), "bob@cassmail.test").stream().map(FolderEntry::uid).toList();
    }

    @Test
    void anOutageIsRetriedAndTheRetryListsTheMessageOnce() throws IOException {
        UUID id = mail.submit("a@example.test", "Subject: x\r\n\r\ny\r\n", "bob@cassmail.test");
        DeliveryJob job = mail.queue.takeDeliveries().get(0);
        mail.stores.folders().unavailable(true);
        assertThat(mail.processor().process(job)).isEqualTo(DeliveryProcessor.Outcome.RETRY);
        assertThat(bob(id).status()).isEqualTo(DeliveryStatus.RETRYING);
        mail.stores.folders().unavailable(false);
        assertThat(mail.processor().process(job.nextAttempt())).isEqualTo(DeliveryProcessor.Outcome.DONE);
        assertThat(mail.inbox("bob@cassmail.test")).containsExactly(id);
        assertThat(bob(id).status()).isEqualTo(DeliveryStatus.DELIVERED);
    }

    /** A message whose first job's worker listed it and died before recording anything; the job is not acked. */
    private Died listedByAWorkerThatDied() throws IOException {
        UUID id = mail.submit("a@example.test", "Subject: x\r\n\r\ny\r\n", "bob@cassmail.test");
        DeliveryJob job = mail.queue.takeDeliveries().get(0);
        try {
            mail.processor(dyingAfterTheEntry()).process(job);
        } catch (IllegalStateException expected) {
            // RabbitMQ redelivers an unacked job
        }
        return new Died(id, job);
    }

    private record Died(UUID messageId, DeliveryJob job) {
    }


    @Test
    void aMessageDeletedAfterAWorkerDiedBetweenTheTwoWritesStaysDeleted() throws IOException {
        Died died = listedByAWorkerThatDied();
        UUID id = died.messageId();
        assertThat(bob(id).status()).as("listed, never recorded as delivered").isEqualTo(DeliveryStatus.QUEUED);
        assertThat(mail.inbox("bob@cassmail.test")).containsExactly(id);
        // the user downloads and deletes it (POP3 DELE + QUIT) before the redelivery arrives
        mail.mailboxes.writer().expunge("bob@cassmail.test", FolderNames.INBOX, inboxUids());
        assertThat(bob(id).status()).isEqualTo(DeliveryStatus.EXPUNGED);
        assertThat(mail.processor().process(died.job())).isEqualTo(DeliveryProcessor.Outcome.DONE);
        assertThat(mail.inbox("bob@cassmail.test")).isEmpty();
        assertThat(mail.stores.messages().find(id)).isEmpty();
    }

    @Test
    void aRedeliveryAfterAWorkerDiedBetweenTheTwoWritesListsNothingAgain() throws IOException {
        Died died = listedByAWorkerThatDied();
        UUID id = died.messageId();
        List<Long> before = inboxUids();
        assertThat(mail.processor().process(died.job())).isEqualTo(DeliveryProcessor.Outcome.DONE);
        assertThat(inboxUids()).isEqualTo(before);
        assertThat(bob(id).status()).isEqualTo(DeliveryStatus.DELIVERED);
        assertThat(mail.mailboxes.reader().usage("bob@cassmail.test").messages()).as("counted once, exactly")
                .isEqualTo(1);
        assertThat(mail.mailboxes.verifier().verify("bob@cassmail.test")).isEmpty();
    }

    @Test
    void aMessageFiledInAnotherFolderBeforeTheRedeliveryIsNotDeliveredAgain() throws IOException {
        Died died = listedByAWorkerThatDied();
        mail.mailboxes.writer().move("bob@cassmail.test", FolderNames.INBOX, inboxUids(), "Archive");
        assertThat(mail.processor().process(died.job())).isEqualTo(DeliveryProcessor.Outcome.DONE);
        assertThat(inboxUids()).isEmpty();
        assertThat(mail.mailboxes.reader().usage("bob@cassmail.test").messages()).isEqualTo(1);
    }

    @Test
    void anAccountAnotherLiveProcessWritesIsDeferredNotBounced() throws IOException {
        Mailboxes other = Mailboxes.on(mail.stores.stores(), new MailboxWriter.Settings("other-process",
                Duration.ofMinutes(5), Duration.ofSeconds(15), Duration.ofDays(1)));
        mail.mailboxes.writer().releaseAll();
        other.writer().open("bob@cassmail.test"); // holds bob's lease; this test has no link to reach it
        UUID id = mail.submit("a@example.test", "Subject: x\r\n\r\ny\r\n", "bob@cassmail.test");
        LocalMailboxTransport impatient = new LocalMailboxTransport(Mailboxes.on(mail.stores.stores(),
                new MailboxWriter.Settings("this-process", Duration.ofSeconds(3), Duration.ZERO, Duration.ofDays(1))
                        .waiting(Duration.ofMillis(500)))
                .writer(), mail.stores.directory());
        assertThat(mail.processor(impatient).process(mail.queue.takeDeliveries().get(0)))
                .isEqualTo(DeliveryProcessor.Outcome.RETRY);
        assertThat(bob(id).status()).isEqualTo(DeliveryStatus.RETRYING);
        assertThat(bob(id).lastError()).contains("another CassMail process writes this mailbox");
    }

    @Test
    void aCachedAccountCostsNoReadAndAnUnknownOneIsReadAfreshBeforeItBounces() throws IOException {
        CachingDirectory cached = new CachingDirectory(mail.stores.directory(), Duration.ofHours(1));
        LocalMailboxTransport local = new LocalMailboxTransport(mail.mailboxes.writer(), cached,
                mail.stores.directory());
        assertThat(cached.userExists("carol@cassmail.test")).as("looked up before the account existed").isFalse();
        mail.stores.directory().addUser("carol@cassmail.test", null); // created elsewhere: the cache does not know
        UUID toCarol = mail.submit("a@example.test", "Subject: x\r\n\r\ny\r\n", "carol@cassmail.test");
        assertThat(mail.processor(local).process(mail.queue.takeDeliveries().get(0)))
                .isEqualTo(DeliveryProcessor.Outcome.DONE);
        assertThat(mail.inbox("carol@cassmail.test")).as("not bounced on the cache's word").containsExactly(toCarol);

        assertThat(cached.userExists("bob@cassmail.test")).isTrue();
        UUID toBob = mail.submit("a@example.test", "Subject: y\r\n\r\nz\r\n", "bob@cassmail.test");
        mail.stores.directory().unavailable(true);
        assertThat(mail.processor(local).process(mail.queue.takeDeliveries().get(0)))
                .as("the cached account needs no directory read").isEqualTo(DeliveryProcessor.Outcome.DONE);
        assertThat(mail.inbox("bob@cassmail.test")).containsExactly(toBob);
    }
}
