package io.cassmail.mail;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * Finds the end of a message's header section, the first empty line (RFC 5322 §2.1), as bytes stream
 * past. Lines may end in CRLF or a bare LF. The one scanner behind ingest's header capture, POP3 TOP,
 * bounces that quote the original header and the CLI's {@code messages show --headers}.
 */
public final class HeaderSection {
    private int lineLength;
    private boolean ended;

    /** Feeds one byte; returns true once the empty line that ends the header section has been fed. */
    public boolean feed(int b) {
        if (ended) {
            return true;
        }
        if (b == '\n') {
            ended = lineLength == 0;
            lineLength = 0;
        } else if (b != '\r') {
            lineLength++;
        }
        return ended;
    }

    public boolean ended() {
        return ended;
    }

    /** Copies the header section and the empty line that ends it (or everything, when there is none). */
    public static void copy(InputStream in, OutputStream out) throws IOException {
        HeaderSection scanner = new HeaderSection();
        int c;
        while ((c = in.read()) >= 0) {
            out.write(c);
            if (scanner.feed(c)) {
                return;
            }
        }
    }

    /**
     * Reads at most {@code max} bytes and returns the header fields without the empty line that ends
     * them; when no empty line comes within {@code max}, all that was read.
     */
    public static byte[] read(InputStream in, int max) throws IOException {
        byte[] head = in.readNBytes(max);
        HeaderSection scanner = new HeaderSection();
        for (int i = 0; i < head.length; i++) {
            if (scanner.feed(head[i])) {
                int end = i;
                if (end > 0 && head[end - 1] == '\r') {
                    end--;
                }
                return Arrays.copyOf(head, end);
            }
        }
        return head;
    }
}
