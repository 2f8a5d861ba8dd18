package io.cassmail.pop3;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A socket's output whose every write must finish within a timeout: a client that stops reading (its
 * receive window full) has its connection closed by a watchdog instead of holding a thread forever. Java's
 * blocking sockets have no write timeout of their own.
 */
final class WriteTimeoutOutputStream extends FilterOutputStream {
    private final Socket socket;
    private final Duration timeout;
    private final ScheduledExecutorService watchdog;

    WriteTimeoutOutputStream(OutputStream out, Socket socket, Duration timeout, ScheduledExecutorService watchdog) {
        super(out);
        this.socket = socket;
        this.timeout = timeout;
        this.watchdog = watchdog;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        ScheduledFuture<?> alarm = arm();
        try {
            out.write(b, off, len);
        } finally {
            alarm.cancel(false);
        }
    }

    @Override
    public void flush() throws IOException {
        ScheduledFuture<?> alarm = arm();
        try {
            out.flush();
        } finally {
            alarm.cancel(false);
        }
    }

    /** Schedules the cut-off; once the listener is closing (watchdog stopped) the connection just ends. */
    private ScheduledFuture<?> arm() throws IOException {
        try {
            return watchdog.schedule(this::cutOff, timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            cutOff();
            throw new IOException("POP3 listener is shutting down");
        }
    }

    private void cutOff() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing is all we wanted
        }
    }
}
