package io.cassmail.imap;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;

/**
 * The stored form of a parsed message ({@code messages.structure}, schema 9): per part its offsets, body lines and
 * header bytes, then its children or its message, depth first, after a version byte. Bounded: a structure larger
 * than {@link #MAX_BYTES} is kept in memory only.
 */
final class StructureCodec {
    static final int VERSION = 1;
    static final int MAX_BYTES = 256 * 1024;

    private StructureCodec() {
    }

    /** The encoded structure, or empty when it would be larger than {@link #MAX_BYTES}. */
    static Optional<byte[]> encode(MimePart root) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(1024);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            write(out, root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.size() > MAX_BYTES ? Optional.empty() : Optional.of(bytes.toByteArray());
    }

    private static void write(DataOutputStream out, MimePart p) throws IOException {
        out.writeLong(p.headerStart);
        out.writeLong(p.bodyStart);
        out.writeLong(p.bodyEnd);
        out.writeLong(p.bodyLines);
        out.writeInt(p.header.length);
        out.write(p.header);
        out.writeInt(p.children.size());
        for (MimePart c : p.children) {
            write(out, c);
        }
        out.writeBoolean(p.message != null);
        if (p.message != null) {
            write(out, p.message);
        }
    }

    /** The structure, or empty when the bytes are not one this build wrote (another version, damage). */
    static Optional<MimePart> decode(byte[] stored) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(stored))) {
            if (in.readByte() != VERSION) {
                return Optional.empty();
            }
            return Optional.of(read(in, 0));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static MimePart read(DataInputStream in, int depth) throws IOException {
        if (depth > MimeParser.MAX_DEPTH + 1) {
            throw new IOException("nested too deep");
        }
        MimePart p = new MimePart();
        p.headerStart = in.readLong();
        p.bodyStart = in.readLong();
        p.bodyEnd = in.readLong();
        p.bodyLines = in.readLong();
        int n = in.readInt();
        if (n < 0 || n > MimePart.MAX_HEADER) {
            throw new IOException("bad header length " + n);
        }
        p.header = in.readNBytes(n);
        int children = in.readInt();
        if (children < 0 || children > 100_000) {
            throw new IOException("bad part count " + children);
        }
        for (int i = 0; i < children; i++) {
            p.children.add(read(in, depth + 1));
        }
        if (in.readBoolean()) {
            p.message = read(in, depth + 1);
        }
        return p;
    }
}
