package io.cassmail.store;

/** One row of the deliveries table: a recipient, the mailbox owner it lands with, and its outcome. */
public record DeliveryRecord(String recipient, String mailbox, DeliveryStatus status, int attempts, String lastError) {
}
