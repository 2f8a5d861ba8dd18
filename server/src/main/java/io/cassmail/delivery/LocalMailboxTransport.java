package io.cassmail.delivery;

import io.cassmail.mail.Addresses;
import io.cassmail.mail.MessageIds;
import io.cassmail.mail.ReturnPath;
import io.cassmail.store.DeliveryLedger;
import io.cassmail.store.DeliveryRecord;
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
 * Delivers into local INBOXes. Per recipient, the ledger learns the entry id (status DELIVERING) before the
 * entry is written, so no crash point can leave a listed entry that a later redelivery recreates after
 * the user deleted it: a delete marks DELIVERING as EXPUNGED, and a redelivery that finds its entry listed
 * only confirms it (DESIGN.md §4). A write is only started within half the visibility margin after its
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
        List<RecipientOutcome> outcomes = new ArrayList<>(recipients.size());
        for (DeliveryRecord r : recipients) {
            try {
                outcomes.add(deliverOne(message, r));
            } catch (StoreUnavailableException e) {
                // an earlier attempt took an entry id: its write may have landed, we could not check
                outcomes.add(r.entryId() != null ? RecipientOutcome.uncertain(r.recipient(), "4.3.0", e.getMessage())
                        : RecipientOutcome.temporary(r.recipient(), "4.3.0", e.getMessage()));
            }
        }
        return outcomes;
    }

    private RecipientOutcome deliverOne(StoredMessage message, DeliveryRecord r) {
        if (!deliverable(r)) {
            return RecipientOutcome.permanent(r.recipient(), "5.1.1", "user unknown (the account no longer exists)");
        }
        if (r.entryId() != null) {
            if (mailboxes.isListed(r.mailbox(), MailboxStore.INBOX, r.entryId())) {
                return RecipientOutcome.delivered(r.recipient()); // an earlier attempt wrote it, then died
            }
            // an earlier attempt's write may still land (a timed-out write, a hint): this later delete wins
            mailboxes.cancel(r.mailbox(), MailboxStore.INBOX, r.entryId());
        }
        UUID entryId = MessageIds.next();
        ledger.delivering(message.id(), r.recipient(), entryId);
        if (nowMillis.getAsLong() - MessageIds.unixMillis(entryId) > writeWindowMillis) {
            return RecipientOutcome.temporary(r.recipient(), "4.3.0",
                    "listing took longer than " + writeWindowMillis + " ms to start; will retry with a new entry id");
        }
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

    private boolean deliverable(DeliveryRecord r) {
        // postmaster mail is kept even before anyone created the postmaster account (RFC 5321 §4.5.1)
        return Addresses.localPartOf(r.recipient()).equalsIgnoreCase("postmaster") || accounts.userExists(r.mailbox())
                || (accounts != directory && directory.userExists(r.mailbox()));
    }
}
