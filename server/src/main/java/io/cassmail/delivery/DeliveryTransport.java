package io.cassmail.delivery;

import io.cassmail.store.DeliveryRecord;
import io.cassmail.store.StoredMessage;
import java.util.List;

/**
 * Hands a stored message to where its recipients' mail goes and says, per recipient, how that went.
 * Local mailbox delivery is one transport; remote relay will be another. The caller owns the ledger,
 * the retry schedule and bounces; a transport only reports.
 */
public interface DeliveryTransport {

    /**
     * Delivers to the given recipients (none of them final yet); one outcome per recipient, in order.
     * A transport reports failures as outcomes: it throws only for a bug.
     */
    List<RecipientOutcome> deliver(StoredMessage message, List<DeliveryRecord> recipients);

    /**
     * As {@link #deliver(StoredMessage, List)}, for a job that says whether it is a retry (an earlier attempt of
     * it ended in a failure the ledger may not show).
     */
    default List<RecipientOutcome> deliver(StoredMessage message, List<DeliveryRecord> recipients, boolean retry) {
        return deliver(message, recipients);
    }

    /** The transport's label in metrics and logs. */
    default String name() {
        return "local";
    }
}
