package io.cassmail.store;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Who writes an account's folders. Every method is one lightweight transaction (Cassandra) or one locked step
 * (memory): they run when the writer changes and when a writer renews, never per message.
 */
public interface WriterLeases {

    /**
     * Takes the lease with the next epoch when nobody holds it, when its holder's lease ended more than
     * {@code grace} before {@code now}, or when {@code owner} holds it already (a writer starting over after a
     * failed write). Empty when another owner holds it.
     */
    Optional<WriterLease> take(String address, String owner, Instant now, Duration duration, Duration grace);

    /** Extends a lease its owner still holds under the same epoch; false when it is no longer theirs. */
    boolean renew(WriterLease lease, Instant newExpiry);

    /**
     * Gives a lease back by ending it at {@code endedAt} (a time at least the grace in the past, so the next
     * writer takes it at once); false when it is no longer theirs.
     */
    boolean release(WriterLease lease, Instant endedAt);

    /** The current lease row, if any (for operators and tests). */
    Optional<WriterLease> current(String address);
}
