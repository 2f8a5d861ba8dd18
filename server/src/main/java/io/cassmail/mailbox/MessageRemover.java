package io.cassmail.mailbox;

import io.cassmail.mail.Addresses;
import io.cassmail.store.DeliveryLedger;
import io.cassmail.store.DeliveryRecord;
import io.cassmail.store.DeliveryStatus;
import io.cassmail.store.MailboxEntry;
import io.cassmail.store.MailboxSnapshot;
import io.cassmail.store.MailboxStore;
import io.cassmail.store.MessageStore;
import java.util.BitSet;
import java.util.UUID;

/**
 * Removes messages from one user's mailbox: that owner's deliveries become EXPUNGED first (DELIVERING, and a
 * pending one whose entry is listed, too, so a redelivery in flight cannot list the message again), then the
 * entries go, then each body goes when nothing else keeps it. Idempotent; used by POP3's UPDATE state and by the admin CLI.
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

    /** Removes one entry (the admin CLI's {@code messages delete}). */
    public void remove(String address, String mailbox, MailboxEntry entry) {
        String owner = Addresses.normalize(address);
        expungeDeliveries(owner, entry.messageId(), entry.entryId());
        mailboxes.remove(owner, mailbox, entry.entryId(), entry.size());
        collector.collectIfUnreferenced(entry.messageId());
    }

    /** Removes the entries of a snapshot whose indexes are set (POP3 DELE marks at QUIT, RFC 1939 §6). */
    public void removeAll(String address, String mailbox, MailboxSnapshot snapshot, BitSet removed) {
        String owner = Addresses.normalize(address);
        for (int i = removed.nextSetBit(0); i >= 0; i = removed.nextSetBit(i + 1)) {
            expungeDeliveries(owner, snapshot.messageId(i), snapshot.entryId(i));
        }
        mailboxes.expunge(owner, mailbox, snapshot, removed);
        for (int i = removed.nextSetBit(0); i >= 0; i = removed.nextSetBit(i + 1)) {
            collector.collectIfUnreferenced(snapshot.messageId(i));
        }
    }

    /**
     * Marks the owner's records of the message EXPUNGED: those delivered or being delivered, and the one still
     * pending under this entry's id (a worker listed it and died before recording DELIVERED).
     */
    private void expungeDeliveries(String owner, UUID messageId, UUID entryId) {
        for (DeliveryRecord r : ledger.records(messageId)) {
            boolean listedHere = entryId.equals(r.entryId()) && !r.status().isFinal();
            if (owner.equals(r.mailbox()) && (r.status() == DeliveryStatus.DELIVERED || r.status() == DeliveryStatus.DELIVERING
                    || listedHere)) {
                ledger.update(messageId, r.recipient(), DeliveryStatus.EXPUNGED, r.attempts(), null);
            }
        }
    }
}
