package io.cassmail.pop3;

import io.cassmail.store.DeliveryRecord;
import io.cassmail.store.DeliveryStatus;
import io.cassmail.store.MailboxEntry;
import io.cassmail.store.MailboxStore;
import java.util.List;

/**
 * The UPDATE state (RFC 1939 §6): removes each deleted message from the INBOX, marks this mailbox's
 * deliveries EXPUNGED, and lets the body go when nothing else keeps it. Every step is idempotent, so a
 * second session deleting the same message, or a retried QUIT, changes nothing more.
 */
final class MaildropUpdate {
    private final Pop3Services services;

    MaildropUpdate(Pop3Services services) {
        this.services = services;
    }

    int apply(String address, List<MailboxEntry> deleted) {
        for (MailboxEntry e : deleted) {
            services.mailboxes().remove(address, MailboxStore.INBOX, e.messageId());
            for (DeliveryRecord r : services.ledger().records(e.messageId())) {
                if (address.equals(r.mailbox()) && r.status() == DeliveryStatus.DELIVERED) {
                    services.ledger().update(e.messageId(), r.recipient(), DeliveryStatus.EXPUNGED, r.attempts(), null);
                }
            }
            services.collector().collectIfUnreferenced(e.messageId());
        }
        return deleted.size();
    }
}
