package io.cassmail.imap;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Finds the MIME structure of a message in one streaming pass (RFC 2046 §5.1.1 boundaries, §5.2.1 message/rfc822),
 * holding one line prefix and each part's header (bounded) on the heap, never a body. Parts nest at most
 * {@link #MAX_DEPTH} deep; deeper ones are opaque.
 */
final class MimeParser {
    static final int MAX_DEPTH = 40;
    private static final int PREFIX = 512;

    private final InputStream in;
    private long pos;
    private long lines;
    private Line pending;

    /** A line read ahead: where it starts and ends, its line ending's length, and its first bytes. */
    private static final class Line {
        long start;
        long end;
        int eol;
        byte[] prefix;
        int length;
        boolean longer;

        boolean blank() {
            return length == 0 && !longer;
        }
    }

    private MimeParser(InputStream in) {
        this.in = in;
    }

    /** The structure of the message {@code in} streams (read to its end). */
    static MimePart parse(InputStream in) throws IOException {
        MimeParser p = new MimeParser(in);
        MimePart root = p.part(new ArrayDeque<>(), false, 0);
        while (p.next() != null) {
            p.consume();
        }
        return root;
    }

    /** Only the top header section (ENVELOPE, HEADER fields), reading no further than the blank line. */
    static MimePart header(InputStream in) throws IOException {
        MimeParser p = new MimeParser(in);
        MimePart part = new MimePart();
        p.header(part, new ArrayDeque<>());
        return part;
    }

    private Line next() throws IOException {
        return next(PREFIX);
    }

    /** The next line, keeping at most {@code keep} of its bytes (header lines keep more). */
    private Line next(int keep) throws IOException {
        if (pending != null) {
            return pending;
        }
        Line l = new Line();
        l.start = pos;
        byte[] buf = new byte[Math.min(keep, PREFIX)];
        int n = 0;
        int c;
        int prev = -1;
        boolean any = false;
        while ((c = in.read()) >= 0) {
            any = true;
            pos++;
            if (c == '\n') {
                l.eol = prev == '\r' ? 2 : 1;
                break;
            }
            if (n < keep) {
                if (n == buf.length) {
                    buf = java.util.Arrays.copyOf(buf, Math.min(keep, buf.length * 2));
                }
                buf[n] = (byte) c;
            }
            n++;
            prev = c;
        }
        if (!any) {
            return null;
        }
        if (l.eol == 2) {
            n--; // the CR
        }
        l.end = pos;
        l.length = Math.min(n, keep);
        l.longer = n > keep;
        l.prefix = buf;
        pending = l;
        return l;
    }

    private void consume() {
        if (pending.eol > 0) {
            lines++;
        }
        pending = null;
    }

    /** The line breaks in a body from {@code firstLine} on, less the last one when a boundary took it (RFC 2046 §5.1.1). */
    private long bodyLines(long firstLine) {
        return Math.max(0, lines - firstLine - (endedAtBoundary && lastEol > 0 ? 1 : 0));
    }

    private boolean endedAtBoundary;

    /** 0: not a boundary; 1: opens a part of the boundary at that depth from the top; -1: closes it. */
    private static int[] boundary(Line l, Deque<byte[]> boundaries) {
        if (l.length < 3 || l.prefix[0] != '-' || l.prefix[1] != '-' || boundaries.isEmpty()) {
            return null;
        }
        int depth = 0;
        for (byte[] b : boundaries) { // innermost first
            if (l.length >= 2 + b.length && startsWith(l.prefix, 2, b)) {
                int rest = 2 + b.length;
                boolean close = l.length >= rest + 2 && l.prefix[rest] == '-' && l.prefix[rest + 1] == '-';
                int k = close ? rest + 2 : rest;
                boolean tail = true;
                for (int i = k; i < l.length; i++) {
                    if (l.prefix[i] != ' ' && l.prefix[i] != '\t') {
                        tail = false;
                        break;
                    }
                }
                if (tail && !l.longer) {
                    return new int[] {depth, close ? -1 : 1};
                }
            }
            depth++;
        }
        return null;
    }

    private static boolean startsWith(byte[] a, int off, byte[] b) {
        for (int i = 0; i < b.length; i++) {
            if (a[off + i] != b[i]) {
                return false;
            }
        }
        return true;
    }

    /** Reads a header section up to and including its blank line, or up to a boundary. */
    private void header(MimePart part, Deque<byte[]> boundaries) throws IOException {
        part.headerStart = pos;
        ByteArrayOutputStream header = new ByteArrayOutputStream();
        Line l;
        while ((l = next(Math.max(PREFIX, MimePart.MAX_HEADER - header.size()))) != null) {
            if (boundary(l, boundaries) != null) {
                break;
            }
            consume();
            if (header.size() + l.length + 2 <= MimePart.MAX_HEADER) {
                header.write(l.prefix, 0, l.length);
                header.write('\r');
                header.write('\n');
            }
            if (l.blank()) {
                break;
            }
        }
        part.header = header.toByteArray();
        part.bodyStart = pos;
    }

    private MimePart part(Deque<byte[]> boundaries, boolean inDigest, int depth) throws IOException {
        MimePart part = new MimePart();
        header(part, boundaries);
        long firstLine = lines;
        MimePart.ContentType type = part.contentType(inDigest);
        String boundary = type.is("multipart", null) ? type.param("boundary") : null;
        if (depth < MAX_DEPTH && boundary != null && !boundary.isEmpty() && boundary.length() <= 200) {
            boundaries.push(boundary.getBytes(StandardCharsets.ISO_8859_1));
            boolean digest = type.is("multipart", "digest");
            long end = body(boundaries); // the preamble, up to the first boundary
            Line l = pending;
            while (l != null) {
                int[] b = boundary(l, boundaries);
                if (b == null || b[0] != 0) {
                    break; // an outer boundary ends this multipart without its close
                }
                consume();
                if (b[1] < 0) {
                    boundaries.pop();
                    end = body(boundaries); // the epilogue
                    part.bodyEnd = end;
                    part.bodyLines = bodyLines(firstLine);
                    return part;
                }
                part.children.add(part(boundaries, digest, depth + 1));
                l = next();
            }
            boundaries.pop();
            part.bodyEnd = l == null ? pos : Math.max(part.bodyStart, l.start - lastEol);
            part.bodyLines = bodyLines(firstLine);
            return part;
        }
        if (depth < MAX_DEPTH && type.is("message", "rfc822")) {
            part.message = part(boundaries, false, depth + 1);
            part.bodyEnd = part.message.bodyEnd;
            part.bodyLines = bodyLines(firstLine);
            return part;
        }
        part.bodyEnd = body(boundaries);
        part.bodyLines = bodyLines(firstLine);
        return part;
    }

    private int lastEol;

    /**
     * Reads lines until a boundary line (left pending) or the end; returns where the content ended: before the
     * line ending that belongs to the boundary (RFC 2046 §5.1.1).
     */
    private long body(Deque<byte[]> boundaries) throws IOException {
        long start = pos;
        lastEol = 0;
        endedAtBoundary = false;
        Line l;
        while ((l = next()) != null) {
            if (boundary(l, boundaries) != null) {
                endedAtBoundary = true;
                return Math.max(start, l.start - lastEol);
            }
            consume();
            lastEol = l.eol;
        }
        return pos;
    }
}
