package io.cassmail.imap;

import io.cassmail.mailbox.Flags;
import io.cassmail.store.FolderEntry;
import io.cassmail.store.FolderRow;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The selected folder as this session showed it to the client (RFC 9051 §2.3.1): message sequence numbers over
 * UIDs, with each message's flags, MODSEQ, size, date and body id in compact arrays (56 bytes a message). A
 * new listing is compared against it to tell the client what changed, in the order the RFC asks.
 */
final class SelectedFolder {
    final UUID id;
    final boolean readOnly;
    final long uidValidity;
    String name;
    long uidNext;
    long highestModseq;
    private int count;
    private long[] uids = new long[0];
    private long[] flags = new long[0];
    private long[] modseqs = new long[0];
    private long[] sizes = new long[0];
    private long[] dates = new long[0];
    private long[] ids = new long[0];
    private final Map<Long, Set<String>> keywords = new HashMap<>();

    SelectedFolder(FolderRow row, boolean readOnly) {
        this.id = row.id();
        this.name = row.name();
        this.readOnly = readOnly;
        this.uidValidity = row.uidValidity();
    }

    /** What the client must hear after a new listing (RFC 9051 §7.4.1, §7.3.1, §7.5.2), the expunged also by UID. */
    record Changes(List<Integer> expunged, List<Long> expungedUids, int exists, List<Integer> flagsChanged) {
    }

    int count() {
        return count;
    }

    long uid(int msn) {
        return uids[msn - 1];
    }

    long largestUid() {
        return count == 0 ? 0 : uids[count - 1];
    }

    Flags flags(int msn) {
        return new Flags(flags[msn - 1], keywords.getOrDefault(uids[msn - 1], Set.of()));
    }

    long modseq(int msn) {
        return modseqs[msn - 1];
    }

    long size(int msn) {
        return sizes[msn - 1];
    }

    long internalDate(int msn) {
        return dates[msn - 1];
    }

    UUID messageId(int msn) {
        return new UUID(ids[2 * (msn - 1)], ids[2 * (msn - 1) + 1]);
    }

    /** The message sequence number of a UID, or 0. */
    int msn(long uid) {
        int i = Arrays.binarySearch(uids, 0, count, uid);
        return i >= 0 ? i + 1 : 0;
    }

    /** Replaces this view with a listing, returning what changed; with {@code expungeAllowed} false, a listing that lost messages is not taken. */
    Changes update(FolderRow row, List<FolderEntry> listing, boolean expungeAllowed) {
        List<Integer> expunged = new ArrayList<>();
        List<Long> expungedUids = new ArrayList<>();
        int j = 0;
        int shift = 0;
        for (int i = 0; i < count; i++) {
            while (j < listing.size() && listing.get(j).uid() < uids[i]) {
                j++;
            }
            if (j >= listing.size() || listing.get(j).uid() != uids[i]) {
                expunged.add(i + 1 - shift); // the number it has once the ones before are gone
                expungedUids.add(uids[i]);
                shift++;
            }
        }
        if (!expunged.isEmpty() && !expungeAllowed) {
            return null;
        }
        Map<Long, Integer> before = new HashMap<>();
        for (int i = 0; i < count; i++) {
            before.put(uids[i], i);
        }
        long[] oldFlags = flags;
        long[] oldModseqs = modseqs;
        Map<Long, Set<String>> oldKeywords = new HashMap<>(keywords);
        load(listing);
        List<Integer> changed = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Integer was = before.get(uids[i]);
            if (was != null && (oldFlags[was] != flags[i] || oldModseqs[was] != modseqs[i]
                    || !oldKeywords.getOrDefault(uids[i], Set.of()).equals(keywords.getOrDefault(uids[i], Set.of())))) {
                changed.add(i + 1);
            }
        }
        uidNext = row.uidNext();
        highestModseq = row.highestModseq();
        name = row.name();
        return new Changes(expunged, expungedUids, count, changed);
    }

    /** Takes a listing as what the client was shown (SELECT). */
    void load(List<FolderEntry> listing) {
        int n = listing.size();
        uids = new long[n];
        flags = new long[n];
        modseqs = new long[n];
        sizes = new long[n];
        dates = new long[n];
        ids = new long[2 * n];
        keywords.clear();
        for (int i = 0; i < n; i++) {
            FolderEntry e = listing.get(i);
            uids[i] = e.uid();
            flags[i] = e.flags();
            modseqs[i] = e.modseq();
            sizes[i] = e.size();
            dates[i] = e.internalDate() == null ? 0 : e.internalDate().toEpochMilli();
            ids[2 * i] = e.messageId().getMostSignificantBits();
            ids[2 * i + 1] = e.messageId().getLeastSignificantBits();
            if (!e.keywords().isEmpty()) {
                keywords.put(e.uid(), e.keywords());
            }
        }
        count = n;
    }

    /** This session's own STORE: the client hears it from the command, not again as news. */
    void flagsChanged(FolderEntry e) {
        int msn = msn(e.uid());
        if (msn > 0) {
            flags[msn - 1] = e.flags();
            modseqs[msn - 1] = e.modseq();
            if (e.keywords().isEmpty()) {
                keywords.remove(e.uid());
            } else {
                keywords.put(e.uid(), e.keywords());
            }
            highestModseq = Math.max(highestModseq, e.modseq());
        }
    }

    /** This session's own EXPUNGE: removes the UIDs; returns the sequence numbers to announce, in order. */
    List<Integer> expunged(List<Long> removed) {
        List<Integer> result = new ArrayList<>();
        for (long uid : removed.stream().sorted().toList()) {
            int msn = msn(uid);
            if (msn > 0) {
                int i = msn - 1;
                int tail = count - msn;
                System.arraycopy(uids, msn, uids, i, tail);
                System.arraycopy(flags, msn, flags, i, tail);
                System.arraycopy(modseqs, msn, modseqs, i, tail);
                System.arraycopy(sizes, msn, sizes, i, tail);
                System.arraycopy(dates, msn, dates, i, tail);
                System.arraycopy(ids, 2 * msn, ids, 2 * i, 2 * tail);
                keywords.remove(uid);
                count--;
                result.add(msn);
            }
        }
        return result;
    }

    /**
     * The UIDs of {@code known} (all below {@code uidNext} when null) that this view does not list: what QRESYNC
     * reports as VANISHED (RFC 7162 §3.2.5.2; UIDs that never existed may be among them, as the RFC allows), as
     * ranges, without walking the ranges one UID at a time.
     */
    List<long[]> missing(SequenceSet known) {
        // "*" reaches the last UID given out, so "1:*" also covers expunged UIDs above the largest listed one
        List<long[]> wanted = known == null ? List.of(new long[] {1, uidNext - 1}) : known.ranges(uidNext - 1);
        List<long[]> result = new ArrayList<>();
        for (long[] r : wanted) {
            long a = r[0];
            long b = Math.min(r[1], uidNext - 1);
            int i = Arrays.binarySearch(uids, 0, count, a);
            i = i >= 0 ? i : -i - 1;
            long next = a;
            while (next <= b) {
                if (i < count && uids[i] <= b) {
                    if (uids[i] > next) {
                        result.add(new long[] {next, uids[i] - 1});
                    }
                    next = uids[i] + 1;
                    i++;
                } else {
                    result.add(new long[] {next, b});
                    break;
                }
            }
        }
        return result;
    }


    /** Bytes a view of {@code messages} messages holds, for the process's {@code imap.select-memory} budget. */
    static long footprint(long messages) {
        return 56 * Math.max(0, messages) + 256;
    }
}
