package io.cassmail.mailbox;

import io.cassmail.store.DeliveryLedger;
import io.cassmail.store.MessageStore;
import java.util.UUID;

/**
 * Removes a body once no recipient's delivery keeps it: no mailbox lists it (status DELIVERED) and no
 * delivery is pending (QUEUED, RETRYING). Statuses only move away from "keeps the body" after the mailbox
 * entry is gone, so a body seen as unreferenced here stays unreferenced.
 */
public final class BodyCollector {
    private final DeliveryLedger ledger;
    private final MessageStore messages;

    public BodyCollector(DeliveryLedger ledger, MessageStore messages) {
        this.ledger = ledger;
        this.messages = messages;
    }

    /** Deletes the body (its ledger rows stay as history) when nothing keeps it; returns whether it did. */
    public boolean collectIfUnreferenced(UUID messageId) {
        boolean kept = ledger.records(messageId).stream().anyMatch(r -> r.status().keepsBody());
        if (kept) {
            return false;
        }
        messages.delete(messageId);
        return true;
    }
}
