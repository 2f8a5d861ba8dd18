package io.cassmail.store;

import java.io.InputStream;
import java.util.Optional;
import java.util.UUID;

/** Raw message bodies in chunks plus the message row. */
public interface MessageStore {
    /** Bodies are stored in chunks of this size, which keeps every mutation far below the 16 MiB commitlog cap. */
    int CHUNK_SIZE = 128 * 1024;

    /** Starts writing the body of a new message; chunks are written while the client is still sending. */
    BodyWriter newBody(UUID messageId);

    /** Writes the message row; call after the body writer closed. */
    void save(StoredMessage message);

    Optional<StoredMessage> find(UUID messageId);

    /** Streams the stored bytes chunk by chunk; never holds more than two chunks. */
    InputStream openBody(StoredMessage message);

    /** The MIME structure IMAP stored for a message (schema 9), if one was and it has not expired. */
    default Optional<byte[]> structure(UUID messageId) {
        return Optional.empty();
    }

    /** Keeps a message's MIME structure for {@code ttl} (IMAP's own encoding; a few KiB). */
    default void saveStructure(UUID messageId, byte[] structure, java.time.Duration ttl) {
    }

    /** Removes the row and every chunk of a message. */
    void delete(UUID messageId);
}
