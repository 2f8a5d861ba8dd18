package io.cassmail.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.cassmail.store.memory.MemoryDirectory;
import io.cassmail.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class VerifiedLoginsTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-06T12:00:00Z"));
    private final VerifiedLogins verified = new VerifiedLogins(Duration.ofMinutes(10), 100, clock);
    private final PasswordHasher hasher = new PasswordHasher(64, 1);

    @Test
    void aMatchIsRememberedForItsHashAndPasswordOnly() {
        String hash = hasher.hash("right");
        assertThat(verified.matched("a@x.test", hash, "right")).isFalse();
        verified.remember("a@x.test", hash, "right");
        assertThat(verified.matched("a@x.test", hash, "right")).isTrue();
        assertThat(verified.matched("a@x.test", hash, "wrong")).isFalse();
        assertThat(verified.matched("b@x.test", hash, "right")).isFalse();
        assertThat(verified.matched("a@x.test", hasher.hash("right"), "right")).as("a new stored hash misses").isFalse();
        clock.advance(Duration.ofMinutes(11));
        assertThat(verified.matched("a@x.test", hash, "right")).as("after the TTL").isFalse();
    }

    @Test
    void theAuthenticatorSeesAPasswordChangeAtOnce() {
        MemoryDirectory directory = new MemoryDirectory();
        directory.addDomain("x.test");
        directory.addUser("a@x.test", hasher.hash("old"));
        PasswordAuthenticator auth = new PasswordAuthenticator(directory, hasher, verified);
        assertThat(auth.authenticate("a@x.test", "old")).contains("a@x.test");
        assertThat(auth.authenticate("a@x.test", "old")).contains("a@x.test");
        directory.setPasswordHash("a@x.test", hasher.hash("new"));
        assertThat(auth.authenticate("a@x.test", "old")).isEmpty();
        assertThat(auth.authenticate("a@x.test", "new")).contains("a@x.test");
    }
}
