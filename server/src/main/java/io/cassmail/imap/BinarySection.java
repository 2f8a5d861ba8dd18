package io.cassmail.imap;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * BINARY[section] and BINARY.SIZE[section] (RFC 3516, RFC 9051 §6.4.5): a leaf part with its content transfer
 * encoding undone, streamed twice from the chunks (once to count, once to send), never whole on the heap. Sent as
 * {@code ~{n}} (literal8) when the decoded bytes hold a NUL.
 */
final class BinarySection {
    private BinarySection() {
    }

    /** The decoder of a part's transfer encoding; null for one this server does not know (UNKNOWN-CTE). */
    static UnaryOperator<InputStream> decoder(MimePart part) {
        if (!part.children.isEmpty() || part.message != null) {
            return in -> in; // not a leaf: its bytes as they are
        }
        String encoding = MimePart.mainToken(part.field("Content-Transfer-Encoding"));
        if (encoding == null || encoding.equalsIgnoreCase("7bit") || encoding.equalsIgnoreCase("8bit")
                || encoding.equalsIgnoreCase("binary")) {
            return in -> in;
        }
        if (encoding.equalsIgnoreCase("base64")) {
            return org.apache.james.mime4j.codec.Base64InputStream::new;
        }
        if (encoding.equalsIgnoreCase("quoted-printable")) {
            return org.apache.james.mime4j.codec.QuotedPrintableInputStream::new;
        }
        return null;
    }

    static void write(ImapSession s, SelectedFolder f, int m, FetchItem item) throws IOException {
        ImapWriter w = s.out();
        w.raw(item.label() + " ");
        long start;
        long end;
        UnaryOperator<InputStream> decode;
        if (item.path().length == 0) {
            start = 0;
            end = f.size(m);
            decode = in -> in;
        } else {
            Optional<MimePart> root = s.content().structure(f.messageId(m), f.size(m));
            MimePart part = root.map(r -> FetchCommand.resolve(r, item.path())).orElse(null);
            if (part == null) {
                w.raw(item.name().equals("BINARY.SIZE[") ? "0" : "\"\"");
                return;
            }
            start = part.bodyStart;
            end = part.bodyEnd;
            decode = decoder(part);
        }
        long[] counted = count(s, f, m, start, end, decode);
        if (counted == null) {
            w.raw(item.name().equals("BINARY.SIZE[") ? "0" : "NIL");
            return;
        }
        long size = counted[0];
        if (item.name().equals("BINARY.SIZE[")) {
            w.raw(Long.toString(size));
            return;
        }
        long from = Math.min(item.offset(), size);
        long length = item.length() < 0 ? size - from : Math.min(item.length(), size - from);
        Optional<MessageContent.Opened> o = s.content().open(f.messageId(m), f.size(m));
        if (o.isEmpty()) {
            w.raw("NIL");
            return;
        }
        try (InputStream raw = o.get().in()) {
            raw.skipNBytes(start);
            InputStream decoded = decode.apply(new Bounded(raw, end - start));
            decoded.skipNBytes(from);
            if (counted[1] != 0) {
                w.raw("~");
            }
            w.literal(length, decoded);
        }
    }

    /** Decoded size and whether a NUL is among the bytes, or null when the body is gone. */
    private static long[] count(ImapSession s, SelectedFolder f, int m, long start, long end,
                                UnaryOperator<InputStream> decode) throws IOException {
        Optional<MessageContent.Opened> o = s.content().open(f.messageId(m), f.size(m));
        if (o.isEmpty()) {
            return null;
        }
        try (InputStream raw = new java.io.BufferedInputStream(o.get().in(), 64 * 1024)) {
            raw.skipNBytes(start);
            InputStream decoded = decode.apply(new Bounded(raw, end - start));
            byte[] buf = new byte[16 * 1024];
            long n = 0;
            boolean nul = false;
            int r;
            while ((r = decoded.read(buf)) > 0) {
                n += r;
                for (int i = 0; i < r && !nul; i++) {
                    nul = buf[i] == 0;
                }
            }
            return new long[] {n, nul ? 1 : 0};
        }
    }

    /** At most {@code left} bytes of a stream, without closing it. */
    static final class Bounded extends InputStream {
        private final InputStream in;
        private long left;

        Bounded(InputStream in, long left) {
            this.in = in;
            this.left = left;
        }

        @Override
        public int read() throws IOException {
            if (left <= 0) {
                return -1;
            }
            int c = in.read();
            if (c >= 0) {
                left--;
            }
            return c;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left <= 0) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n > 0) {
                left -= n;
            }
            return n;
        }
    }
}
