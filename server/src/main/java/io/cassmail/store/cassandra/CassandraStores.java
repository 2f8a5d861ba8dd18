package io.cassmail.store.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import io.cassmail.store.Stores;
import java.time.Duration;

/** The Cassandra implementations of every store, on one driver session bound to the mail keyspace. */
public final class CassandraStores {

    private CassandraStores() {
    }

    /** @param visibilityMargin setting {@code mailbox.visibility-margin} (see {@link CassandraMailboxStore}) */
    public static Stores on(CqlSession session, Duration visibilityMargin) {
        CassandraMessageStore messages = new CassandraMessageStore(session);
        CassandraDeliveryLedger ledger = new CassandraDeliveryLedger(session);
        return new Stores(new CassandraDirectory(session), messages, new CassandraMailboxStore(session, visibilityMargin),
                ledger, new CassandraAcceptedLog(session), new CassandraAcceptedWrites(session, messages, ledger),
                new CassandraDeliveryReads(session, messages));
    }
}
