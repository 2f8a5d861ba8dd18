package io.cassmail.net;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Heap that one kind of per-session data may hold in all (POP3 login snapshots): a session reserves what it keeps and
 * gives it back when it ends; a reservation past the limit is refused, so the caller answers "try later" before the
 * heap runs out (DESIGN.md, growth rules). SMTP's in-flight message memory is one ({@code IntakeMemory}).
 */
public class MemoryBudget {
    private final long limit;
    private final AtomicLong used = new AtomicLong();

    public MemoryBudget(long limit) {
        this.limit = limit;
    }

    /** Takes {@code bytes} if they fit; false (and nothing taken) otherwise. */
    public boolean tryReserve(long bytes) {
        while (true) {
            long now = used.get();
            if (now + bytes > limit) {
                return false;
            }
            if (used.compareAndSet(now, now + bytes)) {
                return true;
            }
        }
    }

    public void release(long bytes) {
        used.addAndGet(-bytes);
    }

    public long used() {
        return used.get();
    }

    public long limit() {
        return limit;
    }
}
