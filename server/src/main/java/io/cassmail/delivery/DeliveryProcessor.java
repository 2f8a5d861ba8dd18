package io.cassmail.delivery;

import io.cassmail.mail.DsnParameters;
import io.cassmail.mail.MessageIds;
import io.cassmail.mailbox.BodyLifetime;
import io.cassmail.metrics.CassMailMetrics;
import io.cassmail.queue.DeliveryJob;
import io.cassmail.store.DeliveryLedger;
import io.cassmail.store.DeliveryReads;
import io.cassmail.store.DeliveryRecord;
import io.cassmail.store.DeliveryStatus;
import io.cassmail.store.MessageStore;
import io.cassmail.store.StoreUnavailableException;
import io.cassmail.store.StoredMessage;
import io.cassmail.store.Stores;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers one job: hands every recipient not yet final to the transport, records each outcome in the
 * ledger, and decides the rest: a temporary failure is retried until {@code giveUpAfter} since the job was
 * first queued, then bounced with 4.4.7 (unless the copy may have landed: then it is retried until that is
 * known); a permanent one is bounced at once. Returns whether a retry is needed; the caller acks only after
 * that outcome is durable (DESIGN.md §3, §4).
 */
public final class DeliveryProcessor {
    private static final Logger log = LoggerFactory.getLogger(DeliveryProcessor.class);

    /** The recipients the local lane delivers: every one that is not remote. */
    public static final java.util.function.Predicate<DeliveryRecord> LOCAL_LANE = r -> !r.isRemote();

    /** What the worker must do after processing. */
    public enum Outcome { DONE, RETRY }

    private final MessageStore messages;
    private final DeliveryLedger ledger;
    private final DeliveryReads reads;
    private final DeliveryTransport transport;
    private final BounceSender bounces;
    private final BodyLifetime collector;
    private final Duration giveUpAfter;
    private final Clock clock;
    private final CassMailMetrics metrics;
    private final java.util.function.Predicate<DeliveryRecord> mine;

    public DeliveryProcessor(Stores stores, DeliveryTransport transport, BounceSender bounces, Duration giveUpAfter,
                             Clock clock) {
        this(stores, transport, bounces, giveUpAfter, clock, CassMailMetrics.none());
    }

    /** @param metrics where each recipient's outcome and the delivery latency are counted */
    public DeliveryProcessor(Stores stores, DeliveryTransport transport, BounceSender bounces, Duration giveUpAfter,
                             Clock clock, CassMailMetrics metrics) {
        this(stores, transport, bounces, giveUpAfter, clock, metrics, LOCAL_LANE);
    }

    /**
     * @param stores where the job's message and records are read (the stores' own way: one request on Cassandra)
     * @param mine   which recipients this processor's lane delivers (local ones, or remote ones for the relay); the
     *               others belong to the other lane's job
     */
    public DeliveryProcessor(Stores stores, DeliveryTransport transport, BounceSender bounces, Duration giveUpAfter,
                             Clock clock, CassMailMetrics metrics, java.util.function.Predicate<DeliveryRecord> mine) {
        MessageStore messages = stores.messages();
        DeliveryLedger ledger = stores.ledger();
        this.reads = stores.reads();
        this.mine = mine;
        this.metrics = metrics;
        this.messages = messages;
        this.ledger = ledger;
        this.transport = transport;
        this.bounces = bounces;
        this.collector = new BodyLifetime(stores.folders(), ledger, messages);
        this.giveUpAfter = giveUpAfter;
        this.clock = clock;
    }

