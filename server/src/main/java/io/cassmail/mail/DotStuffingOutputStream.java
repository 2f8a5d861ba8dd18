package io.cassmail.mail;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/** Byte-stuffs a multi-line response or SMTP data (RFC 1939 §3, RFC 5321 §4.5.2): a line starting with "." is sent with ".." instead. */
public final class DotStuffingOutputStream extends FilterOutputStream {
    private boolean lineStart = true;
    private int last = -1;

    public DotStuffingOutputStream(OutputStream out) {
        super(out);
    }

    @Override
    public void write(int b) throws IOException {
        if (lineStart && b == '.') {
            out.write('.');
        }
        out.write(b);
        lineStart = b == '\n';
        last = b;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        int start = off;
        for (int i = off; i < off + len; i++) {
            if (lineStart && b[i] == '.') {
                out.write(b, start, i - start);
                out.write('.');
                start = i;
            }
            lineStart = b[i] == '\n';
        }
        out.write(b, start, off + len - start);
        if (len > 0) {
            last = b[off + len - 1];
        }
    }

    /** Ends the response: CRLF if the content did not end with one, then ".CRLF". */
    public void terminate() throws IOException {
        if (last != '\n') {
            out.write('\r');
            out.write('\n');
        }
        out.write(new byte[] {'.', '\r', '\n'});
    }
}
