package io.cassmail.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.cassmail.mailbox.MessageRemover;
import io.cassmail.queue.DeliveryJob;
import io.cassmail.store.CachingDirectory;
import io.cassmail.store.DeliveryRecord;
import io.cassmail.store.DeliveryStatus;
import io.cassmail.store.MailboxSnapshot;
import io.cassmail.store.MailboxStore;
import io.cassmail.testing.MemoryMailSystem;
import java.io.IOException;
import java.time.Duration;
import java.util.BitSet;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The ledger knows the entry id before the entry is written: every crash point keeps "delivered once, deleted stays deleted". */
class LocalMailboxTransportTest {
    private final MemoryMailSystem mail = new MemoryMailSystem().withDomain("cassmail.test").withUser("bob@cassmail.test");
    private final MessageRemover remover = new MessageRemover(mail.stores.mailboxes(), mail.stores.ledger(),
            mail.stores.messages());

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

    @Test
    void theLedgerKnowsTheEntryBeforeTheMailboxListsIt() throws IOException {
        UUID id = mail.submit("a@example.test", "Subject: x\r\n\r\ny\r\n", "bob@cassmail.test");
        DeliveryJob job = mail.queue.takeDeliveries().get(0);
        mail.stores.mailboxes().unavailable(true);
        UUID atIntake = bob(id).entryId();
        assertThat(atIntake).as("recorded with the QUEUED row").isNotNull();
        mail.processor().process(job);
        assertThat(bob(id).status()).isEqualTo(DeliveryStatus.RETRYING);
        assertThat(bob(id).entryId()).as("the failed write's id, still known").isEqualTo(atIntake);
        mail.stores.mailboxes().unavailable(false);
        assertThat(mail.processor().process(job.nextAttempt())).isEqualTo(DeliveryProcessor.Outcome.DONE);
        assertThat(listedIds()).as("within the window the retry writes the same entry: a late copy is no second one")
                .containsExactly(atIntake);
    }

