package io.cassmail.store;

import java.time.Instant;
import java.util.Iterator;
import java.util.UUID;

/**
 * What one read of a mailbox showed, oldest first, in compact arrays (40 bytes an entry, no strings), at
 * most {@code max} entries: the POP3 maildrop and the basis for {@link MailboxStore#expunge}.
 */
public final class MailboxSnapshot {
    private final long[] ids;
    private final long[] sizes;
    private final int count;
    private final boolean complete;
    private final Instant takenAt;

    private MailboxSnapshot(long[] ids, long[] sizes, int count, boolean complete, Instant takenAt) {
        this.ids = ids;
        this.sizes = sizes;
        this.count = count;
        this.complete = complete;
        this.takenAt = takenAt;
    }

    /**
     * Reads at most {@code max} entries from a listing that started at {@code takenAt}; {@code complete}
     * tells whether the listing ended within them.
     */
    public static MailboxSnapshot of(Iterable<MailboxEntry> listing, int max, Instant takenAt) {
        long[] ids = new long[4 * Math.min(max, 1024)];
        long[] sizes = new long[Math.min(max, 1024)];
        int n = 0;
        Iterator<MailboxEntry> it = listing.iterator();
        while (n < max && it.hasNext()) {
            MailboxEntry e = it.next();
            if (n == sizes.length) {
                int grown = (int) Math.min(max, 2L * sizes.length);
                ids = java.util.Arrays.copyOf(ids, 4 * grown);
                sizes = java.util.Arrays.copyOf(sizes, grown);
            }
            ids[4 * n] = e.entryId().getMostSignificantBits();
            ids[4 * n + 1] = e.entryId().getLeastSignificantBits();
            ids[4 * n + 2] = e.messageId().getMostSignificantBits();
            ids[4 * n + 3] = e.messageId().getLeastSignificantBits();
            sizes[n] = e.size();
            n++;
        }
        return new MailboxSnapshot(ids, sizes, n, !it.hasNext(), takenAt);
    }

    public int size() {
        return count;
    }

    /** Whether the mailbox held nothing beyond these entries when read. */
    public boolean complete() {
        return complete;
    }

    /** When the read began: an entry that was not listed by then has an entry id newer than the visibility margin. */
    public Instant takenAt() {
        return takenAt;
    }

    /** 0-based. */
    public UUID entryId(int i) {
        return new UUID(ids[4 * i], ids[4 * i + 1]);
    }

    public UUID messageId(int i) {
        return new UUID(ids[4 * i + 2], ids[4 * i + 3]);
    }

    public long messageSize(int i) {
        return sizes[i];
    }
}
