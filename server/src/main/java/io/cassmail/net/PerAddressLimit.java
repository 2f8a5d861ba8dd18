package io.cassmail.net;

import java.net.InetAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * At most N open connections per client address (RFC 5321 §4.5.3.1 and RFC 1939 leave such limits to the server;
 * Postfix's {@code smtpd_client_connection_count_limit}, Dovecot's {@code mail_max_userip_connections}). Memory
 * holds only addresses with a connection open.
 */
public final class PerAddressLimit {
    private final int max;
    private final Map<InetAddress, Integer> open = new ConcurrentHashMap<>();

    public PerAddressLimit(int max) {
        this.max = max;
    }

    /** Counts a new connection from {@code address} and returns true, or returns false when it has {@code max} open. */
    public boolean tryAcquire(InetAddress address) {
        return tryAcquire(address, max);
    }

    /** Counts a new connection from {@code address} unless it already has {@code limit} (at most the maximum) open. */
    public boolean tryAcquire(InetAddress address, int limit) {
        int cap = Math.min(limit, max);
        boolean[] admitted = {false};
        open.compute(address, (k, n) -> {
            int count = n == null ? 0 : n;
            if (count >= cap) {
                return n;
            }
            admitted[0] = true;
            return count + 1;
        });
        return admitted[0];
    }

    /** Forgets one connection admitted by {@link #tryAcquire}. */
    public void release(InetAddress address) {
        open.computeIfPresent(address, (k, n) -> n <= 1 ? null : n - 1);
    }
}
