package io.cassmail.smtp;

import java.net.InetAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.subethamail.smtp.server.Session;
import org.subethamail.smtp.server.SessionHandler;

/**
 * Admits connections (at most N per client IP, RFC 5321 §4.5.3.1 leaves limits to the server) and
 * remembers when each session started, for the total session time limit.
 */
final class ConnectionGate implements SessionHandler {
    private final int maxPerIp;
    private final long sessionTimeoutNanos;
    private final Map<InetAddress, Integer> perIp = new ConcurrentHashMap<>();
    private final Map<Session, Long> deadlines = new ConcurrentHashMap<>();

    ConnectionGate(int maxPerIp, long sessionTimeoutNanos) {
        this.maxPerIp = maxPerIp;
        this.sessionTimeoutNanos = sessionTimeoutNanos;
    }

    @Override
    public SessionAcceptance accept(Session session) {
        InetAddress ip = session.getSocket().getInetAddress();
        boolean[] admitted = {false};
        perIp.compute(ip, (k, v) -> {
            int n = v == null ? 0 : v;
            if (n >= maxPerIp) {
                return v;
            }
            admitted[0] = true;
            return n + 1;
        });
        if (!admitted[0]) {
            return SessionAcceptance.failure(421, "4.7.0 Too many connections from " + ip.getHostAddress()
                    + ", try again later");
        }
        deadlines.put(session, System.nanoTime() + sessionTimeoutNanos);
        return SessionAcceptance.success();
    }

    @Override
    public void onSessionEnd(Session session) {
        if (deadlines.remove(session) == null) {
            return;
        }
        perIp.computeIfPresent(session.getSocket().getInetAddress(), (k, v) -> v <= 1 ? null : v - 1);
    }

    /** System.nanoTime() value after which the session must end. */
    long deadline(Session session) {
        return deadlines.getOrDefault(session, System.nanoTime() + sessionTimeoutNanos);
    }
}
