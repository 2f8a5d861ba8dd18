package io.cassmail.smtp;

import java.io.IOException;
import java.io.InputStream;

/**
 * Cuts the DATA stream into segments: a line up to and including its LF, or {@code max} bytes of a longer
 * line. From a mark-supporting (buffered) stream it reads in bulk, and {@link #finish()} hands back what
 * was read past the last segment taken, so the command reader sees exactly the bytes after the end of
 * data (RFC 2920 pipelining). Other streams are read byte by byte and never over-read.
 */
final class DataLines {
    private final InputStream in;
    private final int max;
    private final boolean bulk;
    private final byte[] buf;
    private int start;
    private int end;
    private int lastReadAt;

    DataLines(InputStream in, int max) {
        this.in = in;
        this.max = max;
        this.bulk = in.markSupported();
        this.buf = bulk ? new byte[2 * max] : null;
    }

    /** Copies the next segment into {@code seg} (at least {@code max} long); returns its length, -1 at end of stream. */
    int next(byte[] seg) throws IOException {
        if (!bulk) {
            return nextByteByByte(seg);
        }
        while (true) {
            int lf = indexOfLf(start, Math.min(end, start + max));
            if (lf >= 0) {
                return take(seg, lf + 1 - start);
            }
            if (end - start >= max) {
                return take(seg, max);
            }
            if (start > 0) {
                System.arraycopy(buf, start, buf, 0, end - start);
                end -= start;
                start = 0;
            }
            in.mark(buf.length);
            int r = in.read(buf, end, buf.length - end);
            if (r < 0) {
                return end > start ? take(seg, end - start) : -1;
            }
            lastReadAt = end;
            end += r;
        }
    }

    /** Returns the bytes read beyond the last segment taken to the stream. */
    void finish() throws IOException {
        if (!bulk || start == end) {
            return;
        }
        if (start < lastReadAt) {
            throw new IOException("DATA reader cannot return " + (end - start) + " bytes to the stream");
        }
        in.reset();
        int keep = start - lastReadAt;
        int n = 0;
        while (n < keep) { // re-consume, into the buffer no longer needed, what belonged to the message
            n += in.read(buf, n, keep - n);
        }
        start = end;
    }

    private int take(byte[] seg, int n) {
        System.arraycopy(buf, start, seg, 0, n);
        start += n;
        return n;
    }

    private int indexOfLf(int from, int to) {
        for (int i = from; i < to; i++) {
            if (buf[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private int nextByteByByte(byte[] seg) throws IOException {
        int n = 0;
        while (n < max) {
            int c = in.read();
            if (c < 0) {
                return n == 0 ? -1 : n;
            }
            seg[n++] = (byte) c;
            if (c == '\n') {
                break;
            }
        }
        return n;
    }
}
