package io.cassmail.auth;

import io.cassmail.mail.Addresses;
import io.cassmail.store.Directory;
import java.util.Optional;

/**
 * Checks a user name and password (POP3 USER/PASS; later SMTP AUTH) against the stored Argon2id hash.
 * An unknown user costs the same hash work as a wrong password, so neither the answer nor its timing
 * says whether the user exists.
 */
public final class PasswordAuthenticator {
    private final Directory directory;
    private final String dummyHash;
    private final VerifiedLogins verified;

    /** @param hasher the configured cost: the dummy hash for unknown users costs the same as a real check */
    public PasswordAuthenticator(Directory directory, PasswordHasher hasher) {
        this(directory, hasher, VerifiedLogins.none());
    }

    /** @param verified recent matches, which skip the hash computation (setting {@code auth.cache-ttl}) */
    public PasswordAuthenticator(Directory directory, PasswordHasher hasher, VerifiedLogins verified) {
        this.directory = directory;
        this.dummyHash = hasher.hash("cassmail-dummy-password");
        this.verified = verified;
    }

    /** The normalized address when the password is right. */
    public Optional<String> authenticate(String user, String password) {
        String address = Addresses.normalize(user);
        Optional<String> hash = Addresses.isValid(address) ? directory.passwordHash(address) : Optional.empty();
        if (hash.isPresent() && verified.matched(address, hash.get(), password)) {
            return Optional.of(address);
        }
        boolean ok = PasswordHasher.matches(password, hash.orElse(dummyHash)) && hash.isPresent();
        if (ok) {
            verified.remember(address, hash.get(), password);
        }
        return ok ? Optional.of(address) : Optional.empty();
    }
}
