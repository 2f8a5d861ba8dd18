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
    private static final String DUMMY_HASH = PasswordHasher.OWASP.hash("cassmail-dummy-password");

    private final Directory directory;

    public PasswordAuthenticator(Directory directory) {
        this.directory = directory;
    }

    /** The normalized address when the password is right. */
    public Optional<String> authenticate(String user, String password) {
        String address = Addresses.normalize(user);
        Optional<String> hash = Addresses.isValid(address) ? directory.passwordHash(address) : Optional.empty();
        boolean ok = PasswordHasher.matches(password, hash.orElse(DUMMY_HASH)) && hash.isPresent();
        return ok ? Optional.of(address) : Optional.empty();
    }
}
