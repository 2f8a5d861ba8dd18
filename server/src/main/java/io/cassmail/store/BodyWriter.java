package io.cassmail.store;

import java.io.IOException;

/** Receives a message body as it streams in and stores it in bounded chunks. */
public interface BodyWriter extends AutoCloseable {

    void write(byte[] bytes, int offset, int length) throws IOException;

    /** Flushes the last chunk and waits until every chunk is durable; returns the chunk count. */
    int finish() throws IOException;

    /**
     * Waits until every chunk but the last is durable and keeps the last one back, for {@link AcceptedWrites}
     * to write together with the message row; returns the chunk count, the last one included. A later
     * {@link #finish()} writes it. By default the same as {@link #finish()}.
     */
    default int finishHoldingLast() throws IOException {
        return finish();
    }

    /**
     * Writes that follow are the body only; the header section comes later through {@link #head(byte[])}, before
     * {@link #finish()}, and is stored in front of them (the MX adds Authentication-Results: once the checks are done).
     */
    default void deferHead() {
        throw new UnsupportedOperationException("this body writer cannot take its head last");
    }

    /** The deferred head; once, after {@link #deferHead()}. */
    default void head(byte[] bytes) {
        throw new UnsupportedOperationException("this body writer cannot take its head last");
    }

    long size();

    /** Bytes of heap this writer holds right now: the chunk being filled and chunks still being written. */
    long buffered();

    /** Gives up on the body: stops writing and removes what was written (best effort). */
    void abort();

    @Override
    default void close() {
    }
}
