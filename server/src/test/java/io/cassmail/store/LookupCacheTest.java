package io.cassmail.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LookupCacheTest {
    private final AtomicLong now = new AtomicLong(1_000);
    private final AtomicInteger loads = new AtomicInteger();

    private String load(String key) {
        return key + "#" + loads.incrementAndGet();
    }

    @Test
    void aLookupIsReusedUntilItsTtlRunsOut() {
        LookupCache<String, String> cache = new LookupCache<>(Duration.ofSeconds(30), 100, now::get);
        assertThat(cache.get("a", this::load)).isEqualTo("a#1");
        now.addAndGet(Duration.ofSeconds(29).toNanos());
        assertThat(cache.get("a", this::load)).isEqualTo("a#1");
        now.addAndGet(Duration.ofSeconds(1).toNanos());
        assertThat(cache.get("a", this::load)).isEqualTo("a#2");
    }

    @Test
    void aZeroTtlLooksUpEveryTime() {
        LookupCache<String, String> cache = new LookupCache<>(Duration.ZERO, 100, now::get);
        cache.get("a", this::load);
        assertThat(cache.get("a", this::load)).isEqualTo("a#2");
        assertThat(cache.size()).isZero();
    }

    @Test
    void aForgottenKeyIsLookedUpAgain() {
        LookupCache<String, String> cache = new LookupCache<>(Duration.ofMinutes(1), 100, now::get);
        cache.get("a", this::load);
        cache.forget("a");
        assertThat(cache.get("a", this::load)).isEqualTo("a#2");
    }

    @Test
    void manyDistinctKeysNeverGrowItPastItsBound() {
        LookupCache<String, String> cache = new LookupCache<>(Duration.ofMinutes(1), 1_000, now::get);
        for (int i = 0; i < 50_000; i++) {
            cache.get("random" + i + "@example.test", this::load);
            assertThat(cache.size()).isLessThanOrEqualTo(1_000);
        }
    }
}
