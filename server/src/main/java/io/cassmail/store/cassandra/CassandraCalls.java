package io.cassmail.store.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DriverException;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import io.cassmail.store.StoreUnavailableException;
import java.time.Duration;
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

    /**
     * How long a {@link GroupCommit} caller waits at most: the request in flight before its own and its own,
     * each bounded by the driver's request timeout, and a second to spare.
     */
    static Duration groupWait(CqlSession session) {
        Duration timeout = session.getContext().getConfig().getDefaultProfile()
                .getDuration(DefaultDriverOption.REQUEST_TIMEOUT);
        return timeout.multipliedBy(2).plusSeconds(1);
    }

    static <T> T call(Supplier<T> s) {
        try {
            return s.get();
        } catch (DriverException e) {
            throw new StoreUnavailableException("Cassandra request failed: " + e.getMessage(), e);
        }
    }
}
