package io.cassmail.delivery;

import io.cassmail.mail.Addresses;
import io.cassmail.store.DeliveryRecord;
import io.cassmail.store.Directory;
import io.cassmail.store.MailboxEntry;
import io.cassmail.store.MailboxStore;
import io.cassmail.store.StoreUnavailableException;
import io.cassmail.store.StoredMessage;
import java.util.ArrayList;
import java.util.List;

/**
 * Delivers into local INBOXes: lists the message in the recipient's INBOX, an upsert keyed by the message
 * id, so a redelivered job changes nothing (DESIGN.md §4). A recipient whose account is gone fails
 * permanently (5.1.1); Cassandra being unreachable fails temporarily (4.3.0).
 */
public final class LocalMailboxTransport implements DeliveryTransport {
    private final MailboxStore mailboxes;
    private final Directory directory;

    public LocalMailboxTransport(MailboxStore mailboxes, Directory directory) {
        this.mailboxes = mailboxes;
        this.directory = directory;
    }

    @Override
    public List<RecipientOutcome> deliver(StoredMessage message, List<DeliveryRecord> recipients) {
        MailboxEntry entry = new MailboxEntry(message.id(), message.size(),
                message.headers().from() != null ? message.headers().from() : message.envelopeFrom(),
                message.headers().subject());
        List<RecipientOutcome> outcomes = new ArrayList<>(recipients.size());
        for (DeliveryRecord r : recipients) {
            try {
                if (!deliverable(r)) {
                    outcomes.add(RecipientOutcome.permanent(r.recipient(), "5.1.1",
                            "user unknown (the account no longer exists)"));
                    continue;
                }
                mailboxes.add(r.mailbox(), MailboxStore.INBOX, entry);
                outcomes.add(RecipientOutcome.delivered(r.recipient()));
            } catch (StoreUnavailableException e) {
                outcomes.add(RecipientOutcome.temporary(r.recipient(), "4.3.0", e.getMessage()));
            }
        }
        return outcomes;
    }

    private boolean deliverable(DeliveryRecord r) {
        // postmaster mail is kept even before anyone created the postmaster account (RFC 5321 §4.5.1)
        return Addresses.localPartOf(r.recipient()).equalsIgnoreCase("postmaster") || directory.userExists(r.mailbox());
    }
}
