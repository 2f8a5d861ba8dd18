package io.cassmail.store;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Remembers lookups for a fixed time (like Postfix's proxymap or Dovecot's auth cache): a hit costs no store
 * request, a change made elsewhere shows after at most the TTL. Bounded: when it holds {@code maxEntries}, it
 * starts over, so random addresses from a hostile client cannot grow it. A TTL of zero turns it off.
 */
public final class LookupCache<K, V> {
    private record Entry<V>(V value, long expiresAt) {
    }

    private final Map<K, Entry<V>> entries = new ConcurrentHashMap<>();
    private final long ttlNanos;
    private final int maxEntries;
    private final LongSupplier nanoTime;

    public LookupCache(Duration ttl, int maxEntries) {
        this(ttl, maxEntries, System::nanoTime);
    }

    /** With a clock of its own, for tests. */
    public LookupCache(Duration ttl, int maxEntries, LongSupplier nanoTime) {
        this.ttlNanos = ttl.toNanos();
        this.maxEntries = maxEntries;
        this.nanoTime = nanoTime;
    }

    /** The remembered value, or what {@code load} returns now (remembered unless the cache is off). */
    public V get(K key, Function<K, V> load) {
        if (ttlNanos <= 0) {
            return load.apply(key);
        }
        long now = nanoTime.getAsLong();
        Entry<V> e = entries.get(key);
        if (e != null && now - e.expiresAt() < 0) {
            return e.value();
        }
        V value = load.apply(key);
        if (entries.size() >= maxEntries) {
            entries.clear();
        }
        entries.put(key, new Entry<>(value, now + ttlNanos));
        return value;
    }

    /** Forgets one key, after this process changed it. */
    public void forget(K key) {
        entries.remove(key);
    }

    /** Entries held now (expired ones included until they are looked up again or the cache starts over). */
    public int size() {
        return entries.size();
    }
}
