package io.cassmail.imap;

import io.cassmail.mail.ReturnPath;
import io.cassmail.store.MessageStore;
import io.cassmail.store.StoredMessage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * A listed message's bytes as IMAP shows them: the delivery's {@code Return-Path:} line (when the listing counts
 * it, see {@link ReturnPath}) and then the stored body, streamed chunk by chunk; and its MIME structure, parsed
 * once per session for the last {@link #CACHED} messages asked about.
 */
final class MessageContent {
    static final int CACHED = 64;

    private final MessageStore store;
    private final Map<UUID, MimePart> structures = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<UUID, MimePart> eldest) {
            return size() > CACHED;
        }
    };

    MessageContent(MessageStore store) {
        this.store = store;
    }

    /** An open message and its length; empty when another session removed the body meanwhile. */
    record Opened(InputStream in, long length) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    Optional<Opened> open(UUID messageId, long listedSize) {
        Optional<StoredMessage> m = store.find(messageId);
        if (m.isEmpty()) {
            return Optional.empty();
        }
        byte[] prefix = ReturnPath.line(m.get().envelopeFrom());
        boolean withPrefix = listedSize == m.get().size() + prefix.length && m.get().envelopeFrom() != null;
        InputStream body = store.openBody(m.get());
        if (!withPrefix) {
            return Optional.of(new Opened(body, m.get().size()));
        }
        return Optional.of(new Opened(new SequenceInputStream(new ByteArrayInputStream(prefix), body),
                m.get().size() + prefix.length));
    }

    /** The full structure (BODYSTRUCTURE, sections); empty when the body is gone. */
    Optional<MimePart> structure(UUID messageId, long listedSize) throws IOException {
        MimePart cached = structures.get(messageId);
        if (cached != null) {
            return Optional.of(cached);
        }
        Optional<Opened> o = open(messageId, listedSize);
        if (o.isEmpty()) {
            return Optional.empty();
        }
        try (Opened opened = o.get()) {
            MimePart root = MimeParser.parse(new java.io.BufferedInputStream(opened.in(), 64 * 1024));
            structures.put(messageId, root);
            return Optional.of(root);
        }
    }

    /** The top header only (ENVELOPE, header fields): reads the first chunk, not the whole body. */
    Optional<MimePart> header(UUID messageId, long listedSize) throws IOException {
        MimePart cached = structures.get(messageId);
        if (cached != null) {
            return Optional.of(cached);
        }
        Optional<Opened> o = open(messageId, listedSize);
        if (o.isEmpty()) {
            return Optional.empty();
        }
        try (Opened opened = o.get()) {
            return Optional.of(MimeParser.header(new java.io.BufferedInputStream(opened.in(), 16 * 1024)));
        }
    }
}
