package io.cassmail.auth;

import com.password4j.Argon2Function;
import com.password4j.Password;
import com.password4j.types.Argon2;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;

/**
 * Argon2id, salted, by default with the OWASP Password Storage Cheat Sheet parameters (m=19 MiB, t=2,
 * p=1). The parameters travel inside each hash, so a check always uses the ones the hash was made with,
 * and compares in constant time. At most one computation per core runs at a time: more would not finish
 * sooner, and each holds m KiB of heap, so a burst of logins cannot exhaust the heap.
 */
public final class PasswordHasher {
    /** OWASP's first Argon2id recommendation. */
    public static final PasswordHasher OWASP = new PasswordHasher(19456, 2);

    private static final Semaphore COMPUTING = new Semaphore(Runtime.getRuntime().availableProcessors(), true);

    private final Argon2Function argon2id;

    public PasswordHasher(int memoryKib, int iterations) {
        this.argon2id = Argon2Function.getInstance(memoryKib, iterations, 1, 32, Argon2.ID);
    }

    public String hash(String password) {
        return bounded(() -> Password.hash(password).addRandomSalt(16).with(argon2id).getResult());
    }

    public static boolean matches(String password, String storedHash) {
        if (storedHash == null || storedHash.isEmpty()) {
            return false;
        }
        try {
            return bounded(() -> Password.check(password, storedHash).with(Argon2Function.getInstanceFromHash(storedHash)));
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static <T> T bounded(Supplier<T> computation) {
        COMPUTING.acquireUninterruptibly();
        try {
            return computation.get();
        } finally {
            COMPUTING.release();
        }
    }
}
