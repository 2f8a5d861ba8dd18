package io.cassmail.mail;

import java.security.SecureRandom;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Message ids: time-based (version 1) UUIDs, RFC 9562 §5.1, so ids sort by arrival in Cassandra's
 * timeuuid columns and are unique across processes without coordination (DESIGN.md §5). The node and
 * clock sequence are random per process (§6.10); within a process the 100 ns timestamp never repeats.
 */
public final class MessageIds {
    /** 100 ns intervals from the Gregorian reform (1582-10-15) to the Unix epoch. */
    private static final long GREGORIAN_TO_UNIX = 0x01B21DD213814000L;
    private static final long CLOCK_SEQ_AND_NODE = clockSeqAndNode(new SecureRandom());
    private static final AtomicLong LAST = new AtomicLong();

    private MessageIds() {
    }

    /** A new id, later than every id this process made before. */
    public static UUID next() {
        long now = System.currentTimeMillis() * 10_000 + GREGORIAN_TO_UNIX;
        return of(LAST.updateAndGet(last -> Math.max(now, last + 1)));
    }

    /** An id made at {@code unixMillis} by another process (tests of rules that compare ids with clocks). */
    public static UUID at(long unixMillis) {
        return new UUID(of(unixMillis * 10_000 + GREGORIAN_TO_UNIX).getMostSignificantBits(),
                clockSeqAndNode(new SecureRandom()));
    }

    private static UUID of(long ts) {
        long msb = (ts & 0xFFFF_FFFFL) << 32 | ((ts >>> 32) & 0xFFFFL) << 16 | 0x1000L | ((ts >>> 48) & 0x0FFFL);
        return new UUID(msb, CLOCK_SEQ_AND_NODE);
    }

    /** When a time-based id was made, in Unix milliseconds. */
    public static long unixMillis(UUID id) {
        return (id.timestamp() - GREGORIAN_TO_UNIX) / 10_000;
    }

    private static long clockSeqAndNode(SecureRandom random) {
        long clockSeq = random.nextInt(1 << 14);
        long node = random.nextLong() & 0xFFFF_FFFF_FFFFL | 0x0100_0000_0000L; // multicast bit: not a MAC address
        return (0x8000L | clockSeq) << 48 | node;
    }
}
