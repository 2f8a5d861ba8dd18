package io.cassmail.store;

import java.time.Instant;
import java.util.UUID;

/**
 * One row of the deliveries table: a recipient, the mailbox owner it lands with, its outcome, the entry id
 * its mailbox copy is listed under (taken at intake for a local recipient; null for a remote one), and when the
 * row was last written (null before it is stored).
 */
public record DeliveryRecord(String recipient, String mailbox, DeliveryStatus status, int attempts, String lastError,
                             UUID entryId, Instant updated, String dsn) {

    /** A record without RFC 3461 NOTIFY/ORCPT ({@code dsn}: {@code KEY=value ...}). */
    public DeliveryRecord(String recipient, String mailbox, DeliveryStatus status, int attempts, String lastError,
                          UUID entryId, Instant updated) {
        this(recipient, mailbox, status, attempts, lastError, entryId, updated, null);
    }

    /** A recipient as intake records it, with the client's NOTIFY/ORCPT (null for none). */
    public static DeliveryRecord queued(String recipient, String mailbox, String dsn) {
        return queued(recipient, mailbox, dsn, null);
    }

    /**
     * A recipient as intake records it, with the entry id its mailbox copy is to be listed under (taken at
     * intake for a local recipient, so the first delivery needs no ledger write of its own; null for a remote one).
     */
    public static DeliveryRecord queued(String recipient, String mailbox, String dsn, UUID entryId) {
        return new DeliveryRecord(recipient, mailbox, DeliveryStatus.QUEUED, 0, null, entryId, null, dsn);
    }

    /** Whether the recipient is at another domain (no local mailbox): the relay lane's. */
    public boolean isRemote() {
        return "".equals(mailbox);
    }

    /** A recipient as intake records it: queued, no attempt yet. */
    public static DeliveryRecord queued(String recipient, String mailbox) {
        return new DeliveryRecord(recipient, mailbox, DeliveryStatus.QUEUED, 0, null, null, null);
    }
}
