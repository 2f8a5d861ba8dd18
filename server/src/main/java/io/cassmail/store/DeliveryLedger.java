package io.cassmail.store;

import java.util.List;
import java.util.UUID;

/** Per-recipient outcome of every message; decides when a body may go. */
public interface DeliveryLedger {

    /** Records every recipient as queued, in one single-partition batch. */
    void recordQueued(UUID messageId, List<DeliveryRecord> recipients);

    /** Every recipient of the message, in recipient order; empty when none is recorded. */
    List<DeliveryRecord> records(UUID messageId);

    /** Sets one recipient's status, attempts and last error, and stamps {@code updated}. */
    void update(UUID messageId, String recipient, DeliveryStatus status, int attempts, String lastError);

    /**
     * Records that the recipient's copy is about to be listed under {@code entryId} (status DELIVERING),
     * before the mailbox entry is written, so a redelivery finds the entry and a delete can expunge it.
     */
    void delivering(UUID messageId, String recipient, UUID entryId);

    /** Removes every record of the message. */
    void forget(UUID messageId);
}
