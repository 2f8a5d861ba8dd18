package io.cassmail.store.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import io.cassmail.store.BodyWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes a body as fixed-size chunks while it streams in, with a few chunk writes in flight, so a 30 MiB
 * message needs only a few chunk buffers of heap and no Cassandra mutation grows with message size. The
 * chunk buffer starts small and doubles as bytes arrive, so a session that sent little holds little.
 */
final class ChunkedBodyWriter implements BodyWriter {
    private final CqlSession session;
    private final PreparedStatement insertChunk;
    private final UUID messageId;
    private final Semaphore inFlight;
    private final Runnable cleanup;
    private static final int FIRST_BUFFER = 4096;

    private final List<CompletableFuture<?>> writes = new ArrayList<>();
    private final AtomicLong writing = new AtomicLong();
    private final int chunkSize;
    private byte[] buffer;
    private int filled;
    private int chunks;
    private long size;
    private volatile Throwable failure;
    private ByteBuffer held;
    private boolean headLater;
    private byte[] head;

    ChunkedBodyWriter(CqlSession session, PreparedStatement insertChunk, UUID messageId, int chunkSize, int maxInFlight,
                      Runnable cleanup) {
        this.session = session;
        this.insertChunk = insertChunk;
        this.messageId = messageId;
        this.inFlight = new Semaphore(maxInFlight);
        this.cleanup = cleanup;
        this.chunkSize = chunkSize;
        this.buffer = new byte[Math.min(FIRST_BUFFER, chunkSize)];
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        while (length > 0) {
            if (filled == buffer.length) {
                buffer = Arrays.copyOf(buffer, Math.min(chunkSize, Math.max(buffer.length * 2, filled + length)));
            }
            int n = Math.min(length, buffer.length - filled);
            System.arraycopy(bytes, offset, buffer, filled, n);
            filled += n;
            offset += n;
            length -= n;
            size += n;
            if (filled == chunkSize) {
                flushChunk();
            }
        }
    }

    @Override
    public void deferHead() {
        if (size > 0 || chunks > 0) {
            throw new IllegalStateException("the head must be deferred before the first byte");
        }
        headLater = true;
        chunks = 1; // chunk 0 is the head's
    }

    @Override
    public void head(byte[] bytes) {
        if (!headLater || head != null) {
            throw new IllegalStateException("head() needs deferHead() first, and comes once");
        }
        head = bytes;
        size += bytes.length;
    }

    /**
     * Places the deferred head: in front of the body when no body chunk has gone yet (one chunk, a little larger than
     * the others: readers only stream chunks in order), else as chunk 0 of its own.
     */
    private void placeHead() throws IOException {
        if (!headLater) {
            return;
        }
        if (head == null) {
            throw new IOException("message " + messageId + ": its header section was never given");
        }
        headLater = false;
        if (chunks == 1) {
            byte[] merged = new byte[head.length + filled];
            System.arraycopy(head, 0, merged, 0, head.length);
            System.arraycopy(buffer, 0, merged, head.length, filled);
            buffer = merged;
            filled = merged.length;
            chunks = 0;
        } else {
            acquirePermit();
            write(0, ByteBuffer.wrap(head));
        }
        head = null;
    }

    @Override
    public int finish() throws IOException {
        placeHead();
        if (held != null) {
            ByteBuffer last = held;
            held = null;
            acquirePermit();
            write(chunks - 1, last); // its number was counted when it was held
        } else if (filled > 0 || chunks == 0) {
            flushChunk();
        }
        awaitWrites();
        return chunks;
    }

    @Override
    public int finishHoldingLast() throws IOException {
        placeHead();
        if (held == null && (filled > 0 || chunks == 0)) {
            held = ByteBuffer.wrap(buffer, 0, filled);
            buffer = null;
            filled = 0;
            chunks++;
        }
        awaitWrites();
        return chunks;
    }

    /** The chunk {@link #finishHoldingLast()} kept back, bound for writing; null when there is none. */
    BoundStatement heldChunk() {
        return held == null ? null : insertChunk.bind(messageId, chunks - 1, held);
    }

    private void awaitWrites() throws IOException {
        try {
            CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IOException("storing message " + messageId + " failed: " + e.getCause().getMessage(), e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IOException("storing message " + messageId + " timed out", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while storing message " + messageId, e);
        }
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public long buffered() {
        byte[] b = buffer;
        ByteBuffer h = held;
        byte[] d = head;
        return (b == null ? 0 : b.length) + (h == null ? 0 : h.capacity()) + (d == null ? 0 : d.length) + writing.get();
    }

    @Override
    public void abort() {
        buffer = null;
        held = null;
        for (CompletableFuture<?> w : writes) {
            try {
                w.get(30, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // the delete below covers whatever did land
            }
        }
        try {
            cleanup.run();
        } catch (RuntimeException ignored) {
            // an orphan body with no message row and no mailbox entry is invisible to users
        }
    }

    private void flushChunk() throws IOException {
        acquirePermit();
        write(chunks++, ByteBuffer.wrap(buffer, 0, filled));
        // the driver encodes asynchronously, so the buffer just handed over must not be reused
        buffer = new byte[Math.min(FIRST_BUFFER, chunkSize)];
        filled = 0;
    }

    private void acquirePermit() throws IOException {
        if (failure != null) {
            throw new IOException("storing message " + messageId + " failed: " + failure.getMessage(), failure);
        }
        try {
            if (!inFlight.tryAcquire(60, TimeUnit.SECONDS)) {
                throw new IOException("storing message " + messageId + " timed out");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while storing message " + messageId, e);
        }
    }

    /** Starts writing chunk number {@code index}; the caller holds a permit of {@code inFlight}. */
    private void write(int index, ByteBuffer data) {
        CompletableFuture<?> write = session.executeAsync(insertChunk.bind(messageId, index, data)).toCompletableFuture();
        int bytes = data.capacity();
        writing.addAndGet(bytes);
        write.whenComplete((r, t) -> {
            if (t != null) {
                failure = t;
            }
            writing.addAndGet(-bytes);
            inFlight.release();
        });
        writes.add(write);
    }
}
