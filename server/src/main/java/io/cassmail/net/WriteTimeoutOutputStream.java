package io.cassmail.net;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;

/**
 * A connection's output whose every write and flush must finish within a timeout: a client that stops reading
 * (its receive window full) has its connection closed by the watchdog instead of holding a thread for ever. Java's
 * blocking sockets have no write timeout of their own.
 */
public final class WriteTimeoutOutputStream extends FilterOutputStream {
    private final ConnectionWatchdog.Watch watch;
    private final long timeoutMillis;

    public WriteTimeoutOutputStream(OutputStream out, ConnectionWatchdog.Watch watch, Duration timeout) {
        super(out);
        this.watch = watch;
        this.timeoutMillis = timeout.toMillis();
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        watch.during(timeoutMillis, "write", () -> {
            out.write(b, off, len);
            return null;
        });
    }

    @Override
    public void flush() throws IOException {
        watch.during(timeoutMillis, "write", () -> {
            out.flush();
            return null;
        });
    }
}
