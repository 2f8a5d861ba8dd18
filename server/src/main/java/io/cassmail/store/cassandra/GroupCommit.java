package io.cassmail.store.cassandra;

import io.cassmail.store.StoreUnavailableException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;
import java.util.function.ToIntFunction;

/**
 * Group commit per partition key: a write to a key with no write in flight is sent at once; writes to that key
 * that arrive while one is in flight wait for it and then go together, as one request. Each caller returns only
 * once the request that carried its value succeeded, and throws if it failed, so the caller's durability is
 * what it was with a request of its own. At most one request per key is in flight. A group holds the callers
 * waiting (each caller blocks), up to a total weight: a value that would take its group past it starts the next
 * group, which goes after it (a value heavier than the limit on its own goes alone). A caller that gives up
 * waiting is taken out of its group if that has not been sent yet.
 *
 * @param <K> what one request covers (a partition)
 * @param <V> one caller's part of it
 */
final class GroupCommit<K, V> {
    private final BiFunction<K, List<V>, CompletionStage<?>> send;
    private final ToIntFunction<V> weight;
    private final long maxWeight;
    private final Duration wait;
    /** Per key, the groups waiting for the request in flight, in the order they go. */
    private final Map<K, Deque<Group<V>>> waiting = new HashMap<>();
    private final Set<K> inFlight = new HashSet<>();

    /** Groups without a limit on their size (other than the callers waiting). */
    GroupCommit(BiFunction<K, List<V>, CompletionStage<?>> send, Duration wait) {
        this(send, v -> 0, Long.MAX_VALUE, wait);
    }

    /**
     * @param send      sends one group as one request
     * @param weight    a value's share of a request (e.g. its bytes)
     * @param maxWeight the most one group carries (a single value heavier than this goes alone)
     * @param wait      the longest a caller waits: its own request and those in flight before it (each bounded
     *                  by the driver's request timeout, so this only guards against a request that never answers)
     */
    GroupCommit(BiFunction<K, List<V>, CompletionStage<?>> send, ToIntFunction<V> weight, long maxWeight,
                Duration wait) {
        this.send = send;
        this.weight = weight;
        this.maxWeight = maxWeight;
        this.wait = wait;
    }

    /** Writes the value with whatever else is waiting for the key; returns once that request succeeded. */
    void write(K key, V value) {
        int w = weight.applyAsInt(value);
        Group<V> group;
        boolean sendNow;
        synchronized (this) {
            sendNow = inFlight.add(key);
            if (sendNow) {
                group = new Group<>();
            } else {
                Deque<Group<V>> queue = waiting.computeIfAbsent(key, k -> new ArrayDeque<>());
                group = queue.peekLast();
                if (group == null || group.weight + w > maxWeight) {
                    group = new Group<>();
                    queue.addLast(group);
                }
            }
            group.values.add(value);
            group.weight += w;
        }
        if (sendNow) {
            flush(key, group);
        }
        await(key, group, value, w);
    }

    /** How many values wait for the key's request in flight (for tests that need to know a group is complete). */
    synchronized int waiting(K key) {
        Deque<Group<V>> queue = waiting.get(key);
        return queue == null ? 0 : queue.stream().mapToInt(g -> g.values.size()).sum();
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
                Deque<Group<V>> queue = waiting.get(key);
                next = queue == null ? null : queue.pollFirst();
                if (queue != null && queue.isEmpty()) {
                    waiting.remove(key);
                }
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

    private void await(K key, Group<V> group, V value, int w) {
        try {
            group.done.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() instanceof java.util.concurrent.CompletionException c && c.getCause() != null
                    ? c.getCause() : e.getCause();
            throw new StoreUnavailableException("Cassandra request failed: " + cause.getMessage(), cause);
        } catch (TimeoutException e) {
            withdraw(key, group, value, w);
            throw new StoreUnavailableException("Cassandra did not answer a grouped write within " + wait.toMillis()
                    + " ms", e);
        } catch (InterruptedException e) {
            withdraw(key, group, value, w);
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted while waiting for a grouped write", e);
        }
    }

    /**
     * Takes the value of a caller that gave up out of its group if that group has not been sent yet, so nothing is
     * written after its caller was told it failed (a caller may rely on that, e.g. a worker that must write within
     * a time window). A group already sent cannot be recalled; its request is bounded by the driver's timeout.
     */
    private synchronized void withdraw(K key, Group<V> group, V value, int w) {
        Deque<Group<V>> queue = waiting.get(key);
        if (queue == null || !queue.contains(group)) {
            return;
        }
        for (int i = 0; i < group.values.size(); i++) {
            if (group.values.get(i) == value) {
                group.values.remove(i);
                group.weight -= w;
                break;
            }
        }
        if (group.values.isEmpty()) {
            queue.remove(group);
            if (queue.isEmpty()) {
                waiting.remove(key);
            }
        }
    }

    private static final class Group<V> {
        final List<V> values = new ArrayList<>();
        long weight;
        final CompletableFuture<Void> done = new CompletableFuture<>();
    }
}
