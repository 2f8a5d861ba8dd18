package io.cassmail.delivery;

import io.cassmail.mail.Addresses;
import io.cassmail.mail.ReturnPath;
import io.cassmail.mailbox.MailboxException;
import io.cassmail.mailbox.MailboxWriter;
import io.cassmail.mailbox.NewMessage;
import io.cassmail.store.DeliveryRecord;
import io.cassmail.store.Directory;
import io.cassmail.store.StoreUnavailableException;
import io.cassmail.store.StoredMessage;
import java.util.ArrayList;
import java.util.List;

/**
 * Delivers into local INBOXes through the account's mailbox writer, whose delivery is idempotent: a redelivered
 * job whose copy landed (or was filed in another folder since) finds it and lists nothing again (DESIGN.md §4).
 * A recipient whose account is gone fails permanently (5.1.1); an unreachable store, or an account another
 * process is writing right now, temporarily (4.3.0, retried). The account check may use a cache (SMTP's, so a
 * message just accepted costs no read), but a recipient is only bounced as unknown after a fresh read agrees.
 */
public final class LocalMailboxTransport implements DeliveryTransport {
    private final MailboxWriter mailboxes;
    private final Directory accounts;
    private final Directory directory;

    public LocalMailboxTransport(MailboxWriter mailboxes, Directory directory) {
        this(mailboxes, directory, directory);
    }

    /**
     * @param accounts  where an account is looked up first (a {@code CachingDirectory}: an account removed
     *                  elsewhere may still receive mail until the cache forgets it)
     * @param directory the store itself, asked before a recipient is bounced as unknown
     */
    public LocalMailboxTransport(MailboxWriter mailboxes, Directory accounts, Directory directory) {
        this.mailboxes = mailboxes;
        this.accounts = accounts;
        this.directory = directory;
    }

    @Override
    public String name() {
        return "local";
    }

    @Override
    public List<RecipientOutcome> deliver(StoredMessage message, List<DeliveryRecord> recipients) {
        return deliver(message, recipients, false);
    }

    @Override
    public List<RecipientOutcome> deliver(StoredMessage message, List<DeliveryRecord> recipients, boolean retry) {
        List<RecipientOutcome> outcomes = new ArrayList<>(recipients.size());
        NewMessage listed = new NewMessage(message.id(), message.size() + ReturnPath.line(message.envelopeFrom()).length,
                message.received(), message.headers().from() != null ? message.headers().from() : message.envelopeFrom(),
                message.headers().subject());
        for (DeliveryRecord r : recipients) {
            if (!deliverable(r)) {
                outcomes.add(RecipientOutcome.permanent(r.recipient(), "5.1.1",
                        "user unknown (the account no longer exists)"));
                continue;
            }
            try {
                if (message.folder() == null) {
                    mailboxes.deliver(r.mailbox(), listed);
                } else {
                    mailboxes.deliver(r.mailbox(), listed, message.folder());
                }
                outcomes.add(RecipientOutcome.delivered(r.recipient()));
            } catch (MailboxException e) {
                outcomes.add(RecipientOutcome.temporary(r.recipient(), "4.3.0", e.getMessage()));
            } catch (StoreUnavailableException e) {
                // the batch may have landed: the retry's delivery finds it and lists nothing twice
                outcomes.add(RecipientOutcome.uncertain(r.recipient(), "4.3.0", e.getMessage()));
            }
        }
        return outcomes;
    }

    private boolean deliverable(DeliveryRecord r) {
        // postmaster mail is kept even before anyone created the postmaster account (RFC 5321 §4.5.1)
        return Addresses.localPartOf(r.recipient()).equalsIgnoreCase("postmaster") || accounts.userExists(r.mailbox())
                || (accounts != directory && directory.userExists(r.mailbox()));
    }
}
