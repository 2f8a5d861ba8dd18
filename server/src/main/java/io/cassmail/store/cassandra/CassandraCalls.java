package io.cassmail.store.cassandra;

import com.datastax.oss.driver.api.core.DriverException;
import io.cassmail.store.StoreUnavailableException;
import java.util.function.Supplier;

/** Runs a driver call and turns any driver failure into {@link StoreUnavailableException} (a temporary failure). */
final class CassandraCalls {

    private CassandraCalls() {
    }

    static void run(Runnable r) {
        call(() -> {
            r.run();
            return null;
        });
    }

    static <T> T call(Supplier<T> s) {
        try {
            return s.get();
        } catch (DriverException e) {
            throw new StoreUnavailableException("Cassandra request failed: " + e.getMessage(), e);
        }
    }
}
