package io.cassmail.mailbox;

import io.cassmail.mail.MessageIds;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one writer epoch of an account listed, so that a delivery of a new message needs no store read to know it
 * is not listed yet. Listings of an account come only from its writer, one epoch at a time, and a message can be
 * listed only after it was accepted; so a message accepted after the epoch began (its time-based id above the
 * {@linkplain #begin horizon}) is listed somewhere in the account exactly when this epoch listed it, which this
 * remembers (docs/design.md, "Delivery stays idempotent"). Older messages, ids that are not time-based and ids
 * from a clock running ahead are left to the store's body references. Bounded per account ({@link #MAX}, and
 * {@link #KEEP_MILLIS}) and per process ({@link #PROCESS_MAX}): what is forgotten moves the horizon up over it.
 * Guarded by the account's monitor.
 */
final class EpochListings {
    private static final Logger log = LoggerFactory.getLogger(EpochListings.class);
    /** Listings remembered per account at most (about 110 bytes each). */
    static final int MAX = 20_000;
    /** Listings remembered by all accounts of this process at most (about 11 MB). */
    static final int PROCESS_MAX = 100_000;
    /** How long a listing is remembered: a delivery later than that is a retry, which may read the store. */
    static final long KEEP_MILLIS = 10 * 60 * 1000;
    private static final AtomicInteger HELD = new AtomicInteger();

    private final Map<UUID, MailboxWriter.Appended> listed = new LinkedHashMap<>();
    /** Unix millis; a message made after this and not in {@link #listed} is listed nowhere in the account. */
    private long horizon = Long.MAX_VALUE;
    /** The clock skew allowed between the host that accepted a message (its id's time) and the writer's. */
    private long skew;
    private boolean skewReported;

    /**
     * A new epoch, taken at {@code takenMillis} by the writer's clock: nothing listed yet, and a horizon
     * {@code skewMillis} after it, the clock skew allowed between CassMail hosts (the lease grace, which the
     * lease rules already ask clocks to keep within).
     */
    void begin(long takenMillis, long skewMillis) {
        clear();
        skew = skewMillis;
        horizon = takenMillis + skewMillis;
        skewReported = false;
    }

    /** The epoch ended (a failed write, a lost or given back lease): nothing is known until the next begins. */
    void forget() {
        clear();
        horizon = Long.MAX_VALUE;
    }

    /** This epoch listed {@code messageId} (its write landed, or is in flight: a failure ends the epoch). */
    void add(UUID messageId, MailboxWriter.Appended where, long nowMillis) {
        if (horizon == Long.MAX_VALUE || messageId.version() != 1) {
            return;
        }
        long made = MessageIds.unixMillis(messageId);
        if (made <= horizon) {
            return; // the store's references answer for it
        }
        if (!listed.containsKey(messageId) && HELD.get() >= PROCESS_MAX) {
            horizon = made; // not remembered, so no longer certain about anything made up to it
            return;
        }
        if (listed.put(messageId, where) == null) {
            HELD.incrementAndGet();
        }
        prune(nowMillis);
    }

    /** Where this epoch listed a message, or null. */
    MailboxWriter.Appended where(UUID messageId) {
        return listed.get(messageId);
    }

    /**
     * Whether the message is certainly listed nowhere in the account: made after the horizon, not listed by this
     * epoch, and not made in the writer's future by more than the allowed skew (then the clocks disagree).
     */
    boolean certainlyUnlisted(UUID messageId, long nowMillis) {
        if (horizon == Long.MAX_VALUE || messageId.version() != 1 || listed.containsKey(messageId)) {
            return false;
        }
        long made = MessageIds.unixMillis(messageId);
        if (made > nowMillis + skew) {
            if (!skewReported) {
                skewReported = true;
                log.warn("message {} was accepted {} s ahead of this writer's clock: the clocks of CassMail hosts "
                        + "differ by more than {} s (run NTP); deliveries of such messages read the store",
                        messageId, (made - nowMillis) / 1000, skew / 1000);
            }
            return false;
        }
        return made > horizon;
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
            HELD.decrementAndGet();
            horizon = Math.max(horizon, made);
        }
    }

    private void clear() {
        HELD.addAndGet(-listed.size());
        listed.clear();
    }

    int size() {
        return listed.size();
    }
}
