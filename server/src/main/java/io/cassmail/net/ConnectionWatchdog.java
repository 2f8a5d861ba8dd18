package io.cassmail.net;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Wall-clock deadlines for connections, inbound and outbound: a socket whose operation (a read, a write, a whole
 * reply, a TLS handshake) or whose transaction has run past its deadline is closed, which ends the blocked read or
 * write in its thread. Socket read timeouts cannot do this: they do not apply to writes (a peer that stops reading
 * blocks the writer for ever) and restart with every byte, also under TLS, where one record read is many socket
 * reads (a record dribbled a byte a minute holds a thread for hours). One thread checks every watch five times a
 * second, so arming and disarming cost two volatile writes.
 */
public final class ConnectionWatchdog implements AutoCloseable {
    private static final long NO_DEADLINE = Long.MAX_VALUE;

    private final Set<Watch> watches = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService timer;

    /** @param name names the checking thread ({@code <name>-watchdog}) */
    public ConnectionWatchdog(String name) {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name + "-watchdog");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::check, 200, 200, TimeUnit.MILLISECONDS);
    }

    /** Starts watching a connection; nothing is due until {@link Watch#arm} or {@link Watch#transaction}. */
    public Watch watch(Socket socket) {
        Watch w = new Watch(socket);
        watches.add(w);
        return w;
    }

    private void check() {
        long now = System.nanoTime();
        for (Watch w : watches) {
            w.expireIfDue(now);
        }
    }

    /** Closes every watched connection now ({@code why} is what their sessions' errors say). */
    public void expireAll(String why) {
        for (Watch w : watches) {
            w.expire(why);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }

    /** One connection's deadlines: the operation under way, and the transaction it belongs to. */
    public final class Watch implements AutoCloseable {
        private volatile Socket socket;
        private volatile long operationDue = NO_DEADLINE;
        private volatile long transactionDue = NO_DEADLINE;
        private volatile String operation = "";
        private volatile String expired;

        private Watch(Socket socket) {
            this.socket = socket;
        }

        /** The socket to close from now on (TLS layered on the same connection). */
        public void socket(Socket s) {
            this.socket = s;
        }

        /** The whole transaction must end within {@code limit} from now (or never, for null). */
        public void transaction(Duration limit) {
            transactionDue = limit == null ? NO_DEADLINE : System.nanoTime() + limit.toNanos();
        }

        /** The operation starting now ({@code what}, for the error) must end within {@code limit}. */
        public void arm(Duration limit, String what) throws IOException {
            failIfExpired();
            operation = what;
            operationDue = System.nanoTime() + limit.toNanos();
        }

        /** Like {@link #arm(Duration, String)}, in milliseconds. */
        public void arm(long millis, String what) throws IOException {
            failIfExpired();
            operation = what;
            operationDue = System.nanoTime() + millis * 1_000_000L;
        }

        /** One blocking step on the connection, for {@link #during}. */
        public interface Step<T> {
            T run() throws IOException;
        }

        /**
         * Runs {@code step} under a deadline {@code millis} from now; an I/O error it ends with says which deadline
         * closed the connection, if one did.
         */
        public <T> T during(long millis, String what, Step<T> step) throws IOException {
            arm(millis, what);
            try {
                return step.run();
            } catch (IOException e) {
                throw explain(e);
            } finally {
                disarm();
            }
        }

        /**
         * Runs a TLS handshake within {@code limit} in all, however the peer dribbles its records (the socket
         * timeout bounds each read as well).
         */
        public void handshake(javax.net.ssl.SSLSocket ssl, java.time.Duration limit) throws IOException {
            ssl.setSoTimeout((int) limit.toMillis());
            during(limit.toMillis(), "TLS handshake", () -> {
                ssl.startHandshake();
                return null;
            });
        }

        /** Whether a deadline closed the connection. */
        public boolean expired() {
            return expired != null;
        }

        public void disarm() {
            operationDue = NO_DEADLINE;
        }

        /** Turns the I/O error a closed socket caused into one that says which deadline passed, if one did. */
        public IOException explain(IOException e) {
            String why = expired;
            return why == null ? e : new DeadlineException(why);
        }

        /** Throws when a deadline already closed this connection. */
        public void failIfExpired() throws IOException {
            String why = expired;
            if (why != null) {
                throw new DeadlineException(why);
            }
        }

        private void expireIfDue(long now) {
            if (expired != null) {
                return;
            }
            if (now - transactionDue >= 0 && transactionDue != NO_DEADLINE) {
                expire("the transaction's deadline passed during " + operation);
            } else if (operationDue != NO_DEADLINE && now - operationDue >= 0) {
                expire("no complete answer in time during " + operation);
            }
        }

        private void expire(String why) {
            expired = why;
            try {
                socket.close();
            } catch (IOException ignored) {
                // closed is what we wanted
            }
        }

        @Override
        public void close() {
            watches.remove(this);
        }
    }

    /** A connection closed because a wall-clock deadline passed. */
    public static final class DeadlineException extends IOException {
        public DeadlineException(String message) {
            super(message);
        }
    }
}
