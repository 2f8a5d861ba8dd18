package io.cassmail.store.memory;

import io.cassmail.store.BodyWriter;
import io.cassmail.store.MessageStore;
import io.cassmail.store.StoredMessage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/** {@link MessageStore} in memory: bodies as byte arrays, counted in chunks of the same size as Cassandra's. */
public final class MemoryMessageStore extends MemoryStore implements MessageStore {
    private final int chunkSize;
    private final Map<UUID, byte[]> bodies = new ConcurrentHashMap<>();
    private final Map<UUID, StoredMessage> rows = new ConcurrentHashMap<>();
    private final Map<UUID, byte[]> structures = new ConcurrentHashMap<>();

    public MemoryMessageStore(int chunkSize) {
        this.chunkSize = chunkSize;
    }

    @Override
    public BodyWriter newBody(UUID messageId) {
        check();
        return new BodyWriter() {
            private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            private boolean aborted;
            private boolean headLater;
            private byte[] head;

            @Override
            public void deferHead() {
                headLater = true;
            }

            @Override
            public void head(byte[] h) {
                if (!headLater || head != null) {
                    throw new IllegalStateException("head() needs deferHead() first, and comes once");
                }
                head = h;
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                if (aborted) {
                    throw new IOException("body of " + messageId + " was aborted");
                }
                bytes.write(b, off, len);
            }

            @Override
            public int finish() throws IOException {
                try {
                    check();
                } catch (RuntimeException e) {
                    throw new IOException("storing message " + messageId + " failed: " + e.getMessage(), e);
                }
                if (headLater && head == null) {
                    throw new IOException("message " + messageId + ": its header section was never given");
                }
                byte[] body = bytes.toByteArray();
                byte[] all = body;
                if (head != null) {
                    all = new byte[head.length + body.length];
                    System.arraycopy(head, 0, all, 0, head.length);
                    System.arraycopy(body, 0, all, head.length, body.length);
                }
                bodies.put(messageId, all);
                return Math.max(1, (all.length + chunkSize - 1) / chunkSize);
            }

            @Override
            public long size() {
                return bytes.size() + (head == null ? 0 : head.length);
            }

            @Override
            public long buffered() {
                return bytes.size();
            }

            @Override
            public void abort() {
                aborted = true;
                bodies.remove(messageId); // as in Cassandra: whatever landed goes, best effort, even in an outage
                rows.remove(messageId);

            }
        };
    }

    @Override
    public void save(StoredMessage message) {
        check();
        rows.put(message.id(), message);
    }

    @Override
    public Optional<StoredMessage> find(UUID messageId) {
        check();
        return Optional.ofNullable(rows.get(messageId));
    }

    @Override
    public InputStream openBody(StoredMessage message) {
        check();
        byte[] body = bodies.get(message.id());
        if (body == null) {
            return new InputStream() {
                @Override
                public int read() throws IOException {
                    throw new IOException("chunk 0 of message " + message.id() + " is missing");
                }
            };
        }
        return new ByteArrayInputStream(body);
    }

    @Override
    public Optional<byte[]> structure(UUID messageId) {
        return rows.containsKey(messageId) ? Optional.ofNullable(structures.get(messageId)) : Optional.empty();
    }

    @Override
    public void saveStructure(UUID messageId, byte[] structure, java.time.Duration ttl) {
        structures.put(messageId, structure.clone());
    }

    @Override
    public void delete(UUID messageId) {
        structures.remove(messageId);
        check();
        bodies.remove(messageId);
        rows.remove(messageId);
    }

    /** Whether any body bytes of the message are stored (for tests of body lifetime). */
    public boolean hasBody(UUID messageId) {
        return bodies.containsKey(messageId);
    }
}
