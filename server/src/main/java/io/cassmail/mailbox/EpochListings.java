package io.cassmail.mailbox;

import io.cassmail.mail.MessageIds;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * What one writer epoch of an account listed, so that a delivery of a new message needs no store read to know it
 * is not listed yet. Listings of an account come only from its writer, one epoch at a time, and a message can be
 * listed only after it was accepted; so a message accepted after the epoch began (its time-based id above the
 * {@linkplain #begin horizon}) is listed somewhere in the account exactly when this epoch listed it, which this
 * remembers (README "Data model", idempotent delivery). Older messages, and ids that are not time-based, are left
 * to the store's body references. Bounded: past {@link #MAX} listings, or for listings older than {@link #KEEP_MILLIS},
 * the oldest are forgotten and the horizon moves up over them. Guarded by the account's monitor.
 */
final class EpochListings {
    /** Listings remembered per account at most (about 100 bytes each). */
    static final int MAX = 20_000;
    /** How long a listing is remembered: a delivery later than that is a retry, which may read the store. */
    static final long KEEP_MILLIS = 10 * 60 * 1000;

    private final Map<UUID, MailboxWriter.Appended> listed = new LinkedHashMap<>();
    /** Unix millis; a message made after this and not in {@link #listed} is listed nowhere in the account. */
    private long horizon = Long.MAX_VALUE;

    /**
     * A new epoch: nothing listed yet, and a horizon of {@code horizonMillis}, which must be no earlier than the
     * moment the epoch began plus the clock skew allowed between the process that accepts a message and this one.
     */
    void begin(long horizonMillis) {
        listed.clear();
        horizon = horizonMillis;
    }

    /** The epoch ended (a failed write, a lost or given back lease): nothing is known until the next begins. */
    void forget() {
        listed.clear();
        horizon = Long.MAX_VALUE;
    }

    /** This epoch listed {@code messageId} (its write landed, or is in flight: a failure ends the epoch). */
    void add(UUID messageId, MailboxWriter.Appended where, long nowMillis) {
        if (horizon == Long.MAX_VALUE || messageId.version() != 1 || MessageIds.unixMillis(messageId) <= horizon) {
            return; // the store's references answer for it
        }
        listed.put(messageId, where);
        prune(nowMillis);
    }

    /** Where this epoch listed a message, or null. */
    MailboxWriter.Appended where(UUID messageId) {
        return listed.get(messageId);
    }

    /** Whether the message is certainly listed nowhere in the account: made after the horizon and not listed by this epoch. */
    boolean certainlyUnlisted(UUID messageId) {
        return horizon != Long.MAX_VALUE && messageId.version() == 1 && MessageIds.unixMillis(messageId) > horizon
                && !listed.containsKey(messageId);
    }

    private void prune(long nowMillis) {
        Iterator<UUID> oldest = listed.keySet().iterator();
        while (oldest.hasNext()) {
            UUID id = oldest.next();
            long made = MessageIds.unixMillis(id);
            if (listed.size() <= MAX && made >= nowMillis - KEEP_MILLIS) {
                return;
            }
            oldest.remove();
            horizon = Math.max(horizon, made);
        }
    }

    int size() {
        return listed.size();
    }
}
