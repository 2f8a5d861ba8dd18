package io.cassmail.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.cassmail.store.memory.MemoryDirectory;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class CachingDirectoryTest {
    private final MemoryDirectory store = new MemoryDirectory();
    private final CachingDirectory cached = new CachingDirectory(store, Duration.ofHours(1));

    @Test
    void aChangeMadeElsewhereIsNotSeenWithinTheTtl() {
        store.addDomain("example.test");
        store.addUser("ann@example.test", null);
        assertThat(cached.isLocalDomain("example.test")).isTrue();
        assertThat(cached.userExists("ann@example.test")).isTrue();
        assertThat(cached.userExists("bob@example.test")).isFalse();

        store.removeUser("ann@example.test"); // another process, e.g. the admin CLI
        store.addUser("bob@example.test", null);
        store.removeDomain("example.test");
        assertThat(cached.userExists("ann@example.test")).isTrue();
        assertThat(cached.userExists("bob@example.test")).isFalse();
        assertThat(cached.isLocalDomain("example.test")).isTrue();
    }

    @Test
    void aChangeMadeThroughItIsSeenAtOnce() {
        cached.addDomain("example.test");
        assertThat(cached.userExists("ann@example.test")).isFalse();
        assertThat(cached.quota("ann@example.test")).isEqualTo(UserQuota.DEFAULTS);
        cached.addUser("ann@example.test", null);
        cached.setQuota("ann@example.test", 5L, null);
        cached.addAlias("sales@example.test", "ann@example.test");
        assertThat(cached.userExists("ann@example.test")).isTrue();
        assertThat(cached.quota("ann@example.test").maxMessages()).isEqualTo(5L);
        assertThat(cached.aliasOwner("sales@example.test")).contains("ann@example.test");

        cached.removeAlias("sales@example.test");
        cached.removeUser("ann@example.test");
        cached.removeDomain("example.test");
        assertThat(cached.aliasOwner("sales@example.test")).isEmpty();
        assertThat(cached.userExists("ann@example.test")).isFalse();
        assertThat(cached.isLocalDomain("example.test")).isFalse();
    }

    @Test
    void passwordsAreNeverCached() {
        store.addDomain("example.test");
        cached.addUser("ann@example.test", "hash-1");
        assertThat(cached.passwordHash("ann@example.test")).contains("hash-1");
        store.setPasswordHash("ann@example.test", "hash-2");
        assertThat(cached.passwordHash("ann@example.test")).contains("hash-2");
    }

    @Test
    void withAZeroTtlEveryLookupReadsTheStore() {
        CachingDirectory off = new CachingDirectory(store, Duration.ZERO);
        store.addDomain("example.test");
        assertThat(off.userExists("ann@example.test")).isFalse();
        store.addUser("ann@example.test", null);
        assertThat(off.userExists("ann@example.test")).isTrue();
    }
}