    public Outcome process(DeliveryJob job) {
        Optional<StoredMessage> found;
        List<DeliveryRecord> pending;
        try {
            DeliveryReads.Delivery read = reads.read(job.messageId());
            found = read.message();
            if (found.isEmpty()) {
                log.info("message {}: no longer stored (withdrawn or collected); job done", job.messageId());
                return Outcome.DONE;
            }
            pending = read.records().stream().filter(r -> !r.status().isFinal()).filter(mine).toList();
        } catch (StoreUnavailableException e) {
            log.warn("message {}: Cassandra unavailable, will retry: {}", job.messageId(), e.getMessage());
            return Outcome.RETRY;
        }
        if (pending.isEmpty()) {
            return Outcome.DONE;
        }
        StoredMessage message = found.get();
        boolean expired = clock.instant().isAfter(job.firstQueued().plus(giveUpAfter));
        Map<String, DeliveryRecord> byRecipient = pending.stream()
                .collect(Collectors.toMap(DeliveryRecord::recipient, Function.identity()));
        List<Bounce> failed = new ArrayList<>();
        boolean retry = false;
        boolean relayed = false;
        List<Bounce> successes = new ArrayList<>();
        for (RecipientOutcome o : transport.deliver(message, pending, job.attempt() > 0)) {
            DeliveryRecord r = byRecipient.get(o.recipient());
            int attempts = r.attempts() + 1;
            switch (o.kind()) {
                case DELIVERED -> {
                    relayed |= r.isRemote();
                    if (DsnParameters.notifications(r.dsn()).contains(DsnParameters.Notify.SUCCESS) && !o.dsnPassedOn()) {
                        successes.add(new Bounce(r.recipient(), "2.0.0", r.isRemote() ? "relayed: " + o.reply()
                                : "delivered to the mailbox", attempts, o.remoteMta(), r.dsn()));
                    }
                    // the copy is there: a failed write is retried here, never by a second delivery (for the relay,
                    // a second SMTP transaction and a duplicate at the remote end)
                    retry |= !durableUpdate(message, r, r.isRemote() ? DeliveryStatus.RELAYED : DeliveryStatus.DELIVERED,
                            attempts, r.isRemote() ? o.reply() : null);
                    Duration latency = Duration.ofMillis(clock.millis() - MessageIds.unixMillis(message.id()));
                    metrics.deliveryOutcome(transport.name(), "delivered");
                    metrics.deliveryLatency(transport.name(), latency);
                    log.info("message {}: delivered to {} via {} ({} ms after it was accepted, attempt {})",
                            message.id(), r.recipient(), transport.name(), latency.toMillis(), attempts);
                }
                case ELSEWHERE -> {
                    retry = true;
                    log.info("message {}: {} is being sent by another worker ({}); looked at again later",
                            message.id(), r.recipient(), o.reply());
                }
                case PERMANENT -> failed.add(new Bounce(r.recipient(), o.status(), o.reply(), attempts, o.remoteMta(),
                        r.dsn()));
                case TEMPORARY -> {
                    if (expired && !o.mayHaveLanded()) {
                        failed.add(new Bounce(r.recipient(), "4.4.7", "delivery time expired after " + attempts
                                + " attempts; last error: " + o.reply(), attempts, o.remoteMta(), r.dsn()));
                    } else {
                        retry = true;
                        metrics.deliveryOutcome(transport.name(), "retried");
                        log.info("message {}: {} deferred via {} (attempt {}): {} {}", message.id(), r.recipient(),
                                transport.name(), attempts, o.status(), o.reply());
                        tryUpdate(message, r, DeliveryStatus.RETRYING, attempts, o.reply());
                    }
                }
            }
        }
        if (!successes.isEmpty()) {
            bounces.sendSuccess(message, successes, transport.name().equals("relay"));
        }
        if (!failed.isEmpty()) {
            retry |= !bounce(message, failed);
        } else if (relayed) {
            try {
                collector.collect(message.id());
            } catch (StoreUnavailableException e) {
                log.warn("message {}: body not collected yet: {}", message.id(), e.getMessage());
            }
        }
        return retry ? Outcome.RETRY : Outcome.DONE;
    }

