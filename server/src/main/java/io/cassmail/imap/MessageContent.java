package io.cassmail.imap;

import io.cassmail.mail.ReturnPath;
import io.cassmail.store.MessageStore;
import io.cassmail.store.StoredMessage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.Optional;
import java.util.UUID;

/**
 * A listed message's bytes as IMAP shows them: the delivery's {@code Return-Path:} line (when the listing counts
 * it, see {@link ReturnPath}) and then the stored body, streamed chunk by chunk; and its header or MIME structure,
 * parsed once and kept in the process's {@link StructureCache}. Many at once are read in parallel ({@link #prefetch}).
 */
final class MessageContent {
    private final MessageStore store;
    private final StructureCache cache;
    private final java.util.concurrent.ExecutorService readers;

    MessageContent(MessageStore store, StructureCache cache, java.util.concurrent.ExecutorService readers) {
        this.store = store;
        this.cache = cache;
        this.readers = readers;
    }

    /**
     * Reads the headers (or structures) of many messages at once on the shared readers, so a FETCH of 50 envelopes
     * waits for about one read instead of fifty in a row; what fails here is read again, and reported, in order.
     */
    void prefetch(java.util.List<UUID> ids, java.util.List<Long> sizes, boolean full) {
        java.util.List<java.util.concurrent.Future<?>> reads = new java.util.ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            StructureCache.Key k = new StructureCache.Key(ids.get(i), sizes.get(i));
            if ((full ? cache.structure(k) : cache.header(k)) != null) {
                continue;
            }
            UUID id = ids.get(i);
            long size = sizes.get(i);
            reads.add(readers.submit(() -> full ? structure(id, size) : header(id, size)));
        }
        for (java.util.concurrent.Future<?> f : reads) {
            try {
                f.get(30, java.util.concurrent.TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                // read again in order by the caller, which reports what fails
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
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
        return parsed(messageId, listedSize, true);
    }

    /** The top header only (ENVELOPE, header fields): reads the first chunk, not the whole body. */
    Optional<MimePart> header(UUID messageId, long listedSize) throws IOException {
        return parsed(messageId, listedSize, false);
    }

    /** How long a stored structure lives; then the first session to need it parses and stores it again. */
    static final java.time.Duration STORED_FOR = java.time.Duration.ofDays(30);

    private Optional<MimePart> parsed(UUID messageId, long listedSize, boolean full) throws IOException {
        StructureCache.Key key = new StructureCache.Key(messageId, listedSize);
        MimePart cached = full ? cache.structure(key) : cache.header(key);
        if (cached != null) {
            return Optional.of(cached);
        }
        // parsed before, by this or another process: stored with the message (schema 9); a structure describes the
        // message as listed (with the delivery's Return-Path line, or without as APPEND stores it), so sizes must agree
        Optional<MimePart> stored = store.structure(messageId).flatMap(StructureCodec::decode)
                .filter(p -> p.headerStart == 0 && p.bodyEnd == listedSize);
        if (stored.isPresent()) {
            cache.putStructure(key, stored.get());
            return stored;
        }
        Optional<Opened> o = open(messageId, listedSize);
        if (o.isEmpty()) {
            return Optional.empty();
        }
        // a message of one chunk costs the same read whole as its header alone: parse it all, and store that
        boolean all = full || listedSize <= io.cassmail.store.MessageStore.CHUNK_SIZE;
        try (Opened opened = o.get()) {
            java.io.BufferedInputStream in = new java.io.BufferedInputStream(opened.in(), all ? 64 * 1024 : 16 * 1024);
            MimePart part = all ? MimeParser.parse(in) : MimeParser.header(in);
            if (all) {
                cache.putStructure(key, part);
                if (opened.length() == listedSize) {
                    StructureCodec.encode(part).ifPresent(bytes -> readers.execute(() -> {
                        try {
                            store.saveStructure(messageId, bytes, STORED_FOR);
                        } catch (RuntimeException e) {
                            org.slf4j.LoggerFactory.getLogger(MessageContent.class).debug(
                                    "structure of {} not stored: {}", messageId, e.toString());
                        }
                    }));
                }
            } else {
                cache.putHeader(key, part);
            }
            return Optional.of(part);
        }
    }
}
