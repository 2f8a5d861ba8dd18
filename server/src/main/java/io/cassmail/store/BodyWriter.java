package io.cassmail.store;

import java.io.IOException;

/** Receives a message body as it streams in and stores it in bounded chunks. */
public interface BodyWriter extends AutoCloseable {

    void write(byte[] bytes, int offset, int length) throws IOException;

    /** Flushes the last chunk and waits until every chunk is durable; returns the chunk count. */
    int finish() throws IOException;

    long size();

    /** Bytes of heap this writer holds right now: the chunk being filled and chunks still being written. */
    long buffered();

    /** Gives up on the body: stops writing and removes what was written (best effort). */
    void abort();

    @Override
    default void close() {
    }
}
