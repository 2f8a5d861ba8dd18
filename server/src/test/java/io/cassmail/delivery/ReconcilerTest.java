package io.cassmail.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.cassmail.queue.DeliveryJob;
import io.cassmail.store.DeliveryRecord;
import io.cassmail.store.DeliveryStatus;
import io.cassmail.testing.MemoryMailSystem;
import java.io.IOException;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The reconciler republishes lost jobs, leaves alone what is waiting for its retry, and finds nothing twice. */
class ReconcilerTest {
    private static final Duration STALE = Duration.ofMinutes(15);
    private final MemoryMailSystem mail = new MemoryMailSystem().withDomain("cassmail.test").withUser("bob@cassmail.test");
    private final Reconciler reconciler = new Reconciler(mail.stores.accepted(), mail.stores.ledger(), mail.queue, STALE,
            MemoryMailSystem.GIVE_UP_AFTER, mail.clock);

    @Test
    void aLostJobIsRepublishedOnceStaleAndTheMessageIsDeliveredExactlyOnce() throws IOException {
        UUID id = mail.submit("alice@example.test", "Subject: lost\r\n\r\nx\r\n", "bob@cassmail.test");
        assertThat(mail.queue.takeDeliveries()).hasSize(1); // the broker loses it

        assertThat(reconciler.sweep(null).republished()).isZero(); // not stale yet
        mail.clock.advance(STALE.plusMinutes(2));
        Reconciler.Sweep sweep = reconciler.sweep(null);
        assertThat(sweep.examined()).isEqualTo(1);
        assertThat(sweep.republished()).isEqualTo(1);
        var jobs = mail.queue.takeDeliveries();
        assertThat(jobs).extracting(DeliveryJob::messageId).containsExactly(id);
        jobs.forEach(mail.processor()::process);
        assertThat(mail.inbox("bob@cassmail.test")).containsExactly(id);

        mail.clock.advance(STALE.plusMinutes(2));
        Reconciler.Sweep after = reconciler.sweep(null);
        assertThat(after.pending()).isZero();
        assertThat(after.republished()).isZero();
        assertThat(mail.queue.takeDeliveries()).isEmpty();
    }

    @Test
    void aRecipientWaitingForItsRetryIsLeftAloneUntilTheRetryIsOverdue() throws IOException {
        UUID id = mail.submit("alice@example.test", "Subject: retry\r\n\r\nx\r\n", "bob@cassmail.test");
        mail.queue.takeDeliveries();
        mail.stores.ledger().update(id, "bob@cassmail.test", DeliveryStatus.RETRYING, 2, "4.3.0 try later");
        Duration delay = mail.queue.retryDelay(2); // 5 minutes in the memory system's tiers

        mail.clock.advance(STALE.plusMinutes(2)); // the minute is read, the recipient is not stuck yet
        Reconciler.Sweep waiting = reconciler.sweep(null);
        assertThat(waiting.pending()).isEqualTo(1);
        assertThat(waiting.republished()).isZero();

        // carried forward under the minute of that sweep: read again once that minute is stale, the retry overdue by then
        mail.clock.advance(delay.plusMinutes(2));
        assertThat(reconciler.sweep(null).republished()).isZero();
        mail.clock.advance(STALE);
        assertThat(reconciler.sweep(null).republished()).isEqualTo(1);
        assertThat(mail.queue.takeDeliveries()).singleElement().satisfies(j -> {
            assertThat(j.messageId()).isEqualTo(id);
            assertThat(j.attempt()).isEqualTo(2);
        });
        assertThat(mail.stores.ledger().records(id)).extracting(DeliveryRecord::status)
                .containsExactly(DeliveryStatus.RETRYING);
    }

    @Test
    void aMessageStillPendingPastGiveUpIsCountedOverdue() throws IOException {
        mail.submit("alice@example.test", "Subject: poison\r\n\r\nx\r\n", "bob@cassmail.test");
        mail.queue.takeDeliveries();
        mail.clock.advance(MemoryMailSystem.GIVE_UP_AFTER.plusHours(1));
        Reconciler.Sweep sweep = reconciler.sweep(Duration.ofDays(6));
        assertThat(sweep.republished()).isEqualTo(1);
        assertThat(sweep.overdue()).isEqualTo(1);
    }

    @Test
    void aSweepWithNoStaleMarginCountsAMessageCarriedIntoTheCurrentMinuteOnce() throws IOException {
        UUID id = mail.submit("alice@example.test", "Subject: lost\r\n\r\nx\r\n", "bob@cassmail.test");
        mail.queue.takeDeliveries();
        mail.clock.advance(Duration.ofMinutes(1)); // accepted in the previous minute, carried forward into this one
        Reconciler now = new Reconciler(mail.stores.accepted(), mail.stores.ledger(), mail.queue, Duration.ZERO,
                MemoryMailSystem.GIVE_UP_AFTER, mail.clock);

        for (int run = 0; run < 2; run++) {
            Reconciler.Sweep sweep = now.sweep(Duration.ofHours(1));
            assertThat(sweep.examined()).isEqualTo(1);
            assertThat(sweep.republished()).isEqualTo(1);
            assertThat(mail.queue.takeDeliveries()).extracting(DeliveryJob::messageId).containsExactly(id);
        }
    }

    @Test
    void aRelayTransactionOutlastingStaleAfterIsNotRepublishedWhileItsSendingLeaseIsRenewed() throws Exception {
        Reconciler both = new Reconciler(mail.stores.accepted(), mail.stores.ledger(), mail.queue, mail.relay, STALE,
                MemoryMailSystem.GIVE_UP_AFTER, mail.clock);
        UUID id = mail.intake.submit(new io.cassmail.mail.Envelope("bob@cassmail.test",
                java.util.List.of(io.cassmail.mail.Envelope.Recipient.remote("carol@remote.test")), null, "client.test"),
                "Subject: slow peer\r\n\r\nx\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        DeliveryJob job = mail.relay.takeDeliveries().get(0);
        java.util.concurrent.CountDownLatch sending = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch answered = new java.util.concurrent.CountDownLatch(1);
        DeliveryTransport slowPeer = (message, recipients) -> {
            sending.countDown();
            try {
                answered.await(60, java.util.concurrent.TimeUnit.SECONDS); // the remote server takes its time
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return recipients.stream().map(r -> RecipientOutcome.delivered(r.recipient())).toList();
        };
        DeliveryProcessor relay = new DeliveryProcessor(mail.stores.stores(), new SendingLease(slowPeer, mail.stores.ledger(), Duration.ofMillis(300), mail.clock), mail.bounces,
                MemoryMailSystem.GIVE_UP_AFTER, mail.clock, io.cassmail.metrics.CassMailMetrics.none(),
                DeliveryRecord::isRemote);
        var first = java.util.concurrent.CompletableFuture.supplyAsync(() -> relay.process(job));
        assertThat(sending.await(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        mail.clock.advance(STALE.plusMinutes(2)); // the transaction has lasted longer than stale-after
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() ->
                mail.clock.instant().equals(mail.stores.ledger().records(id).get(0).updated())); // renewed since
        assertThat(both.sweep(null).republished()).as("a live lease is progress").isZero();
        assertThat(mail.relay.takeDeliveries()).isEmpty();
        answered.countDown();
        assertThat(first.get(30, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(DeliveryProcessor.Outcome.DONE);
        assertThat(mail.stores.ledger().records(id)).extracting(DeliveryRecord::status)
                .containsExactly(DeliveryStatus.RELAYED);
    }
}
