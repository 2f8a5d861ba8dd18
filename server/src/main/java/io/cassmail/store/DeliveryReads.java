package io.cassmail.store;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * How delivery reads a job's message and its recipients' records. Cassandra keeps a copy of the message row in
 * the ledger's partition and answers with one request; elsewhere the two are read one after the other.
 */
public interface DeliveryReads {

    /** The message (empty once it is no longer stored, and then no records are read) and every recipient's record. */
    Delivery read(UUID messageId);

    /** What one read returned. */
    record Delivery(Optional<StoredMessage> message, List<DeliveryRecord> records) {
    }

    /** The message row, then the ledger. */
    static DeliveryReads separate(MessageStore messages, DeliveryLedger ledger) {
        return id -> {
            Optional<StoredMessage> message = messages.find(id);
            return new Delivery(message, message.isPresent() ? ledger.records(id) : List.of());
        };
    }
}
