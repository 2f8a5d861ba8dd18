package io.cassmail.imap;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes response data (RFC 9051 §4.3, §7): strings quoted when they can be, as literals when they hold CR, LF,
 * NUL or 8-bit text the client has not enabled ({@code UTF8=ACCEPT}), or are long.
 */
final class ImapWriter {
    private final OutputStream out;
    private boolean utf8;

    ImapWriter(OutputStream out) {
        this.out = out;
    }

    /** After {@code ENABLE UTF8=ACCEPT}: UTF-8 may be quoted (RFC 9051 §6.3.1). */
    void utf8(boolean on) {
        utf8 = on;
    }

    boolean utf8() {
        return utf8;
    }

    ImapWriter raw(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        return this;
    }

    ImapWriter raw(byte[] bytes) throws IOException {
        out.write(bytes);
        return this;
    }

    ImapWriter crlf() throws IOException {
        out.write('\r');
        out.write('\n');
        return this;
    }

    ImapWriter nstring(String s) throws IOException {
        return s == null ? raw("NIL") : string(s);
    }

    ImapWriter string(String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (quotable(b)) {
            out.write('"');
            for (byte c : b) {
                if (c == '"' || c == '\\') {
                    out.write('\\');
                }
                out.write(c);
            }
            out.write('"');
            return this;
        }
        return literal(b);
    }

    private boolean quotable(byte[] b) {
        if (b.length > 1000) {
            return false;
        }
        for (byte c : b) {
            if (c == '\r' || c == '\n' || c == 0 || (c < 0 && !utf8)) {
                return false;
            }
        }
        return true;
    }

    ImapWriter literal(byte[] b) throws IOException {
        raw("{" + b.length + "}\r\n");
        out.write(b);
        return this;
    }

    /** A literal of {@code size} bytes copied from {@code in} (which must hold at least that many). */
    ImapWriter literal(long size, InputStream in) throws IOException {
        raw("{" + size + "}\r\n");
        byte[] buf = new byte[16 * 1024];
        long left = size;
        while (left > 0) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, left));
            if (n < 0) {
                throw new IOException("message shorter than its recorded size");
            }
            out.write(buf, 0, n);
            left -= n;
        }
        return this;
    }


    void flush() throws IOException {
        out.flush();
    }
}