    /**
     * Queues the DSN first and only then records BOUNCED, so a crash or a failed DSN leaves the recipients
     * pending and the retry bounces again: a bounce may in rare cases be sent twice, never lost. Returns
     * whether every failed recipient is now recorded as bounced.
     */
    private boolean bounce(StoredMessage message, List<Bounce> failed) {
        try {
            List<Bounce> notify = failed.stream().filter(Bounce::notifies).toList();
            if (!notify.isEmpty()) {
                bounces.send(message, notify);
            }
            if (notify.size() < failed.size()) {
                log.info("message {}: {} failed recipient(s) asked for no failure DSN (RFC 3461 NOTIFY)", message.id(),
                        failed.size() - notify.size());
            }
        } catch (IOException e) {
            log.warn("message {}: bounce not queued, will retry: {}", message.id(), e.getMessage());
            for (Bounce b : failed) {
                tryUpdate(message.id(), b.recipient(), DeliveryStatus.RETRYING, b.attempts(),
                        b.status() + " " + b.diagnostic() + " (bounce not queued yet)");
            }
            return false;
        }
        boolean all = true;
        for (Bounce b : failed) {
            metrics.deliveryOutcome(transport.name(), "bounced");
            log.info("message {}: {} bounced via {}: {} {}", message.id(), b.recipient(), transport.name(), b.status(),
                    b.diagnostic());
            all &= tryUpdate(message.id(), b.recipient(), DeliveryStatus.BOUNCED, b.attempts(),
                    b.status() + " " + b.diagnostic());
        }
        if (all) {
            try {
                collector.collect(message.id());
            } catch (StoreUnavailableException e) {
                log.warn("message {}: body not collected yet: {}", message.id(), e.getMessage());
            }
        }
        return all;
    }

    /** Pauses between tries of a write that records a delivery that happened (about 7 s in all). */
    private static final long[] DURABLE_PAUSES_MS = {200, 800, 2000, 4000};

    /**
     * Records a delivery that happened, trying the write again a few times before giving up: false only when
     * Cassandra refused every try (then the job is retried, and for a local copy the retry finds it listed).
     */
    private boolean durableUpdate(StoredMessage m, DeliveryRecord r, DeliveryStatus status, int attempts, String error) {
        for (int i = 0; ; i++) {
            if (tryUpdate(m, r, status, attempts, error)) {
                return true;
            }
            if (i == DURABLE_PAUSES_MS.length) {
                log.warn("message {}: {} for {} not recorded after {} tries; the job is retried", m.id(), status,
                        r.recipient(), i + 1);
                return false;
            }
            try {
                Thread.sleep(DURABLE_PAUSES_MS[i]);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    /** Writes one recipient's state; false when Cassandra did not take it (the retry writes it again). */
    private boolean tryUpdate(StoredMessage m, DeliveryRecord r, DeliveryStatus status, int attempts, String error) {
        return tryUpdate(m.id(), r.recipient(), status, attempts, error);
    }

    private boolean tryUpdate(java.util.UUID id, String recipient, DeliveryStatus status, int attempts, String error) {
        try {
            ledger.update(id, recipient, status, attempts, error);
            return true;
        } catch (StoreUnavailableException e) {
            log.debug("message {}: could not record {} for {}: {}", id, status, recipient, e.getMessage());
            return false;
        }
    }

    /** A recipient we gave up on, with the RFC 3463 status, a sentence for the DSN, and its attempt count. */
    public record Bounce(String recipient, String status, String diagnostic, int attempts, String remoteMta, String dsn) {
        public Bounce(String recipient, String status, String diagnostic, int attempts) {
            this(recipient, status, diagnostic, attempts, null, null);
        }

        public Bounce(String recipient, String status, String diagnostic, int attempts, String remoteMta) {
            this(recipient, status, diagnostic, attempts, remoteMta, null);
        }

        /** Whether the sender wants to hear of this failure (RFC 3461 NOTIFY; FAILURE by default). */
        boolean notifies() {
            return DsnParameters.notifications(dsn).contains(DsnParameters.Notify.FAILURE);
        }
    }
}
