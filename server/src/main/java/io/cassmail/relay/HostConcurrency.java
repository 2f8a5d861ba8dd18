package io.cassmail.relay;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * How many transactions may run at once to one MX host (by host, not by recipient domain: many domains share a
 * provider's MX). A host starts at one and earns one more slot with each transaction it completes, up to the
 * maximum; a transaction that times out or breaks drops it back to one (slow start and back-off, as Postfix's
 * destination concurrency feedback does). So a host that stalls holds one relay thread, not the maximum, and the
 * other threads keep serving other destinations. Hosts idle for {@link #FORGET_AFTER} are forgotten.
 */
final class HostConcurrency {
    static final Duration FORGET_AFTER = Duration.ofMinutes(10);

    private final int max;
    private final Map<String, Host> hosts = new HashMap<>();
    private long lastSweep = System.nanoTime();

    private static final class Host {
        int limit = 1;
        int active;
        long idleSince = System.nanoTime();
    }

    HostConcurrency(int max) {
        this.max = max;
    }

    /** A slot for one transaction to {@code host}, waiting at most {@code wait}; null when none came free in time. */
    synchronized Slot acquire(String host, Duration wait) throws InterruptedException {
        sweep();
        Host h = hosts.computeIfAbsent(host, k -> new Host());
        long deadline = System.nanoTime() + wait.toNanos();
        while (h.active >= h.limit) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            wait(Math.max(1, left / 1_000_000));
            h = hosts.computeIfAbsent(host, k -> new Host());
        }
        h.active++;
        return new Slot(host);
    }

    /** The current limit for {@code host} (1 for one never seen). */
    synchronized int limit(String host) {
        Host h = hosts.get(host);
        return h == null ? 1 : h.limit;
    }

    /** Transactions in progress to all hosts. */
    synchronized int active() {
        return hosts.values().stream().mapToInt(h -> h.active).sum();
    }

    private synchronized void release(String host, boolean completed) {
        Host h = hosts.get(host);
        h.active--;
        h.limit = completed ? Math.min(max, h.limit + 1) : 1;
        if (h.active == 0) {
            h.idleSince = System.nanoTime();
        }
        notifyAll();
    }

    private void sweep() {
        long now = System.nanoTime();
        if (now - lastSweep < 60_000_000_000L) {
            return;
        }
        lastSweep = now;
        hosts.values().removeIf(h -> h.active == 0 && now - h.idleSince > FORGET_AFTER.toNanos());
    }

    /** One transaction's slot; {@link #completed} or {@link #failed} gives it back (the first call counts). */
    final class Slot {
        private final String host;
        private boolean released;

        private Slot(String host) {
            this.host = host;
        }

        /** The host answered the transaction (whatever it said): one more slot next time. */
        void completed() {
            release(true);
        }

        /** The transaction timed out or the connection broke: back to one slot. */
        void failed() {
            release(false);
        }

        private void release(boolean completed) {
            if (!released) {
                released = true;
                HostConcurrency.this.release(host, completed);
            }
        }
    }
}
