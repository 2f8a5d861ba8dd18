package io.cassmail.dkim;

import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The SHA-256 body hash of DKIM (RFC 6376 §3.4.3 simple, §3.4.4 relaxed), computed as the body streams past, so a
 * 25 MiB message is never whole on the heap. Relaxed: runs of spaces and tabs become one space and whitespace at a
 * line's end goes. Both: empty lines at the body's end are dropped and a non-empty body ends with CRLF; an empty
 * body is one CRLF under simple and nothing under relaxed. Only empty lines are held back (as a count) until a line
 * with content shows they were not the end. An {@code l=} limit (§3.5) hashes only that many canonical bytes.
 */
public final class DkimBodyHash extends OutputStream {
    private static final byte[] CRLF = {'\r', '\n'};

    private final MessageDigest digest;
    private final boolean relaxed;
    private final long limit;
    private long canonicalLength;
    private long emptyLines;
    private boolean lineHasContent;
    private boolean pendingSpace;
    private boolean pendingCr;

    /** Relaxed canonicalization, no length limit (what CassMail signs with). */
    public DkimBodyHash() {
        this(true, -1);
    }

    /** @param limit the signature's {@code l=}, or -1 for the whole body */
    public DkimBodyHash(boolean relaxed, long limit) {
        try {
            this.digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        this.relaxed = relaxed;
        this.limit = limit;
    }

    @Override
    public void write(int b) {
        if (pendingCr) {
            pendingCr = false;
            if (b == '\n') {
                endLine();
                return;
            }
            content('\r');
        }
        switch (b) {
            case '\r' -> pendingCr = true;
            case '\n' -> endLine(); // a bare LF ends a line too (what a CRLF-only wire makes of it)
            case ' ', '\t' -> {
                if (relaxed) {
                    pendingSpace = true;
                } else {
                    content(b);
                }
            }
            default -> content(b);
        }
    }

    @Override
    public void write(byte[] b, int off, int len) {
        for (int i = off; i < off + len; i++) {
            write(b[i] & 0xff);
        }
    }

    private void content(int b) {
        if (!lineHasContent) {
            for (; emptyLines > 0; emptyLines--) {
                emit(CRLF);
            }
            lineHasContent = true;
        }
        if (pendingSpace) {
            emit(' ');
            pendingSpace = false;
        }
        emit(b);
    }

    private void endLine() {
        pendingSpace = false; // relaxed: whitespace at the end of a line goes (§3.4.4 b)
        if (lineHasContent) {
            emit(CRLF);
            lineHasContent = false;
        } else {
            emptyLines++;
        }
    }

    private void emit(byte[] bytes) {
        for (byte b : bytes) {
            emit(b);
        }
    }

    private void emit(int b) {
        if (limit < 0 || canonicalLength < limit) {
            digest.update((byte) b);
        }
        canonicalLength++;
    }

    /** The hash of everything written; the body ends here (an unterminated last line gets its CRLF). */
    public byte[] finish() {
        if (pendingCr) {
            pendingCr = false;
            content('\r');
        }
        if (lineHasContent) {
            emit(CRLF);
            lineHasContent = false;
        }
        if (!relaxed && canonicalLength == 0) {
            emit(CRLF); // simple: an empty body is one CRLF (§3.4.3)
        }
        return digest.digest();
    }

    /** The canonical body's length (after {@link #finish()}): more than an {@code l=} means unsigned content. */
    public long canonicalLength() {
        return canonicalLength;
    }
}
