package io.cassmail.net;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;

/**
 * A connection's input whose every read is bounded by the connection's {@link ReadDeadline}: the socket read
 * timeout for a client that sends nothing (a {@link java.net.SocketTimeoutException} the protocol answers), and,
 * {@link #GRACE_MILLIS} later, the watchdog, which closes the connection. The watchdog is what holds under TLS,
 * where one read of a record is many socket reads, each of which would get the full read timeout again.
 */
public final class DeadlineInputStream extends FilterInputStream {
    /** How long after the read timeout the watchdog closes a read that is still going (a dribbled TLS record). */
    public static final long GRACE_MILLIS = 1000;

    private final Socket socket;
    private final ReadDeadline deadline;
    private final ConnectionWatchdog.Watch watch;

    /**
     * @param socket the socket whose read timeout applies (the TLS socket once there is one)
     * @param watch  the connection's watch, which closes the connection underneath
     */
    public DeadlineInputStream(InputStream in, Socket socket, ReadDeadline deadline, ConnectionWatchdog.Watch watch) {
        super(in);
        this.socket = socket;
        this.deadline = deadline;
        this.watch = watch;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int timeout = deadline.nextTimeoutMillis();
        socket.setSoTimeout(timeout);
        long start = System.nanoTime();
        int n = watch.during(timeout + GRACE_MILLIS, "read", () -> in.read(b, off, len));
        deadline.afterRead(n, System.nanoTime() - start);
        return n;
    }

    @Override
    public boolean markSupported() {
        return false;
    }
}
