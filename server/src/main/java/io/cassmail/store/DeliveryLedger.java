package io.cassmail.store;

import java.util.List;
import java.util.UUID;

/** Per-recipient outcome of every message; decides when a body may go. */
public interface DeliveryLedger {

    /** Records every recipient as queued, in one single-partition batch. */
    void recordQueued(UUID messageId, List<DeliveryRecord> recipients);

    List<DeliveryRecord> records(UUID messageId);

    void update(UUID messageId, String recipient, DeliveryStatus status, int attempts, String lastError);

    void forget(UUID messageId);
}
