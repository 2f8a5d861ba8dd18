package io.cassmail.smtp;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;

/** A socket's input whose every read is bounded by the connection's {@link ReadDeadline}. */
final class DeadlineInputStream extends FilterInputStream {
    private final Socket socket;
    private final ReadDeadline deadline;

    DeadlineInputStream(InputStream in, Socket socket, ReadDeadline deadline) {
        super(in);
        this.socket = socket;
        this.deadline = deadline;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        socket.setSoTimeout(deadline.nextTimeoutMillis());
        long start = System.nanoTime();
        int n = in.read(b, off, len);
        deadline.afterRead(n, System.nanoTime() - start);
        return n;
    }

    @Override
    public boolean markSupported() {
        return false;
    }
}
