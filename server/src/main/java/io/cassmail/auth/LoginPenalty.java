package io.cassmail.auth;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A per-client-address budget of failed logins (in the manner of Postfix's anvil and Dovecot's auth
 * penalty): after {@code maxFailures} failures within {@code window}, further logins from that address are
 * refused without spending any password-hash work until the window has passed. Bounded memory: at most
 * {@code MAX_TRACKED} addresses are remembered; beyond that the stalest records are dropped.
 */
public final class LoginPenalty {
    private static final int MAX_TRACKED = 100_000;

    private final int maxFailures;
    private final Duration window;
    private final Clock clock;
    private final Map<InetAddress, Failures> failures = new ConcurrentHashMap<>();

    public LoginPenalty(int maxFailures, Duration window, Clock clock) {
        this.maxFailures = maxFailures;
        this.window = window;
        this.clock = clock;
    }

    /**
     * The key an address is counted under: itself for IPv4, its /64 for IPv6 (one subscriber or host usually holds a
     * whole /64, and would otherwise get a fresh budget from each of its 2^64 addresses).
     */
    static InetAddress key(InetAddress client) {
        if (client instanceof java.net.Inet6Address) {
            byte[] b = client.getAddress();
            java.util.Arrays.fill(b, 8, 16, (byte) 0);
            try {
                return InetAddress.getByAddress(b);
            } catch (java.net.UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }
        return client;
    }

    /** Whether a login from this address may be tried now. */
    public boolean allows(InetAddress client) {
        Failures f = failures.get(key(client));
        return f == null || f.expired(clock.millis(), window.toMillis()) || f.count < maxFailures;
    }

    /** Counts a failed login; the window restarts when the last one is older than it. */
    public void failed(InetAddress client) {
        long now = clock.millis();
        failures.compute(key(client), (k, f) -> f == null || f.expired(now, window.toMillis()) ? new Failures(1, now)
                : new Failures(f.count + 1, now));
        if (failures.size() > MAX_TRACKED) {
            prune(now);
        }
    }

    /** A successful login clears the address's record. */
    public void succeeded(InetAddress client) {
        failures.remove(key(client));
    }

    /** How long refusals for this address still last, rounded up to whole seconds. */
    public long secondsLeft(InetAddress client) {
        Failures f = failures.get(key(client));
        return f == null ? 0 : Math.max(0, (f.last + window.toMillis() - clock.millis() + 999) / 1000);
    }

    private void prune(long now) {
        for (Iterator<Map.Entry<InetAddress, Failures>> it = failures.entrySet().iterator(); it.hasNext(); ) {
            if (it.next().getValue().expired(now, window.toMillis())) {
                it.remove();
            }
        }
        if (failures.size() > MAX_TRACKED) {
            failures.clear(); // a flood of distinct addresses: forget rather than grow
        }
    }

    private record Failures(int count, long last) {
        boolean expired(long now, long windowMillis) {
            return now - last > windowMillis;
        }
    }
}
