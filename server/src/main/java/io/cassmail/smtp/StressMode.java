package io.cassmail.smtp;

import java.time.Duration;

/**
 * Postfix-style stress mode for one listener: once its open sessions reach three quarters of
 * {@code smtp.max-connections}, every read gets the short {@code smtp.stress-timeout} instead of the normal read
 * timeout, sessions already idle that long (in a command or in DATA) are shed, and each client address may hold only
 * {@code smtp.stress-max-connections-per-ip} sessions. The mode holds for {@link #HOLD} after the last time the
 * listener was that full or a client hit the stress limit, so a flood that reconnects at once finds it still on.
 */
final class StressMode {
    /** How long stress mode lasts after the last sign of a flood. */
    static final Duration HOLD = Duration.ofMinutes(5);

    private final int threshold;
    private final long timeoutNanos;
    private final int maxPerIp;
    private volatile long until = Long.MIN_VALUE;
    private volatile boolean everOn;

    StressMode(int maxConnections, Duration timeout, int maxPerIp) {
        this.threshold = Math.max(1, maxConnections * 3 / 4);
        this.timeoutNanos = timeout.toNanos();
        this.maxPerIp = maxPerIp;
    }

    /** Notes how many sessions are open; at the threshold, stress mode starts (or lasts longer). */
    void observe(int open) {
        if (open >= threshold) {
            signOfFlood();
        }
    }

    /** A client was refused under the stress per-address limit: the flood goes on. */
    void signOfFlood() {
        until = System.nanoTime() + HOLD.toNanos();
        everOn = true;
    }

    boolean on() {
        return everOn && System.nanoTime() - until < 0;
    }

    /** The per-address limit now: the stress one while the mode is on, else {@code normal}. */
    int maxPerIp(int normal) {
        return on() ? Math.min(normal, maxPerIp) : normal;
    }

    long timeoutNanos() {
        return timeoutNanos;
    }

    /** Whether a session idle since {@code lastActivity} (System.nanoTime) should be shed now. */
    boolean shed(long lastActivity, long now) {
        return on() && now - lastActivity > timeoutNanos;
    }
}
