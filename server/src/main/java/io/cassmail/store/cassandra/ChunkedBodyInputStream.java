package io.cassmail.store.cassandra;

import io.cassmail.store.StoreUnavailableException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.function.IntFunction;

/** Reads a stored body one chunk at a time, so only one chunk is on the heap whatever the message size. */
final class ChunkedBodyInputStream extends InputStream {
    private final int chunkCount;
    private final IntFunction<ByteBuffer> loader;
    private int next;
    private ByteBuffer current = ByteBuffer.allocate(0);

    ChunkedBodyInputStream(int chunkCount, IntFunction<ByteBuffer> loader) {
        this.chunkCount = chunkCount;
        this.loader = loader;
    }

    @Override
    public int read() throws IOException {
        if (!ensure()) {
            return -1;
        }
        return current.get() & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (!ensure()) {
            return -1;
        }
        int n = Math.min(len, current.remaining());
        current.get(b, off, n);
        return n;
    }

    private boolean ensure() throws IOException {
        while (!current.hasRemaining()) {
            if (next >= chunkCount) {
                return false;
            }
            try {
                current = loader.apply(next++).duplicate();
            } catch (StoreUnavailableException e) {
                throw new IOException(e.getMessage(), e);
            }
        }
        return true;
    }
}
