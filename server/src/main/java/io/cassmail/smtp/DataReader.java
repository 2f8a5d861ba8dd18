package io.cassmail.smtp;

import io.cassmail.net.ReadDeadline;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads the DATA section (RFC 5321 §4.1.1.4) up to the only end marker we honour, CRLF "." CRLF,
 * undoing dot-stuffing (§4.5.2). It always reads to that marker, whatever goes wrong, so the rest of
 * a rejected body is never read as commands. Bare CR or LF is never a line end here: {@code <LF>.<LF>}
 * ends nothing, and a message that contains a bare CR or LF is flagged so it can be refused (the answer
 * to SMTP smuggling, like Postfix's {@code smtpd_forbid_bare_newline}).
 */
final class DataReader {
    private static final int SEGMENT = 8192;

    /** Where the bytes go; a failing sink stops receiving bytes but the reader keeps draining. */
    interface Sink {
        void write(byte[] b, int off, int len) throws IOException;
    }

    /** How reading ended. */
    enum Outcome { COMPLETE, TOO_BIG, BARE_LINE_ENDING, SINK_FAILED, DISCONNECTED, SESSION_EXPIRED }

    record Result(Outcome outcome, long size, IOException sinkFailure) {
    }

    private final long maxBytes;
    private final ReadDeadline deadline;

    DataReader(long maxBytes, ReadDeadline deadline) {
        this.maxBytes = maxBytes;
        this.deadline = deadline;
    }

    Result read(InputStream in, Sink sink) throws IOException {
        byte[] seg = new byte[SEGMENT];
        DataLines lines = new DataLines(in, SEGMENT);
        boolean lineStart = true;
        boolean pendingCr = false;
        boolean bare = false;
        boolean tooBig = false;
        IOException sinkFailure = null;
        long size = 0;
        while (true) {
            int n = lines.next(seg);
            if (n < 0 || (n < SEGMENT && seg[n - 1] != '\n')) {
                return new Result(Outcome.DISCONNECTED, size, sinkFailure);
            }
            boolean eol = seg[n - 1] == '\n';
            if (lineStart && eol && n == 3 && seg[0] == '.' && seg[1] == '\r') {
                lines.finish();
                break;
            }
            if (deadline.sessionExpired()) {
                return new Result(Outcome.SESSION_EXPIRED, size, sinkFailure);
            }
            bare |= hasBareLineEnding(seg, n, pendingCr);
            int start = lineStart && seg[0] == '.' ? 1 : 0;
            size += n - start;
            tooBig |= size > maxBytes;
            if (!tooBig && !bare && sinkFailure == null) {
                try {
                    sink.write(seg, start, n - start);
                } catch (IOException e) {
                    sinkFailure = e;
                }
            }
            lineStart = eol && (n >= 2 ? seg[n - 2] == '\r' : pendingCr);
            pendingCr = seg[n - 1] == '\r';
        }
        if (tooBig) {
            return new Result(Outcome.TOO_BIG, size, null);
        }
        if (bare) {
            return new Result(Outcome.BARE_LINE_ENDING, size, null);
        }
        if (sinkFailure != null) {
            return new Result(Outcome.SINK_FAILED, size, sinkFailure);
        }
        return new Result(Outcome.COMPLETE, size, null);
    }

    /**
     * A LF not preceded by CR, or a CR followed by anything but LF. A CR that ends a full segment is
     * judged with the next segment, whose first byte must then be LF.
     */
    private static boolean hasBareLineEnding(byte[] seg, int n, boolean pendingCr) {
        if (pendingCr && seg[0] != '\n') {
            return true;
        }
        for (int i = 0; i < n; i++) {
            if (seg[i] == '\n' && (i == 0 ? !pendingCr : seg[i - 1] != '\r')) {
                return true;
            }
            if (seg[i] == '\r' && i + 1 < n && seg[i + 1] != '\n') {
                return true;
            }
        }
        return false;
    }
}
