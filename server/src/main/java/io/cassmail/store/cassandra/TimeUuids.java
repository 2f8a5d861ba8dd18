package io.cassmail.store.cassandra;

import java.util.UUID;

/** Time-based UUIDs as Cassandra's timeuuid type orders them: by timestamp, then by the remaining bytes, signed. */
final class TimeUuids {
    private TimeUuids() {
    }

    static int compare(UUID a, UUID b) {
        int byTime = Long.compare(a.timestamp(), b.timestamp());
        return byTime != 0 ? byTime : Long.compare(a.getLeastSignificantBits() ^ 0x8080808080808080L,
                b.getLeastSignificantBits() ^ 0x8080808080808080L);
    }
}
