package io.cassmail.delivery;

import io.cassmail.queue.DeliveryJob;
import io.cassmail.store.Addresses;
import io.cassmail.store.BodyCollector;
import io.cassmail.store.DeliveryLedger;
import io.cassmail.store.DeliveryRecord;
import io.cassmail.store.DeliveryStatus;
import io.cassmail.store.Directory;
import io.cassmail.store.MailboxEntry;
import io.cassmail.store.MailboxStore;
import io.cassmail.store.MessageStore;
import io.cassmail.store.StoreUnavailableException;
import io.cassmail.store.StoredMessage;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers one job: for each recipient not yet final, lists the message in the recipient's INBOX (an
 * upsert keyed by the message id, so a redelivered job changes nothing) and records the outcome. Returns
 * whether a retry is needed; the caller acks only after that outcome is durable (DESIGN.md §3, §4).
 */
public final class DeliveryProcessor {
    private static final Logger log = LoggerFactory.getLogger(DeliveryProcessor.class);

    /** What the worker must do after processing. */
    public enum Outcome { DONE, RETRY }

    private final MessageStore messages;
    private final MailboxStore mailboxes;
    private final DeliveryLedger ledger;
    private final Directory directory;
    private final BounceSender bounces;
    private final BodyCollector collector;
    private final Duration giveUpAfter;
    private final Clock clock;

    public DeliveryProcessor(MessageStore messages, MailboxStore mailboxes, DeliveryLedger ledger, Directory directory,
                             BounceSender bounces, Duration giveUpAfter, Clock clock) {
        this.messages = messages;
        this.mailboxes = mailboxes;
        this.ledger = ledger;
        this.directory = directory;
        this.bounces = bounces;
        this.collector = new BodyCollector(ledger, messages);
        this.giveUpAfter = giveUpAfter;
        this.clock = clock;
    }

    public Outcome process(DeliveryJob job) {
        Optional<StoredMessage> found;
        List<DeliveryRecord> records;
        try {
            found = messages.find(job.messageId());
            if (found.isEmpty()) {
                log.info("message {}: no longer stored (withdrawn or collected); job done", job.messageId());
                return Outcome.DONE;
            }
            records = ledger.records(job.messageId());
        } catch (StoreUnavailableException e) {
            log.warn("message {}: Cassandra unavailable, will retry: {}", job.messageId(), e.getMessage());
            return Outcome.RETRY;
        }
        StoredMessage message = found.get();
        boolean expired = clock.instant().isAfter(job.firstQueued().plus(giveUpAfter));
        MailboxEntry entry = new MailboxEntry(message.id(), message.size(),
                message.headers().from() != null ? message.headers().from() : message.envelopeFrom(),
                message.headers().subject());
        List<Bounce> failed = new ArrayList<>();
        boolean retry = false;
        for (DeliveryRecord r : records) {
            if (r.status().isFinal()) {
                continue;
            }
            int attempts = r.attempts() + 1;
            try {
                if (!deliverable(r)) {
                    ledger.update(message.id(), r.recipient(), DeliveryStatus.BOUNCED, attempts, "5.1.1 user unknown");
                    failed.add(new Bounce(r.recipient(), "5.1.1", "user unknown (the account no longer exists)"));
                    continue;
                }
                mailboxes.add(r.mailbox(), MailboxStore.INBOX, entry);
                ledger.update(message.id(), r.recipient(), DeliveryStatus.DELIVERED, attempts, null);
            } catch (StoreUnavailableException e) {
                if (expired) {
                    failed.add(new Bounce(r.recipient(), "4.4.7", "delivery time expired after " + attempts
                            + " attempts; last error: " + e.getMessage()));
                    tryUpdate(message, r, DeliveryStatus.BOUNCED, attempts, "4.4.7 " + e.getMessage());
                } else {
                    retry = true;
                    tryUpdate(message, r, DeliveryStatus.RETRYING, attempts, e.getMessage());
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

    private boolean deliverable(DeliveryRecord r) {
        // postmaster mail is kept even before anyone created the postmaster account (RFC 5321 §4.5.1)
        return Addresses.localPartOf(r.recipient()).equalsIgnoreCase("postmaster") || directory.userExists(r.mailbox());
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