    @Test
    void aFirstDeliveryListsTheMessageUnderTheEntryIdIntakeRecorded() throws IOException {
        UUID id = mail.submit("a@example.test", "Subject: x\r\n\r\ny\r\n", "bob@cassmail.test");
        UUID atIntake = bob(id).entryId();
        assertThat(bob(id).status()).isEqualTo(DeliveryStatus.QUEUED);
        assertThat(mail.processor().process(mail.queue.takeDeliveries().get(0))).isEqualTo(DeliveryProcessor.Outcome.DONE);
        assertThat(listedIds()).containsExactly(atIntake);
        assertThat(bob(id).status()).isEqualTo(DeliveryStatus.DELIVERED);
        assertThat(bob(id).entryId()).as("no DELIVERING write with an id of its own").isEqualTo(atIntake);
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

    private List<UUID> listedIds() {
        MailboxSnapshot s = mail.stores.mailboxes().snapshot("bob@cassmail.test", MailboxStore.INBOX, 100);
        return java.util.stream.IntStream.range(0, s.size()).mapToObj(s::entryId).toList();
    }

    @Test
    void aMessageDeletedAfterAWorkerDiedBetweenTheTwoWritesStaysDeleted() throws IOException {
        Died died = listedByAWorkerThatDied();
        UUID id = died.messageId();
        DeliveryJob job = died.job();
        assertThat(bob(id).status()).as("listed under intake's id, never recorded as delivered")
                .isEqualTo(DeliveryStatus.QUEUED);
        assertThat(mail.inbox("bob@cassmail.test")).containsExactly(id);
        // the user downloads and deletes it (POP3 DELE + QUIT) before the redelivery arrives
        MailboxSnapshot seen = mail.stores.mailboxes().snapshot("bob@cassmail.test", MailboxStore.INBOX, 100);
        BitSet all = new BitSet();
        all.set(0);
        remover.removeAll("bob@cassmail.test", MailboxStore.INBOX, seen, all);
        assertThat(mail.processor().process(job)).isEqualTo(DeliveryProcessor.Outcome.DONE);
        assertThat(mail.inbox("bob@cassmail.test")).isEmpty();
        assertThat(bob(id).status()).isEqualTo(DeliveryStatus.EXPUNGED);
        assertThat(mail.stores.messages().find(id)).isEmpty();
    }

    @Test
    void aRedeliveryAfterAWorkerDiedBetweenTheTwoWritesListsTheSameEntryNotASecondOne() throws IOException {
        Died died = listedByAWorkerThatDied();
        UUID id = died.messageId();
        DeliveryJob job = died.job();
        UUID entry = bob(id).entryId();
        assertThat(mail.processor().process(job)).isEqualTo(DeliveryProcessor.Outcome.DONE);
        assertThat(mail.inbox("bob@cassmail.test")).containsExactly(id);
        assertThat(bob(id).entryId()).isEqualTo(entry);
        assertThat(bob(id).status()).isEqualTo(DeliveryStatus.DELIVERED);
        assertThat(mail.stores.mailboxes().usage("bob@cassmail.test").messages())
                .as("the repeated first write counted twice: drift that users recount corrects").isEqualTo(2);
    }

    @Test
    void aRetryThatFindsItsEntryListedOnlyConfirmsIt() throws IOException {
        Died died = listedByAWorkerThatDied();
        UUID id = died.messageId();
        DeliveryJob job = died.job();
        mail.stores.ledger().update(id, "bob@cassmail.test", DeliveryStatus.RETRYING, 1, "4.3.0 write timed out");
        assertThat(mail.processor().process(job.nextAttempt())).isEqualTo(DeliveryProcessor.Outcome.DONE);
        assertThat(mail.inbox("bob@cassmail.test")).containsExactly(id);
        assertThat(mail.stores.mailboxes().usage("bob@cassmail.test").messages()).isEqualTo(1);
    }

    @Test
    void aWorkerThatStalledBeforeTheWriteRetriesUnderANewEntryId() throws IOException {
        UUID id = mail.submit("a@example.test", "Subject: x\r\n\r\ny\r\n", "bob@cassmail.test");
        DeliveryJob job = mail.queue.takeDeliveries().get(0);
        AtomicLong stall = new AtomicLong(Duration.ofMinutes(2).toMillis());
        LocalMailboxTransport stalling = new LocalMailboxTransport(mail.stores.mailboxes(), mail.stores.directory(),
                mail.stores.ledger(), MemoryMailSystem.MARGIN, () -> System.currentTimeMillis() + stall.get());
        UUID atIntake = bob(id).entryId();
        assertThat(mail.processor(stalling).process(job)).isEqualTo(DeliveryProcessor.Outcome.RETRY);
        UUID stale = bob(id).entryId();
        assertThat(stale).as("intake's id was past the window: a new one").isNotEqualTo(atIntake);
        assertThat(mail.inbox("bob@cassmail.test")).as("nothing written late").isEmpty();
        assertThat(bob(id).lastError()).contains("new entry id");
        stall.set(0);
        assertThat(mail.processor(stalling).process(job.nextAttempt())).isEqualTo(DeliveryProcessor.Outcome.DONE);
        assertThat(mail.inbox("bob@cassmail.test")).containsExactly(id);
        assertThat(listedIds()).as("the new id, taken in time by this clock").containsExactly(stale);
    }

    @Test
    void aCachedAccountCostsNoReadAndAnUnknownOneIsReadAfreshBeforeItBounces() throws IOException {
        CachingDirectory cached = new CachingDirectory(mail.stores.directory(), Duration.ofHours(1));
        LocalMailboxTransport local = new LocalMailboxTransport(mail.stores.mailboxes(), cached,
                mail.stores.directory(), mail.stores.ledger(), MemoryMailSystem.MARGIN);
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
