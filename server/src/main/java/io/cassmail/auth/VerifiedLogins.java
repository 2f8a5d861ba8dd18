package io.cassmail.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Remembers, for {@code ttl}, that a password matched a stored hash, so a mail client that logs in again (IMAP
 * clients open several connections, and reconnect often) costs an HMAC instead of an Argon2id computation. Kept:
 * the stored hash and an HMAC of the password under a key made at start, never the password. Only matches are
 * remembered; a changed password (another stored hash) misses at once. Dovecot's {@code auth_cache} does this.
 */
public final class VerifiedLogins {
    private final Duration ttl;
    private final int max;
    private final Clock clock;
    private final byte[] key = new byte[32];
    private final Map<String, Entry> entries = new LinkedHashMap<>(256, 0.75f, true);

    private record Entry(String storedHash, byte[] mac, Instant until) {
    }

    public VerifiedLogins(Duration ttl, int max, Clock clock) {
        this.ttl = ttl;
        this.max = max;
        this.clock = clock;
        new SecureRandom().nextBytes(key);
    }

    /** Remembers nothing. */
    public static VerifiedLogins none() {
        return new VerifiedLogins(Duration.ZERO, 0, Clock.systemUTC());
    }

    private byte[] mac(String address, String password) {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(new SecretKeySpec(key, "HmacSHA256"));
            return m.doFinal((address + "\0" + password).getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether this password was seen to match this stored hash within the last {@code ttl}. */
    public boolean matched(String address, String storedHash, String password) {
        if (max == 0) {
            return false;
        }
        Entry e;
        synchronized (entries) {
            e = entries.get(address);
        }
        return e != null && e.storedHash().equals(storedHash) && clock.instant().isBefore(e.until())
                && MessageDigest.isEqual(e.mac(), mac(address, password));
    }

    public void remember(String address, String storedHash, String password) {
        if (max == 0 || ttl.isZero()) {
            return;
        }
        Entry e = new Entry(storedHash, mac(address, password), clock.instant().plus(ttl));
        synchronized (entries) {
            entries.put(address, e);
            if (entries.size() > max) {
                entries.remove(entries.keySet().iterator().next());
            }
        }
    }
}
