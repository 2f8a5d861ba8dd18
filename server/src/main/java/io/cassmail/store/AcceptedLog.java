package io.cassmail.store;

import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;
import java.util.UUID;

/**
 * Accepted messages by the minute they were accepted (and re-recorded while still pending): where the
 * reconciler finds candidates without scanning the ledger. Rows are written once and expire; nothing is
 * deleted, so this is an index, not a queue.
 */
public interface AcceptedLog {

    /** Records the message under the minute (epoch minutes). */
    void add(long minute, UUID messageId);

    /** The messages recorded under a minute. */
    List<UUID> in(long minute);

    /** The first minute the named reconciler has not finished, if it ever ran. */
    OptionalLong progress(String name);

    void progress(String name, long minute);

    static long minuteOf(Instant t) {
        return Math.floorDiv(t.getEpochSecond(), 60);
    }
}
