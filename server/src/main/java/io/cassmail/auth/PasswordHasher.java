package io.cassmail.auth;

import com.password4j.Argon2Function;
import com.password4j.Password;
import com.password4j.types.Argon2;

/**
 * Argon2id, salted, by default with the OWASP Password Storage Cheat Sheet parameters (m=19 MiB, t=2,
 * p=1). The parameters travel inside each hash, so a check always uses the ones the hash was made with,
 * and compares in constant time.
 */
public final class PasswordHasher {
    /** OWASP's first Argon2id recommendation. */
    public static final PasswordHasher OWASP = new PasswordHasher(19456, 2);

    private final Argon2Function argon2id;

    public PasswordHasher(int memoryKib, int iterations) {
        this.argon2id = Argon2Function.getInstance(memoryKib, iterations, 1, 32, Argon2.ID);
    }

    public String hash(String password) {
        return Password.hash(password).addRandomSalt(16).with(argon2id).getResult();
    }

    public static boolean matches(String password, String storedHash) {
        if (storedHash == null || storedHash.isEmpty()) {
            return false;
        }
        try {
            return Password.check(password, storedHash).with(Argon2Function.getInstanceFromHash(storedHash));
        } catch (RuntimeException e) {
            return false;
        }
    }
}
