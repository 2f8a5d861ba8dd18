package io.cassmail.smtp;

import io.cassmail.metrics.CassMailMetrics;
import io.cassmail.net.PerAddressLimit;
import java.net.InetAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.subethamail.smtp.server.Session;
import org.subethamail.smtp.server.SessionHandler;

/**
 * Admits connections (at most N per client IP, RFC 5321 §4.5.3.1 leaves limits to the server) and hands out
 * each session's {@link ReadDeadline}.
 */
final class ConnectionGate implements SessionHandler {
    private final PerAddressLimit perIp;
    private final CassMailMetrics metrics;
    private final String listener;
    /** Admitted sessions and what each has established. */
    private final Map<Session, SessionState> admitted = new ConcurrentHashMap<>();

    ConnectionGate(int maxPerIp, CassMailMetrics metrics, String listener) {
        this.perIp = new PerAddressLimit(maxPerIp);
        this.metrics = metrics;
        this.listener = listener;
    }

    @Override
    public SessionAcceptance accept(Session session) {
        InetAddress ip = session.getSocket().getInetAddress();
        boolean admitted = perIp.tryAcquire(ip);
        metrics.smtpConnection(listener, admitted);
        if (!admitted) {
            return SessionAcceptance.failure(421, "4.7.0 Too many connections from " + ip.getHostAddress()
                    + ", try again later");
        }
        metrics.smtpSessions(listener, 1);
        this.admitted.put(session, new SessionState(
                ((ReplyCodingSocket) session.getSocket()).transport() instanceof javax.net.ssl.SSLSocket));
        return SessionAcceptance.success();
    }

    @Override
    public void onSessionEnd(Session session) {
        if (admitted.remove(session) == null) {
            return;
        }
        metrics.smtpSessions(listener, -1);
        perIp.release(session.getSocket().getInetAddress());
    }

    /** What the session has established (greeting, TLS, AUTH). */
    SessionState state(Session session) {
        SessionState state = admitted.get(session);
        if (state == null) {
            throw new IllegalStateException("session " + session.getSessionId() + " was not admitted");
        }
        return state;
    }

    /** The time limits of the session's connection. */
    static ReadDeadline deadline(Session session) {
        return ((ReplyCodingSocket) session.getSocket()).deadline();
    }
}
