package io.cassmail.imap;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Parsed headers and MIME structures shared by every IMAP session of a process (bodies never change, so an entry
 * never goes stale), least recently used first out, within a budget of header bytes. A session asking for the
 * envelopes of the newest 50 messages another session showed a moment ago reads nothing from Cassandra.
 */
final class StructureCache {
    /** A parsed message: {@code full} when it holds every part, else the top header only. */
    record Key(UUID messageId, long listedSize) {
    }

    private final long budget;
    private long used;
    private final LinkedHashMap<Key, MimePart> headers = new LinkedHashMap<>(256, 0.75f, true);
    private final LinkedHashMap<Key, MimePart> structures = new LinkedHashMap<>(256, 0.75f, true);

    StructureCache(long budgetBytes) {
        this.budget = budgetBytes;
    }

    synchronized MimePart structure(Key k) {
        return structures.get(k);
    }

    /** The top header: from a full structure when there is one. */
    synchronized MimePart header(Key k) {
        MimePart full = structures.get(k);
        return full != null ? full : headers.get(k);
    }

    synchronized void putStructure(Key k, MimePart p) {
        MimePart old = structures.put(k, p);
        used += cost(p) - (old == null ? 0 : cost(old));
        MimePart h = headers.remove(k);
        used -= h == null ? 0 : cost(h);
        trim();
    }

    synchronized void putHeader(Key k, MimePart p) {
        if (structures.containsKey(k)) {
            return;
        }
        MimePart old = headers.put(k, p);
        used += cost(p) - (old == null ? 0 : cost(old));
        trim();
    }

    private void trim() {
        while (used > budget && !(headers.isEmpty() && structures.isEmpty())) {
            LinkedHashMap<Key, MimePart> from = headers.isEmpty() ? structures : headers;
            Map.Entry<Key, MimePart> eldest = from.entrySet().iterator().next();
            from.remove(eldest.getKey());
            used -= cost(eldest.getValue());
        }
    }

    /** Bytes a parsed message holds: its headers and a little per part. */
    static long cost(MimePart p) {
        long c = 200 + p.header.length;
        for (MimePart child : p.children) {
            c += cost(child);
        }
        if (p.message != null) {
            c += cost(p.message);
        }
        return c;
    }

}
