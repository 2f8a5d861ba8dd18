package io.cassmail.ingest;

import io.cassmail.mail.HeaderSection;
import java.io.ByteArrayOutputStream;

/**
 * Keeps the header section of a streaming message (up to the first empty line, at most 256 KiB) for the
 * summary. The buffer grows with what arrives, so a session that has sent little holds little.
 */
final class HeaderCapture {
    private static final int LIMIT = 256 * 1024;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(1024);
    private final HeaderSection section = new HeaderSection();

    void write(byte[] b, int off, int len) {
        for (int i = off; i < off + len && !section.ended() && buffer.size() < LIMIT; i++) {
            buffer.write(b[i]);
            section.feed(b[i]);
        }
    }

    /** Bytes kept so far. */
    int size() {
        return buffer.size();
    }

    byte[] bytes() {
        return buffer.toByteArray();
    }
}
