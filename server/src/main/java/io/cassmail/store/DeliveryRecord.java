package io.cassmail.store;

import java.time.Instant;

/**
 * One row of the deliveries table: a recipient, the mailbox owner it lands with, its outcome and when
 * that outcome was last written ({@code updated} is null for a record not yet stored).
 */
public record DeliveryRecord(String recipient, String mailbox, DeliveryStatus status, int attempts, String lastError,
                             Instant updated) {

    /** A recipient as intake records it: queued, no attempt yet. */
    public static DeliveryRecord queued(String recipient, String mailbox) {
        return new DeliveryRecord(recipient, mailbox, DeliveryStatus.QUEUED, 0, null, null);
    }
}
