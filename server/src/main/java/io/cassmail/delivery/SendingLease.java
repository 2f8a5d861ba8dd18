package io.cassmail.delivery;

import io.cassmail.store.DeliveryLedger;
import io.cassmail.store.DeliveryRecord;
import io.cassmail.store.DeliveryStatus;
import io.cassmail.store.StoreUnavailableException;
import io.cassmail.store.StoredMessage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A timestamped sending lease in the ledger around a transport that sends where a copy cannot be taken back (the
 * relay): before anything is sent each recipient is recorded {@code DELIVERING} with a lease, renewed every third of
 * its length while the transport works. A job that finds a live lease (a reconciler's republished job, or a job the
 * broker handed out again while the first worker still sends) leaves the recipient alone; the reconciler sees the
 * renewals as progress and republishes nothing. A worker that dies stops renewing, and the lease lapses after
 * {@code length}. Not a lock (no LWT, DESIGN.md §5): two workers reading at the same instant can both send, which
 * the lease makes a narrow race instead of the rule.
 */
public final class SendingLease implements DeliveryTransport {
    private static final Logger log = LoggerFactory.getLogger(SendingLease.class);

    private final DeliveryTransport inner;
    private final DeliveryLedger ledger;
    private final Duration length;
    private final Clock clock;
    private final ScheduledExecutorService renewals = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "sending-lease");
        t.setDaemon(true);
        return t;
    });

    public SendingLease(DeliveryTransport inner, DeliveryLedger ledger, Duration length, Clock clock) {
        this.inner = inner;
        this.ledger = ledger;
        this.length = length;
        this.clock = clock;
    }

    @Override
    public String name() {
        return inner.name();
    }

    @Override
    public List<RecipientOutcome> deliver(StoredMessage message, List<DeliveryRecord> recipients) {
        Instant now = clock.instant();
        Map<String, RecipientOutcome> outcomes = new LinkedHashMap<>();
        List<DeliveryRecord> free = new ArrayList<>();
        for (DeliveryRecord r : recipients) {
            if (live(r, now)) {
                outcomes.put(r.recipient(), RecipientOutcome.sendingElsewhere(r.recipient(),
                        "another worker's sending lease is live since " + r.updated()));
            } else {
                free.add(r);
            }
        }
        if (!free.isEmpty()) {
            String note = "sending (lease of " + length.toSeconds() + " s, renewed while the transaction lasts)";
            try {
                take(message, free, note);
            } catch (StoreUnavailableException e) {
                for (DeliveryRecord r : free) {
                    outcomes.put(r.recipient(), RecipientOutcome.temporary(r.recipient(), "4.3.0",
                            "not sent: the sending lease could not be written (" + e.getMessage() + ")"));
                }
                return recipients.stream().map(r -> outcomes.get(r.recipient())).toList();
            }
            long every = Math.max(1, length.toMillis() / 3);
            boolean[] done = {false};
            ScheduledFuture<?> renewal = renewals.scheduleWithFixedDelay(() -> {
                synchronized (done) { // a renewal never lands after the outcome the caller records next
                    if (!done[0]) {
                        try {
                            take(message, free, note);
                        } catch (RuntimeException e) {
                            log.warn("message {}: sending lease not renewed: {}", message.id(), e.getMessage());
                        }
                    }
                }
            }, every, every, TimeUnit.MILLISECONDS);
            try {
                for (RecipientOutcome o : inner.deliver(message, free)) {
                    outcomes.put(o.recipient(), o);
                }
            } finally {
                synchronized (done) {
                    done[0] = true;
                }
                renewal.cancel(false);
            }
        }
        return recipients.stream().map(r -> outcomes.get(r.recipient())).toList();
    }

    private boolean live(DeliveryRecord r, Instant now) {
        return r.status() == DeliveryStatus.DELIVERING && r.updated() != null
                && r.updated().plus(length).isAfter(now);
    }

    private void take(StoredMessage message, List<DeliveryRecord> free, String note) {
        for (DeliveryRecord r : free) {
            ledger.update(message.id(), r.recipient(), DeliveryStatus.DELIVERING, r.attempts(), note);
        }
    }
}
