package io.cassmail.queue;

import io.cassmail.net.SessionLocks;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Session locks shared by every CassMail process through RabbitMQ: each lock is an exclusive queue ({@link SweepLock}),
 * freed when its session releases it or its process's connection ends. When the broker cannot be reached, the lock
 * is held in this process only (and that is logged): reading mail goes on during a broker outage, with sessions on
 * other front ends unguarded until it ends.
 */
public final class RabbitSessionLocks implements SessionLocks {
    private static final Logger log = LoggerFactory.getLogger(RabbitSessionLocks.class);

    private final BrokerConnection broker;
    private final String prefix;
    private final SessionLocks local = SessionLocks.local();

    /** @param prefix queue-name prefix, e.g. {@code cassmail.pop3-lock.} */
    public RabbitSessionLocks(BrokerConnection broker, String prefix) {
        this.broker = broker;
        this.prefix = prefix;
    }

    @Override
    public Optional<Held> tryLock(String key) throws IOException {
        Optional<Held> here = local.tryLock(key);
        if (here.isEmpty()) {
            return here;
        }
        Optional<SweepLock.Held> shared;
        try {
            shared = new SweepLock(broker, prefix + name(key)).tryAcquire();
        } catch (IOException | RuntimeException e) {
            log.warn("session lock for {} held in this process only: RabbitMQ is unreachable ({})", key, e.getMessage());
            return here;
        }
        if (shared.isEmpty()) {
            here.get().close();
            return Optional.empty();
        }
        return Optional.of(() -> {
            shared.get().close();
            here.get().close();
        });
    }

    /** The key as it goes into a queue name (at most 255 bytes): as is when short, else its SHA-256. */
    private static String name(String key) {
        if (key.getBytes(StandardCharsets.UTF_8).length <= 180) {
            return key;
        }
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(
                    key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
