package io.cassmail.schema;

import java.util.UUID;

/**
 * The layout rule of {@code mailbox_entries} (schema version 2): an entry lives in the 10-minute bucket of
 * its time-based entry id, so one partition holds at most what one mailbox receives in ten minutes.
 */
public final class MailboxBucket {
    public static final long WIDTH_MILLIS = 10 * 60 * 1000L;
    /** 100 ns intervals from 1582-10-15 (the UUID epoch) to 1970-01-01. */
    private static final long GREGORIAN_TO_UNIX = 0x01B21DD213814000L;

    private MailboxBucket() {
    }

    public static int of(UUID entryId) {
        return of((entryId.timestamp() - GREGORIAN_TO_UNIX) / 10_000);
    }

    public static int of(long unixMillis) {
        return (int) Math.floorDiv(unixMillis, WIDTH_MILLIS);
    }

    /** The first millisecond after the bucket. */
    public static long endMillis(int bucket) {
        return (bucket + 1L) * WIDTH_MILLIS;
    }
}
