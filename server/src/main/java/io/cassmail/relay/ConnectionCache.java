package io.cassmail.relay;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Idle SMTP connections kept for the next message to the same server (Postfix's connection cache): a connection
 * comes back here after RSET, and is closed (QUIT) once it has been idle for {@link #IDLE_LIMIT}, well within the
 * servers' own timeouts. At most {@code perServer} idle connections per server.
 */
final class ConnectionCache implements AutoCloseable {
    /** How long a connection may wait for the next message. */
    static final Duration IDLE_LIMIT = Duration.ofSeconds(5);

    private record Idle(SmtpClient client, long since) {
    }

    private final int perServer;
    private final Map<String, Deque<Idle>> idle = new HashMap<>();
    private final ScheduledExecutorService reaper = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "relay-connection-reaper");
        t.setDaemon(true);
        return t;
    });

    ConnectionCache(int perServer) {
        this.perServer = perServer;
        reaper.scheduleWithFixedDelay(this::reap, IDLE_LIMIT.toMillis(), IDLE_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** How many servers have idle connections kept (the reaper forgets the others). */
    synchronized int serversTracked() {
        return idle.size();
    }

    /** An idle connection to the server, still answering (NOOP), or null. */
    SmtpClient take(String server) {
        while (true) {
            Idle i;
            synchronized (this) {
                Deque<Idle> q = idle.get(server);
                i = q == null ? null : q.pollLast();
            }
            if (i == null) {
                return null;
            }
            if (System.nanoTime() - i.since() < IDLE_LIMIT.toNanos()) {
                try {
                    if (i.client().command("NOOP").positive()) {
                        return i.client();
                    }
                } catch (java.io.IOException gone) {
                    // the server closed it meanwhile
                }
            }
            quit(i.client());
        }
    }

    /** Gives a connection back after a transaction: RSET, then kept idle, or QUIT when full or not clean. */
    void release(String server, SmtpClient client) {
        try {
            if (!client.command("RSET").positive()) {
                quit(client);
                return;
            }
        } catch (java.io.IOException e) {
            client.close();
            return;
        }
        synchronized (this) {
            Deque<Idle> q = idle.computeIfAbsent(server, s -> new ArrayDeque<>());
            if (q.size() < perServer) {
                q.addLast(new Idle(client, System.nanoTime()));
                return;
            }
        }
        quit(client);
    }

    private void reap() {
        long now = System.nanoTime();
        java.util.List<SmtpClient> stale = new java.util.ArrayList<>();
        synchronized (this) {
            for (Iterator<Deque<Idle>> servers = idle.values().iterator(); servers.hasNext(); ) {
                Deque<Idle> q = servers.next();
                for (Iterator<Idle> it = q.iterator(); it.hasNext(); ) {
                    Idle i = it.next();
                    if (now - i.since() >= IDLE_LIMIT.toNanos()) {
                        it.remove();
                        stale.add(i.client());
                    }
                }
                if (q.isEmpty()) {
                    servers.remove(); // a server with nothing idle is forgotten, so the map holds only live ones
                }
            }
        }
        stale.forEach(ConnectionCache::quit);
    }

    static void quit(SmtpClient client) {
        try {
            client.command("QUIT");
        } catch (java.io.IOException ignored) {
            // closing anyway
        } finally {
            client.close();
        }
    }

    @Override
    public void close() {
        reaper.shutdownNow();
        synchronized (this) {
            idle.values().forEach(q -> q.forEach(i -> i.client().close()));
            idle.clear();
        }
    }
}
