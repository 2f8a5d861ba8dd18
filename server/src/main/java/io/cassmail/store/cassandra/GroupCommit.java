package io.cassmail.store.cassandra;

import io.cassmail.store.StoreUnavailableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;

/**
 * Group commit per partition key: a write to a key with no write in flight is sent at once; writes to that key
 * that arrive while one is in flight wait for it and then go together, as one request. Each caller returns only
 * once the request that carried its value succeeded, and throws if it failed, so the caller's durability is
 * what it was with a request of its own. At most one request per key is in flight; groups are as large as the
 * callers waiting (each caller blocks), so their size is bounded by the threads that write.
 *
 * @param <K> what one request covers (a partition)
 * @param <V> one caller's part of it
 */
final class GroupCommit<K, V> {
    private final BiFunction<K, List<V>, CompletionStage<?>> send;
    private final Duration wait;
    private final Map<K, Group<V>> waiting = new HashMap<>();
    private final Map<K, Boolean> inFlight = new HashMap<>();

    /**
     * @param send sends one group as one request
     * @param wait the longest a caller waits: its own request and the one in flight before it (each bounded
     *             by the driver's request timeout, so this only guards against a request that never answers)
     */
    GroupCommit(BiFunction<K, List<V>, CompletionStage<?>> send, Duration wait) {
        this.send = send;
        this.wait = wait;
    }

    /** Writes the value with whatever else is waiting for the key; returns once that request succeeded. */
    void write(K key, V value) {
        Group<V> group;
        boolean sendNow;
        synchronized (this) {
            group = waiting.computeIfAbsent(key, k -> new Group<>());
            group.values.add(value);
            sendNow = inFlight.putIfAbsent(key, Boolean.TRUE) == null;
            if (sendNow) {
                waiting.remove(key);
            }
        }
        if (sendNow) {
            flush(key, group);
        }
        await(group.done);
    }

    /** How many values wait for the key's request in flight (for tests that need to know a group is complete). */
    synchronized int waiting(K key) {
        Group<V> g = waiting.get(key);
        return g == null ? 0 : g.values.size();
    }

    private void flush(K key, Group<V> group) {
        CompletionStage<?> sent;
        try {
            sent = send.apply(key, group.values);
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        sent.whenComplete((result, error) -> {
            Group<V> next;
            synchronized (this) {
                next = waiting.remove(key);
                if (next == null) {
                    inFlight.remove(key);
                }
            }
            if (error != null) {
                group.done.completeExceptionally(error);
            } else {
                group.done.complete(null);
            }
            if (next != null) {
                flush(key, next);
            }
        });
    }

    private void await(CompletableFuture<Void> done) {
        try {
            done.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() instanceof java.util.concurrent.CompletionException c && c.getCause() != null
                    ? c.getCause() : e.getCause();
            throw new StoreUnavailableException("Cassandra request failed: " + cause.getMessage(), cause);
        } catch (TimeoutException e) {
            throw new StoreUnavailableException("Cassandra did not answer a grouped write within " + wait.toMillis()
                    + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted while waiting for a grouped write", e);
        }
    }

    private static final class Group<V> {
        final List<V> values = new ArrayList<>();
        final CompletableFuture<Void> done = new CompletableFuture<>();
    }
}
