package io.cassmail.store.memory;

import io.cassmail.store.StoreUnavailableException;

/**
 * What every memory twin shares: a switch that makes each call fail as Cassandra does when it is
 * unreachable, so unit tests can drive the temporary-failure paths without stopping a real node.
 */
abstract class MemoryStore {
    private volatile boolean unavailable;

    /** From now on every call throws {@link StoreUnavailableException} (or works again with false). */
    public void unavailable(boolean down) {
        this.unavailable = down;
    }

    final void check() {
        if (unavailable) {
            throw new StoreUnavailableException("memory store switched off (simulated outage)", null);
        }
    }
}
