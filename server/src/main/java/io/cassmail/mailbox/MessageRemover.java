package io.cassmail.mailbox;

import io.cassmail.mail.Addresses;
import io.cassmail.store.DeliveryLedger;
import io.cassmail.store.DeliveryRecord;
import io.cassmail.store.DeliveryStatus;
import io.cassmail.store.MailboxStore;
import io.cassmail.store.MessageStore;
import java.util.UUID;

/**
 * Removes one message from one user's mailbox: the mailbox entry goes, that mailbox's deliveries
 * become EXPUNGED, and the body goes when nothing else keeps it. Idempotent; used by POP3's UPDATE
 * state and by the admin CLI.
 */
public final class MessageRemover {
    private final MailboxStore mailboxes;
    private final DeliveryLedger ledger;
    private final BodyCollector collector;

    public MessageRemover(MailboxStore mailboxes, DeliveryLedger ledger, MessageStore messages) {
        this.mailboxes = mailboxes;
        this.ledger = ledger;
        this.collector = new BodyCollector(ledger, messages);
    }

    public void remove(String address, String mailbox, UUID messageId) {
        String owner = Addresses.normalize(address);
        mailboxes.remove(owner, mailbox, messageId);
        for (DeliveryRecord r : ledger.records(messageId)) {
            if (owner.equals(r.mailbox()) && r.status() == DeliveryStatus.DELIVERED) {
                ledger.update(messageId, r.recipient(), DeliveryStatus.EXPUNGED, r.attempts(), null);
            }
        }
        collector.collectIfUnreferenced(messageId);
    }
}
