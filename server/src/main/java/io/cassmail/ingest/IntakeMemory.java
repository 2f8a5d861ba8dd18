package io.cassmail.ingest;

import io.cassmail.net.MemoryBudget;

/**
 * The process-wide budget of heap held by messages on their way in (buffers of bodies not yet durable).
 * Every submission reserves a fixed share for its session's read buffers and then what its body buffers
 * hold; when the budget is spent a new DATA is refused with 451 4.3.1 instead of allocating
 * (RFC 3463 §3.4: insufficient system resources).
 */
public final class IntakeMemory extends MemoryBudget {
    /** What a DATA session holds before any body byte: its read buffers (DataReader, DataLines). */
    public static final long PER_SESSION = 32 * 1024;

    public IntakeMemory(long limit) {
        super(limit);
    }

    /** No limit, for tools and tests that are not about memory. */
    public static IntakeMemory unlimited() {
        return new IntakeMemory(Long.MAX_VALUE);
    }

    public long held() {
        return used();
    }

    /** Thrown when a message would take more than the budget left: answer 451 4.3.1. */
    public static final class ExhaustedException extends java.io.IOException {
        public ExhaustedException(String message) {
            super(message);
        }
    }
}
