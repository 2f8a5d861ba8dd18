package io.cassmail.mailbox;

import io.cassmail.store.FolderEntry;
import java.util.Arrays;
import java.util.Iterator;
import java.util.UUID;

/**
 * What one read of a folder showed, in UID order, in compact arrays (32 bytes an entry, no strings), at most
 * {@code max} entries: the POP3 maildrop.
 */
public final class FolderSnapshot {
    private final long[] uids;
    private final long[] ids;
    private final long[] sizes;
    private final int count;
    private final boolean complete;

    private FolderSnapshot(long[] uids, long[] ids, long[] sizes, int count, boolean complete) {
        this.uids = uids;
        this.ids = ids;
        this.sizes = sizes;
        this.count = count;
        this.complete = complete;
    }

    public static final FolderSnapshot EMPTY = new FolderSnapshot(new long[0], new long[0], new long[0], 0, true);

    /** Reads at most {@code max} entries; {@code complete} tells whether the listing ended within them. */
    public static FolderSnapshot of(Iterable<FolderEntry> listing, int max) {
        int initial = Math.min(max, 1024);
        long[] uids = new long[initial];
        long[] ids = new long[2 * initial];
        long[] sizes = new long[initial];
        int n = 0;
        Iterator<FolderEntry> it = listing.iterator();
        while (n < max && it.hasNext()) {
            FolderEntry e = it.next();
            if (n == uids.length) {
                int grown = (int) Math.min(max, 2L * uids.length);
                uids = Arrays.copyOf(uids, grown);
                ids = Arrays.copyOf(ids, 2 * grown);
                sizes = Arrays.copyOf(sizes, grown);
            }
            uids[n] = e.uid();
            ids[2 * n] = e.messageId().getMostSignificantBits();
            ids[2 * n + 1] = e.messageId().getLeastSignificantBits();
            sizes[n] = e.size();
            n++;
        }
        return new FolderSnapshot(uids, ids, sizes, n, !it.hasNext());
    }

    public int size() {
        return count;
    }

    /** Whether the folder held nothing beyond these entries when read. */
    public boolean complete() {
        return complete;
    }

    /** 0-based. */
    public long uid(int i) {
        return uids[i];
    }

    public UUID messageId(int i) {
        return new UUID(ids[2 * i], ids[2 * i + 1]);
    }

    public long messageSize(int i) {
        return sizes[i];
    }
}
