package io.cassmail.store;

import java.io.IOException;
import java.util.List;

/**
 * The writes that make an accepted message durable (DESIGN.md §Data flow 1): the body's last chunk, the
 * message row and the recipients' QUEUED ledger rows, after {@link BodyWriter#finishHoldingLast()}.
 */
public interface AcceptedWrites {

    /** Writes them all, as one atomic write where the store allows; throws when any may be missing. */
    void write(BodyWriter body, StoredMessage row, List<DeliveryRecord> queued) throws IOException;

    /** One write after the other: the body, the message row, the ledger batch. */
    static AcceptedWrites separate(MessageStore messages, DeliveryLedger ledger) {
        return (body, row, queued) -> {
            body.finish();
            messages.save(row);
            ledger.recordQueued(row.id(), queued);
        };
    }
}
