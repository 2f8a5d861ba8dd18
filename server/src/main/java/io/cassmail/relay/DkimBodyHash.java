package io.cassmail.relay;

import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The SHA-256 body hash of DKIM's relaxed body canonicalization (RFC 6376 §3.4.4), computed as the body streams
 * past, so a 25 MiB message is never whole on the heap: runs of spaces and tabs become one space, whitespace at a
 * line's end goes, empty lines at the body's end are dropped, and a non-empty body ends with CRLF. Only empty lines
 * are held back (as a count) until a line with content shows they were not the end.
 */
final class DkimBodyHash extends OutputStream {
    private static final byte[] CRLF = {'\r', '\n'};

    private final MessageDigest digest;
    private long emptyLines;
    private boolean lineHasContent;
    private boolean pendingSpace;
    private boolean pendingCr;

    DkimBodyHash() {
        try {
            this.digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
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
            case ' ', '\t' -> pendingSpace = true;
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
                digest.update(CRLF);
            }
            lineHasContent = true;
        }
        if (pendingSpace) {
            digest.update((byte) ' ');
            pendingSpace = false;
        }
        digest.update((byte) b);
    }

    private void endLine() {
        pendingSpace = false; // whitespace at the end of a line goes (§3.4.4 b)
        if (lineHasContent) {
            digest.update(CRLF);
            lineHasContent = false;
        } else {
            emptyLines++;
        }
    }

    /** The hash of everything written; the body ends here (an unterminated last line gets its CRLF). */
    byte[] finish() throws IOException {
        if (pendingCr) {
            pendingCr = false;
            content('\r');
        }
        if (lineHasContent) {
            digest.update(CRLF);
            lineHasContent = false;
        }
        return digest.digest();
    }
}
