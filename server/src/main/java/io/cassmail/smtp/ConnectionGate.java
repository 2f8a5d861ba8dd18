package io.cassmail.smtp;

import io.cassmail.metrics.CassMailMetrics;
import io.cassmail.net.PerAddressLimit;
import io.cassmail.net.ReadDeadline;
import java.net.InetAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.subethamail.smtp.server.Session;
import org.subethamail.smtp.server.SessionHandler;

/**
 * Admits connections (at most N per client IP, RFC 5321 §4.5.3.1 leaves limits to the server) and hands out
 * each session's {@link ReadDeadline}.
 */
final class ConnectionGate implements SessionHandler {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ConnectionGate.class);
    private final PerAddressLimit perIp;
    private final CassMailMetrics metrics;
    private final String listener;
    /** Admitted sessions and what each has established. */
    private final Map<Session, SessionState> admitted = new ConcurrentHashMap<>();
    /** Each admitted session's read deadline (kept across STARTTLS), which knows when the client last sent. */
    private final Map<Session, ReadDeadline> deadlines = new ConcurrentHashMap<>();
    private final int maxPerIp;
    private final StressMode stress;
    private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "smtp-stress-sweeper");
        t.setDaemon(true);
        return t;
    });

    private final java.util.concurrent.ExecutorService shedder = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "smtp-stress-shed");
        t.setDaemon(true);
        return t;
    });

    /** @param stress the listener's stress mode */
    ConnectionGate(int maxPerIp, CassMailMetrics metrics, String listener, StressMode stress) {
        this.perIp = new PerAddressLimit(maxPerIp);
        this.maxPerIp = maxPerIp;
        this.metrics = metrics;
        this.listener = listener;
        this.stress = stress;
        sweeper.scheduleWithFixedDelay(this::sweep, 500, 500, TimeUnit.MILLISECONDS);
    }

    @Override
    public SessionAcceptance accept(Session session) {
        InetAddress ip = session.getSocket().getInetAddress();
        stress.observe(admitted.size() + 1);
        int limit = stress.maxPerIp(maxPerIp);
        boolean admitted = perIp.tryAcquire(ip, limit);
        metrics.smtpConnection(listener, admitted);
        if (!admitted) {
            if (limit < maxPerIp) {
                stress.signOfFlood();
                return SessionAcceptance.failure(421, "4.7.0 Server busy: too many connections from "
                        + ip.getHostAddress() + " while under load, try again later");
            }
            return SessionAcceptance.failure(421, "4.7.0 Too many connections from " + ip.getHostAddress()
                    + ", try again later");
        }
        if (session.getSocket() instanceof ReplyCodingSocket own) {
            deadlines.put(session, own.deadline());
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
        deadlines.remove(session);
        metrics.smtpSessions(listener, -1);
        perIp.release(session.getSocket().getInetAddress());
    }

    /**
     * Under stress, sheds the sessions idle longer than the stress timeout: a 421 if the client will take it, then
     * the connection closes, so that new clients find room (Postfix's stress-mode timeouts do the same).
     */
    private void sweep() {
        try {
            stress.observe(admitted.size());
            long now = System.nanoTime();
            int shed = 0;
            for (Map.Entry<Session, ReadDeadline> e : deadlines.entrySet()) {
                if (stress.shed(e.getValue().lastActivity(), now) && deadlines.remove(e.getKey(), e.getValue())) {
                    shed++;
                    shed(e.getKey().getSocket(), "421 4.4.2 Server busy: idle connection closed, try again later");
                }
            }
            if (shed > 0) {
                log.info("{}: stress mode: {} idle session(s) shed, {} open", listener, shed, admitted.size());
            }
        } catch (RuntimeException e) {
            log.warn("{}: stress sweep failed: {}", listener, e.toString());
        }
    }

    /** Writes the reply (the session's own thread is blocked reading) and closes; a client that reads nothing is
     * closed on anyway after two seconds. */
    private void shed(java.net.Socket socket, String reply) {
        sweeper.schedule(() -> closeQuietly(socket), 2, TimeUnit.SECONDS);
        shedder.execute(() -> {
            try {
                java.io.OutputStream out = socket.getOutputStream();
                out.write((reply + "\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                out.flush();
            } catch (java.io.IOException | RuntimeException ignored) {
                // closing anyway
            } finally {
                closeQuietly(socket);
            }
        });
    }

    private static void closeQuietly(java.net.Socket socket) {
        try {
            socket.close();
        } catch (java.io.IOException ignored) {
            // gone already
        }
    }

    /** Stops the stress sweeper. */
    void close() {
        sweeper.shutdownNow();
        shedder.shutdown();
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
