package io.cassmail.delivery;

import io.cassmail.mail.Addresses;
import io.cassmail.mail.MessageIds;
import io.cassmail.mail.ReturnPath;
import io.cassmail.store.DeliveryLedger;
import io.cassmail.store.DeliveryRecord;
import io.cassmail.store.DeliveryStatus;
import io.cassmail.store.Directory;
import io.cassmail.store.MailboxEntry;
import io.cassmail.store.MailboxStore;
import io.cassmail.store.StoreUnavailableException;
import io.cassmail.store.StoredMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.LongSupplier;

/**
 * Delivers into local INBOXes. Per recipient, the ledger knows the entry id before the entry is written, so
 * no crash point can leave a listed entry that a later redelivery recreates after the user deleted it: a
 * delete marks the record EXPUNGED first (DESIGN.md §4). Intake records the id with the QUEUED row, so a
 * first delivery within the write window just writes that entry (an upsert, however often it is repeated). A
 * retry that finds the entry listed only confirms it; past the window it cancels the id and takes a new one
 * (status DELIVERING) before it writes. A write is only started within half the visibility margin after its
 * entry id was taken, which is what lets readers skip removed entries safely (README "Data model").
 * A recipient whose account is gone fails permanently (5.1.1); an unreachable store temporarily (4.3.0).
 * The account check may use a cache (SMTP's, so a message just accepted costs no read), but a recipient is
 * only bounced as unknown after a fresh read agrees.
 */
public final class LocalMailboxTransport implements DeliveryTransport {

    @Override
    public String name() {
        return "local";
    }
    private final MailboxStore mailboxes;
    private final Directory accounts;
    private final Directory directory;
    private final DeliveryLedger ledger;
    private final long writeWindowMillis;
    private final LongSupplier nowMillis;

    public LocalMailboxTransport(MailboxStore mailboxes, Directory directory, DeliveryLedger ledger, Duration margin) {
        this(mailboxes, directory, directory, ledger, margin, System::currentTimeMillis);
    }

    /**
     * @param accounts  where an account is looked up first (a {@code CachingDirectory}: an account removed
     *                  elsewhere may still receive mail until the cache forgets it)
     * @param directory the store itself, asked before a recipient is bounced as unknown
     */
    public LocalMailboxTransport(MailboxStore mailboxes, Directory accounts, Directory directory, DeliveryLedger ledger,
                                 Duration margin) {
        this(mailboxes, accounts, directory, ledger, margin, System::currentTimeMillis);
    }

    /** With a clock of its own, for tests of a worker that stalls between taking an id and writing. */
    LocalMailboxTransport(MailboxStore mailboxes, Directory directory, DeliveryLedger ledger, Duration margin,
                          LongSupplier nowMillis) {
        this(mailboxes, directory, directory, ledger, margin, nowMillis);
    }

    private LocalMailboxTransport(MailboxStore mailboxes, Directory accounts, Directory directory, DeliveryLedger ledger,
                                  Duration margin, LongSupplier nowMillis) {
        this.mailboxes = mailboxes;
        this.accounts = accounts;
        this.directory = directory;
        this.ledger = ledger;
        this.writeWindowMillis = margin.toMillis() / 2;
        this.nowMillis = nowMillis;
    }

    @Override
    public List<RecipientOutcome> deliver(StoredMessage message, List<DeliveryRecord> recipients) {
        return deliver(message, recipients, false);
    }

    @Override
    public List<RecipientOutcome> deliver(StoredMessage message, List<DeliveryRecord> recipients, boolean retry) {
        List<RecipientOutcome> outcomes = new ArrayList<>(recipients.size());
        for (DeliveryRecord r : recipients) {
            try {
                outcomes.add(deliverOne(message, r, retry));
            } catch (StoreUnavailableException e) {
                // the record holds an entry id (intake's or an earlier attempt's): a write under it may have landed
                outcomes.add(r.entryId() != null ? RecipientOutcome.uncertain(r.recipient(), "4.3.0", e.getMessage())
                        : RecipientOutcome.temporary(r.recipient(), "4.3.0", e.getMessage()));
            }
        }
        return outcomes;
    }

    private RecipientOutcome deliverOne(StoredMessage message, DeliveryRecord r, boolean retry) {
        if (!deliverable(r)) {
            return RecipientOutcome.permanent(r.recipient(), "5.1.1", "user unknown (the account no longer exists)");
        }
        UUID entryId = r.entryId();
        boolean fresh = entryId != null && writable(entryId);
        boolean firstTry = !retry && r.status() == DeliveryStatus.QUEUED && r.attempts() == 0;
        if (entryId != null && !(fresh && firstTry) && mailboxes.isListed(r.mailbox(), MailboxStore.INBOX, entryId)) {
            return RecipientOutcome.delivered(r.recipient()); // an earlier attempt wrote it, then died or timed out
        }
        if (!fresh) {
            if (entryId != null) {
                // an earlier attempt's write may still land (a timed-out write, a hint): this later delete wins
                mailboxes.cancel(r.mailbox(), MailboxStore.INBOX, entryId);
            }
            entryId = MessageIds.next();
            ledger.delivering(message.id(), r.recipient(), entryId);
        }
        if (!writable(entryId)) {
            return RecipientOutcome.temporary(r.recipient(), "4.3.0", "listing took longer than " + writeWindowMillis
                    + " ms to start; will retry with a new entry id");
        }
        // Within the window, writing the id the ledger holds is an upsert: an earlier attempt's copy (landed, or
        // landing late) is the same entry, and a delete since then made the record final, so we are not here. A
        // first try skips the isListed read; if a worker died after its write, RabbitMQ's redelivery of the same
        // job counts the entry's usage a second time (drift that `users recount` corrects, README "Quotas and usage").
        try {
            mailboxes.add(r.mailbox(), MailboxStore.INBOX, new MailboxEntry(entryId, message.id(),
                    message.size() + ReturnPath.line(message.envelopeFrom()).length,
                    message.headers().from() != null ? message.headers().from() : message.envelopeFrom(),
                    message.headers().subject()));
        } catch (StoreUnavailableException e) {
            // Cassandra may have applied the write all the same (a write timeout): the next attempt finds out
            return RecipientOutcome.uncertain(r.recipient(), "4.3.0", e.getMessage());
        }
        return RecipientOutcome.delivered(r.recipient());
    }

    /** Whether a write of this entry id may still start: within half the visibility margin of the id's time. */
    private boolean writable(UUID entryId) {
        return nowMillis.getAsLong() - MessageIds.unixMillis(entryId) <= writeWindowMillis;
    }

    private boolean deliverable(DeliveryRecord r) {
        // postmaster mail is kept even before anyone created the postmaster account (RFC 5321 §4.5.1)
        return Addresses.localPartOf(r.recipient()).equalsIgnoreCase("postmaster") || accounts.userExists(r.mailbox())
                || (accounts != directory && directory.userExists(r.mailbox()));
    }
}
