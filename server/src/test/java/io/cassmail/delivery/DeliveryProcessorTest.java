package io.cassmail.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.cassmail.queue.DeliveryJob;
import io.cassmail.store.DeliveryRecord;
import io.cassmail.store.DeliveryStatus;
import io.cassmail.store.StoredMessage;
import io.cassmail.testing.MemoryMailSystem;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The delivery loop on the memory twins: ledger outcomes, retries, give-up, bounces and idempotence. */
class DeliveryProcessorTest {
    private static final String MESSAGE = "From: alice@cassmail.test\r\nSubject: Hi\r\n\r\nhello\r\n";
    private final MemoryMailSystem mail = new MemoryMailSystem().withDomain("cassmail.test");

    @BeforeEach
    void users() {
        mail.withUser("alice@cassmail.test").withUser("bob@cassmail.test").withUser("carol@cassmail.test");
    }

    private DeliveryJob queuedJob() {
        return mail.queue.takeDeliveries().get(0);
    }

    private DeliveryRecord record(UUID id, String recipient) {
        return mail.stores.ledger().records(id).stream().filter(r -> r.recipient().equals(recipient)).findFirst().orElseThrow();
    }

    private String dsnTo(String address) throws IOException {
        List<UUID> inbox = mail.inbox(address);
        StoredMessage dsn = mail.stores.messages().find(inbox.get(inbox.size() - 1)).orElseThrow();
        assertThat(dsn.envelopeFrom()).isEmpty();
        try (InputStream in = mail.stores.messages().openBody(dsn)) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    /** Delivers the bounces intake queued, so they land in INBOXes. */
    private void deliverQueued() {
        for (DeliveryJob j : mail.queue.takeDeliveries()) {
            mail.processor().process(j);
        }
    }

    @Test
    void everyLocalRecipientGetsTheMessageAndTheLedgerSaysDelivered() throws IOException {
        UUID id = mail.submit("alice@cassmail.test", MESSAGE, "bob@cassmail.test", "carol@cassmail.test");
        assertThat(mail.processor().process(queuedJob())).isEqualTo(DeliveryProcessor.Outcome.DONE);
        assertThat(mail.inbox("bob@cassmail.test")).containsExactly(id);
        assertThat(mail.inbox("carol@cassmail.test")).containsExactly(id);
        assertThat(mail.stores.ledger().records(id)).allSatisfy(r -> {
            assertThat(r.status()).isEqualTo(DeliveryStatus.DELIVERED);
            assertThat(r.attempts()).isEqualTo(1);
        });
        assertThat(io.cassmail.testing.Mail.inboxEntries(mail.mailboxes.reader(), "bob@cassmail.test")).singleElement()
                .satisfies(e -> assertThat(e.subject()).isEqualTo("Hi"));
    }

    @Test
    void aRedeliveredJobListsTheMessageOnceEvenIfTheLedgerWasReset() throws IOException {
        UUID id = mail.submit("alice@cassmail.test", MESSAGE, "bob@cassmail.test");
        DeliveryJob job = queuedJob();
        mail.processor().process(job);
        mail.stores.ledger().update(id, "bob@cassmail.test", DeliveryStatus.QUEUED, 1, null);
        assertThat(mail.processor().process(job)).isEqualTo(DeliveryProcessor.Outcome.DONE);
        assertThat(mail.inbox("bob@cassmail.test")).containsExactly(id);
    }

    @Test
    void aMailboxStoreOutageIsRetriedWithTheAttemptCounted() throws IOException {
        UUID id = mail.submit("alice@cassmail.test", MESSAGE, "bob@cassmail.test");
        DeliveryJob job = queuedJob();
        mail.stores.folders().unavailable(true);
        assertThat(mail.processor().process(job)).isEqualTo(DeliveryProcessor.Outcome.RETRY);
        assertThat(mail.processor().process(job.nextAttempt())).isEqualTo(DeliveryProcessor.Outcome.RETRY);
        assertThat(record(id, "bob@cassmail.test")).extracting(DeliveryRecord::status, DeliveryRecord::attempts)
                .containsExactly(DeliveryStatus.RETRYING, 2);
        assertThat(record(id, "bob@cassmail.test").lastError()).contains("simulated outage");
        mail.stores.folders().unavailable(false);
        assertThat(mail.processor().process(job.nextAttempt().nextAttempt())).isEqualTo(DeliveryProcessor.Outcome.DONE);
        assertThat(record(id, "bob@cassmail.test").attempts()).isEqualTo(3);
        assertThat(mail.inbox("bob@cassmail.test")).containsExactly(id);
    }

    @Test
    void aLedgerThatCannotRecordTheDeliveryMakesItRetryNotLost() throws IOException {
        UUID id = mail.submit("alice@cassmail.test", MESSAGE, "bob@cassmail.test");
        DeliveryJob job = queuedJob();
        LocalMailboxTransport local = mail.localTransport();
        DeliveryTransport thenLedgerDies = (m, rs) -> {
            List<RecipientOutcome> out = local.deliver(m, rs);
            mail.stores.ledger().unavailable(true);
            return out;
        };
        assertThat(mail.processor(thenLedgerDies).process(job)).isEqualTo(DeliveryProcessor.Outcome.RETRY);
        mail.stores.ledger().unavailable(false);
        assertThat(record(id, "bob@cassmail.test").status()).as("listed, but never recorded").isEqualTo(DeliveryStatus.QUEUED);
        assertThat(mail.processor().process(job.nextAttempt())).isEqualTo(DeliveryProcessor.Outcome.DONE);
        assertThat(record(id, "bob@cassmail.test").status()).isEqualTo(DeliveryStatus.DELIVERED);
        assertThat(mail.inbox("bob@cassmail.test")).containsExactly(id);
        assertThat(mail.mailboxes.reader().usage("bob@cassmail.test").messages()).as("the retry confirmed, not rewrote")
                .isEqualTo(1);
    }

    @Test
    void afterTheGiveUpTimeATemporaryFailureBouncesWith447AndTheBodyGoes() throws IOException {
        UUID id = mail.submit("alice@cassmail.test", MESSAGE, "bob@cassmail.test");
        DeliveryJob job = queuedJob();
        mail.clock.advance(MemoryMailSystem.GIVE_UP_AFTER.plus(Duration.ofMinutes(1)));
        DeliveryTransport refusing = (m, rs) -> rs.stream()
                .map(r -> RecipientOutcome.temporary(r.recipient(), "4.4.1", "connection refused")).toList();
        assertThat(mail.processor(refusing).process(job)).isEqualTo(DeliveryProcessor.Outcome.DONE);
        assertThat(record(id, "bob@cassmail.test").status()).isEqualTo(DeliveryStatus.BOUNCED);
        assertThat(record(id, "bob@cassmail.test").lastError()).startsWith("4.4.7");
        assertThat(mail.stores.messages().find(id)).isEmpty();
        deliverQueued();
        assertThat(dsnTo("alice@cassmail.test")).contains("Final-Recipient: rfc822; bob@cassmail.test", "Status: 4.4.7",
                "delivery time expired after 1 attempts; last error: connection refused");
    }

    @Test
    void afterTheGiveUpTimeAWriteThatMayHaveLandedIsRetriedNeverBounced() throws IOException {
        UUID id = mail.submit("alice@cassmail.test", MESSAGE, "bob@cassmail.test");
        DeliveryJob job = queuedJob();
        mail.clock.advance(MemoryMailSystem.GIVE_UP_AFTER.plus(Duration.ofMinutes(1)));
        mail.stores.folders().unavailable(true); // the entry write fails: Cassandra might have applied it
        assertThat(mail.processor().process(job)).isEqualTo(DeliveryProcessor.Outcome.RETRY);
        assertThat(record(id, "bob@cassmail.test").status()).isEqualTo(DeliveryStatus.RETRYING);
        mail.stores.folders().unavailable(false);
        assertThat(mail.processor().process(job.nextAttempt())).isEqualTo(DeliveryProcessor.Outcome.DONE);
        assertThat(record(id, "bob@cassmail.test").status()).isEqualTo(DeliveryStatus.DELIVERED);
        assertThat(mail.inbox("bob@cassmail.test")).containsExactly(id);
        assertThat(mail.queue.takeDeliveries()).as("no bounce").isEmpty();
    }

    @Test
    void aBounceThatCannotBeQueuedKeepsTheRecipientPendingUntilItIs() throws IOException {
        UUID id = mail.submit("alice@cassmail.test", MESSAGE, "carol@cassmail.test");
        DeliveryJob job = queuedJob();
        mail.stores.directory().removeUser("carol@cassmail.test");
        mail.queue.refuse(true);
        assertThat(mail.processor().process(job)).isEqualTo(DeliveryProcessor.Outcome.RETRY);
        assertThat(record(id, "carol@cassmail.test").status()).isEqualTo(DeliveryStatus.RETRYING);
        assertThat(mail.stores.messages().find(id)).as("the DSN still needs the original's headers").isPresent();
        mail.queue.refuse(false);
        assertThat(mail.processor().process(job.nextAttempt())).isEqualTo(DeliveryProcessor.Outcome.DONE);
        assertThat(record(id, "carol@cassmail.test").status()).isEqualTo(DeliveryStatus.BOUNCED);
        deliverQueued();
        assertThat(dsnTo("alice@cassmail.test")).contains("Final-Recipient: rfc822; carol@cassmail.test", "Status: 5.1.1");
    }

    @Test
    void aRecipientWhoseAccountIsGoneBouncesAtOnceWith511() throws IOException {
        UUID id = mail.submit("alice@cassmail.test", MESSAGE, "bob@cassmail.test", "carol@cassmail.test");
        mail.stores.directory().removeUser("carol@cassmail.test");
        assertThat(mail.processor().process(queuedJob())).isEqualTo(DeliveryProcessor.Outcome.DONE);
        assertThat(record(id, "carol@cassmail.test")).extracting(DeliveryRecord::status, DeliveryRecord::lastError)
                .containsExactly(DeliveryStatus.BOUNCED, "5.1.1 user unknown (the account no longer exists)");
        assertThat(mail.stores.messages().find(id)).as("bob still lists the body").isPresent();
        deliverQueued();
        String dsn = dsnTo("alice@cassmail.test");
        assertThat(dsn).contains("Final-Recipient: rfc822; carol@cassmail.test", "Status: 5.1.1")
                .doesNotContain("rfc822; bob@cassmail.test");
    }

    @Test
    void aNullSenderGetsNoBounce() throws IOException {
        mail.submit("", MESSAGE, "carol@cassmail.test");
        mail.stores.directory().removeUser("carol@cassmail.test");
        mail.processor().process(queuedJob());
        assertThat(mail.queue.takeDeliveries()).as("no DSN queued").isEmpty();
    }

    @Test
    void postmasterMailIsKeptWithoutAPostmasterAccount() throws IOException {
        UUID id = mail.submit("someone@example.test", MESSAGE, "postmaster@cassmail.test");
        assertThat(mail.processor().process(queuedJob())).isEqualTo(DeliveryProcessor.Outcome.DONE);
        assertThat(mail.inbox("postmaster@cassmail.test")).containsExactly(id);
    }

    @Test
    void aJobForAMessageNoLongerStoredIsDone() throws IOException {
        UUID id = mail.submit("alice@cassmail.test", MESSAGE, "bob@cassmail.test");
        mail.stores.messages().delete(id);
        assertThat(mail.processor().process(queuedJob())).isEqualTo(DeliveryProcessor.Outcome.DONE);
        assertThat(mail.inbox("bob@cassmail.test")).isEmpty();
    }

    @Test
    void eachRecipientsOutcomeFromATransportIsRecordedOnItsOwn() throws IOException {
        UUID id = mail.submit("alice@cassmail.test", MESSAGE, "a@remote.test", "b@remote.test", "c@remote.test");
        DeliveryTransport remote = (m, rs) -> List.of(
                RecipientOutcome.delivered("a@remote.test"),
                RecipientOutcome.temporary("b@remote.test", "4.2.0", "451 4.2.0 try later"),
                RecipientOutcome.permanent("c@remote.test", "5.1.1", "550 5.1.1 no such user"));
        assertThat(mail.processor(remote).process(queuedJob())).isEqualTo(DeliveryProcessor.Outcome.RETRY);
        assertThat(mail.stores.ledger().records(id)).extracting(DeliveryRecord::status, DeliveryRecord::lastError)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(DeliveryStatus.DELIVERED, null),
                        org.assertj.core.groups.Tuple.tuple(DeliveryStatus.RETRYING, "451 4.2.0 try later"),
                        org.assertj.core.groups.Tuple.tuple(DeliveryStatus.BOUNCED, "5.1.1 550 5.1.1 no such user"));
        deliverQueued();
        assertThat(dsnTo("alice@cassmail.test")).contains("Final-Recipient: rfc822; c@remote.test", "550 5.1.1 no such user")
                .doesNotContain("rfc822; b@remote.test");
    }

    @Test
    void finalRecipientsAreNotHandedToTheTransportAgain() throws IOException {
        mail.submit("alice@cassmail.test", MESSAGE, "bob@cassmail.test", "carol@cassmail.test");
        DeliveryJob job = queuedJob();
        mail.processor().process(job);
        List<String> handed = new java.util.ArrayList<>();
        DeliveryTransport spy = (m, rs) -> {
            rs.forEach(r -> handed.add(r.recipient()));
            return List.of();
        };
        assertThat(mail.processor(spy).process(job)).isEqualTo(DeliveryProcessor.Outcome.DONE);
        assertThat(handed).isEmpty();
    }
}
