package io.cassmail.net;

import java.io.IOException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One session at a time per key (an account's maildrop, RFC 1939 §8's exclusive-access lock), across however many
 * front ends serve it when the implementation is shared (RabbitMQ's, in {@code queue}); {@link #local()} holds
 * within this process only.
 */
public interface SessionLocks {

    /** A held lock; closing releases it. */
    interface Held extends AutoCloseable {
        @Override
        void close();
    }

    /** The lock for {@code key}, or empty when another session holds it. */
    Optional<Held> tryLock(String key) throws IOException;

    /** Locks held in this process's memory. */
    static SessionLocks local() {
        Set<String> held = ConcurrentHashMap.newKeySet();
        return key -> held.add(key) ? Optional.of(() -> held.remove(key)) : Optional.empty();
    }
}
