package io.cassmail.net;

import java.net.SocketTimeoutException;
import java.util.function.LongSupplier;

/**
 * Time limits of one connection (SMTP, POP3, IMAP), applied to every read: the per-read timeout (SO_TIMEOUT), the total
 * session deadline, and while DATA is read a minimum data rate in the manner of Postfix's
 * {@code smtpd_per_request_deadline} and {@code smtpd_min_data_rate}: the DATA budget starts at the read
 * timeout, each read spends the time it took and earns {@code bytes / minDataRate} seconds, never more than
 * the read timeout. A client that dribbles bytes is cut off when a budget runs out, not between lines.
 */
public final class ReadDeadline {
    private final long sessionDeadline;
    private final int minDataRate;
    /** A shorter read timeout in nanoseconds while the listener is under stress, or 0 for none (SMTP's stress mode). */
    private final LongSupplier stress;
    /** System.nanoTime() of the last read that brought bytes (or of the accept). */
    private volatile long lastActivity = System.nanoTime();
    private volatile int readTimeoutMillis;
    private boolean data;
    private long dataBudgetNanos;

    /** @param sessionNanos total time the session may last, from now; no stress mode */
    public ReadDeadline(long sessionNanos, int minDataRate) {
        this(sessionNanos, minDataRate, () -> 0);
    }

    /**
     * @param sessionNanos total time the session may last, from now
     * @param stress       the listener's short read timeout in nanoseconds while it is under stress, else 0
     */
    public ReadDeadline(long sessionNanos, int minDataRate, LongSupplier stress) {
        this.sessionDeadline = System.nanoTime() + sessionNanos;
        this.minDataRate = minDataRate;
        this.stress = stress;
    }

    /** When the client last sent anything (System.nanoTime). */
    public long lastActivity() {
        return lastActivity;
    }

    /** System.nanoTime() value after which the session must end. */
    public long sessionDeadline() {
        return sessionDeadline;
    }

    public boolean sessionExpired() {
        return System.nanoTime() - sessionDeadline > 0;
    }

    public void readTimeout(int millis) {
        this.readTimeoutMillis = millis;
    }

    public int readTimeout() {
        return readTimeoutMillis;
    }

    /** Starts (or ends) the DATA phase, with a full budget. */
    public synchronized void data(boolean on) {
        data = on;
        dataBudgetNanos = readTimeoutNanos();
    }

    /** The SO_TIMEOUT for the next read; throws when a deadline has already passed. */
    public synchronized int nextTimeoutMillis() throws SocketTimeoutException {
        long remaining = sessionDeadline - System.nanoTime();
        if (data) {
            remaining = Math.min(remaining, dataBudgetNanos);
        }
        if (readTimeoutMillis > 0) {
            remaining = Math.min(remaining, readTimeoutNanos());
        }
        long stressed = stress.getAsLong();
        if (stressed > 0) {
            remaining = Math.min(remaining, stressed);
        }
        if (remaining <= 0) {
            throw new SocketTimeoutException(data ? "DATA arrives slower than " + minDataRate + " bytes/s"
                    : "session time limit exceeded");
        }
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, remaining / 1_000_000));
    }

    /** Accounts one read of {@code bytes} that took {@code elapsedNanos}. */
    public synchronized void afterRead(int bytes, long elapsedNanos) {
        if (bytes > 0) {
            lastActivity = System.nanoTime();
        }
        if (data) {
            long earned = Math.max(0, bytes) * 1_000_000_000L / minDataRate;
            dataBudgetNanos = Math.min(readTimeoutNanos(), dataBudgetNanos - elapsedNanos + earned);
        }
    }

    private long readTimeoutNanos() {
        return readTimeoutMillis > 0 ? readTimeoutMillis * 1_000_000L : Long.MAX_VALUE / 4;
    }
}
