package io.cassmail.ingest;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The process-wide budget of heap held by messages on their way in (buffers of bodies not yet durable).
 * Every submission reserves a fixed share for its session's read buffers and then what its body buffers
 * hold; when the budget is spent a new DATA is refused with 451 4.3.1 instead of allocating
 * (RFC 3463 §3.4: insufficient system resources).
 */
public final class IntakeMemory {
    /** What a DATA session holds before any body byte: its read buffers (DataReader, DataLines). */
    public static final long PER_SESSION = 32 * 1024;

    private final long limit;
    private final AtomicLong held = new AtomicLong();

    public IntakeMemory(long limit) {
        this.limit = limit;
    }

    /** No limit, for tools and tests that are not about memory. */
    public static IntakeMemory unlimited() {
        return new IntakeMemory(Long.MAX_VALUE);
    }

    /** Takes {@code bytes} from the budget if they fit; false (and nothing taken) otherwise. */
    public boolean tryReserve(long bytes) {
        while (true) {
            long now = held.get();
            if (now + bytes > limit) {
                return false;
            }
            if (held.compareAndSet(now, now + bytes)) {
                return true;
            }
        }
    }

    public void release(long bytes) {
        held.addAndGet(-bytes);
    }

    public long held() {
        return held.get();
    }

    public long limit() {
        return limit;
    }

    /** Thrown when a message would take more than the budget left: answer 451 4.3.1. */
    public static final class ExhaustedException extends java.io.IOException {
        public ExhaustedException(String message) {
            super(message);
        }
    }
}
