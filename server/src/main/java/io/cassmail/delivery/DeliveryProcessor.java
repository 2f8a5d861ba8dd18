package io.cassmail.delivery;

import io.cassmail.mailbox.BodyCollector;
import io.cassmail.queue.DeliveryJob;
import io.cassmail.store.DeliveryLedger;
import io.cassmail.store.DeliveryRecord;
import io.cassmail.store.DeliveryStatus;
import io.cassmail.store.MessageStore;
import io.cassmail.store.StoreUnavailableException;
import io.cassmail.store.StoredMessage;
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
 * first queued, then bounced with 4.4.7; a permanent one is bounced at once. Returns whether a retry is
 * needed; the caller acks only after that outcome is durable (DESIGN.md §3, §4).
 */
public final class DeliveryProcessor {
    private static final Logger log = LoggerFactory.getLogger(DeliveryProcessor.class);

    /** What the worker must do after processing. */
    public enum Outcome { DONE, RETRY }

    private final MessageStore messages;
    private final DeliveryLedger ledger;
    private final DeliveryTransport transport;
    private final BounceSender bounces;
    private final BodyCollector collector;
    private final Duration giveUpAfter;
    private final Clock clock;

    public DeliveryProcessor(MessageStore messages, DeliveryLedger ledger, DeliveryTransport transport,
                             BounceSender bounces, Duration giveUpAfter, Clock clock) {
        this.messages = messages;
        this.ledger = ledger;
        this.transport = transport;
        this.bounces = bounces;
        this.collector = new BodyCollector(ledger, messages);
        this.giveUpAfter = giveUpAfter;
        this.clock = clock;
    }

    public Outcome process(DeliveryJob job) {
        Optional<StoredMessage> found;
        List<DeliveryRecord> pending;
        try {
            found = messages.find(job.messageId());
            if (found.isEmpty()) {
                log.info("message {}: no longer stored (withdrawn or collected); job done", job.messageId());
                return Outcome.DONE;
            }
            pending = ledger.records(job.messageId()).stream().filter(r -> !r.status().isFinal()).toList();
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
        for (RecipientOutcome o : transport.deliver(message, pending)) {
            DeliveryRecord r = byRecipient.get(o.recipient());
            int attempts = r.attempts() + 1;
            RecipientOutcome recorded = record(message, o, attempts);
            switch (recorded.kind()) {
                case DELIVERED -> { }
                case PERMANENT -> failed.add(new Bounce(r.recipient(), recorded.status(), recorded.reply()));
                case TEMPORARY -> {
                    if (expired) {
                        failed.add(new Bounce(r.recipient(), "4.4.7", "delivery time expired after " + attempts
                                + " attempts; last error: " + recorded.reply()));
                        tryUpdate(message, r, DeliveryStatus.BOUNCED, attempts, "4.4.7 " + recorded.reply());
                    } else {
                        retry = true;
                        tryUpdate(message, r, DeliveryStatus.RETRYING, attempts, recorded.reply());
                    }
                }
            }
        }
        if (!failed.isEmpty()) {
            bounces.send(message, failed);
            try {
                collector.collectIfUnreferenced(message.id());
            } catch (StoreUnavailableException e) {
                log.warn("message {}: body not collected yet: {}", message.id(), e.getMessage());
            }
        }
        return retry ? Outcome.RETRY : Outcome.DONE;
    }

    /**
     * Writes a final outcome to the ledger. If that write fails the outcome is not durable, so it turns
     * into a temporary failure: the retry repeats the (idempotent) delivery and writes it again.
     */
    private RecipientOutcome record(StoredMessage message, RecipientOutcome o, int attempts) {
        try {
            switch (o.kind()) {
                case DELIVERED -> ledger.update(message.id(), o.recipient(), DeliveryStatus.DELIVERED, attempts, null);
                case PERMANENT -> ledger.update(message.id(), o.recipient(), DeliveryStatus.BOUNCED, attempts,
                        o.status() + " " + o.reply());
                case TEMPORARY -> { }
            }
            return o;
        } catch (StoreUnavailableException e) {
            return RecipientOutcome.temporary(o.recipient(), "4.3.0", e.getMessage());
        }
    }

    private void tryUpdate(StoredMessage m, DeliveryRecord r, DeliveryStatus status, int attempts, String error) {
        try {
            ledger.update(m.id(), r.recipient(), status, attempts, error);
        } catch (StoreUnavailableException e) {
            log.debug("message {}: could not record {} for {}: {}", m.id(), status, r.recipient(), e.getMessage());
        }
    }

    /** A recipient we gave up on, with the RFC 3463 status and a sentence for the DSN. */
    public record Bounce(String recipient, String status, String diagnostic) {
    }
}
