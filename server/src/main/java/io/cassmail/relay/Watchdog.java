package io.cassmail.relay;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Wall-clock deadlines for outbound SMTP: a socket whose operation (a whole reply, a block of DATA) or whose
 * transaction has run past its deadline is closed, which ends the blocked read or write in the worker. Socket read
 * timeouts cannot do this: they do not apply to writes (a server that stops reading during DATA blocks the writer
 * for ever) and restart with every byte (a reply dribbled a byte a minute holds a thread for hours).
 */
final class Watchdog implements AutoCloseable {
    private static final long NO_DEADLINE = Long.MAX_VALUE;

    private final Set<Watch> watches = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "relay-watchdog");
        t.setDaemon(true);
        return t;
    });

    Watchdog() {
        timer.scheduleWithFixedDelay(this::check, 200, 200, TimeUnit.MILLISECONDS);
    }

    /** Starts watching a connection; nothing is due until {@link Watch#arm} or {@link Watch#transaction}. */
    Watch watch(Socket socket) {
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

    @Override
    public void close() {
        timer.shutdownNow();
    }

    /** One connection's deadlines: the operation under way, and the transaction it belongs to. */
    final class Watch implements AutoCloseable {
        private volatile Socket socket;
        private volatile long operationDue = NO_DEADLINE;
        private volatile long transactionDue = NO_DEADLINE;
        private volatile String operation = "";
        private volatile String expired;

        private Watch(Socket socket) {
            this.socket = socket;
        }

        /** The socket to close from now on (TLS layered on the same connection). */
        void socket(Socket s) {
            this.socket = s;
        }

        /** The whole transaction must end within {@code limit} from now (or never, for null). */
        void transaction(Duration limit) {
            transactionDue = limit == null ? NO_DEADLINE : System.nanoTime() + limit.toNanos();
        }

        /** The operation starting now ({@code what}, for the error) must end within {@code limit}. */
        void arm(Duration limit, String what) throws IOException {
            failIfExpired();
            operation = what;
            operationDue = System.nanoTime() + limit.toNanos();
        }

        void disarm() {
            operationDue = NO_DEADLINE;
        }

        /** Turns the I/O error a closed socket caused into one that says which deadline passed, if one did. */
        IOException explain(IOException e) {
            String why = expired;
            return why == null ? e : new DeadlineException(why);
        }

        /** Throws when a deadline already closed this connection. */
        void failIfExpired() throws IOException {
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
    static final class DeadlineException extends IOException {
        DeadlineException(String message) {
            super(message);
        }
    }
}
