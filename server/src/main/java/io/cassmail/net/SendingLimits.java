package io.cassmail.net;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Messages per user per sliding hour on the submission listeners of this process (Postfix's anvil and Stalwart's
 * outbound rate limits work the same way, per server). Bounded memory: at most {@code maxPerHour} times per user,
 * and users with nothing in the last hour are forgotten.
 */
public final class SendingLimits {
    private static final long HOUR = Duration.ofHours(1).toMillis();

    private final int maxPerHour;
    private final Clock clock;
    private final Map<String, Deque<Long>> sent = new ConcurrentHashMap<>();

    public SendingLimits(int maxPerHour, Clock clock) {
        this.maxPerHour = maxPerHour;
        this.clock = clock;
    }

    public int maxPerHour() {
        return maxPerHour;
    }

    /** Whether the user may start one more message now. */
    public boolean allows(String user) {
        Deque<Long> times = sent.get(user);
        if (times == null) {
            return true;
        }
        synchronized (times) {
            expire(times, clock.millis());
            return times.size() < maxPerHour;
        }
    }

    /** Counts one accepted message. */
    public void sent(String user) {
        long now = clock.millis();
        Deque<Long> times = sent.computeIfAbsent(user, u -> new ArrayDeque<>());
        synchronized (times) {
            expire(times, now);
            times.addLast(now);
            while (times.size() > maxPerHour) {
                times.removeFirst();
            }
        }
        if (sent.size() > 10_000) {
            sent.values().removeIf(t -> {
                synchronized (t) {
                    expire(t, now);
                    return t.isEmpty();
                }
            });
        }
    }

    private static void expire(Deque<Long> times, long now) {
        while (!times.isEmpty() && now - times.peekFirst() >= HOUR) {
            times.removeFirst();
        }
    }
}
