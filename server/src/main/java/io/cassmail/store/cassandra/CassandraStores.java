package io.cassmail.store.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import io.cassmail.store.Stores;

/** The Cassandra implementations of every store, on one driver session bound to the mail keyspace. */
public final class CassandraStores {

    private CassandraStores() {
    }

    public static Stores on(CqlSession session) {
        CassandraMessageStore messages = new CassandraMessageStore(session);
        CassandraDeliveryLedger ledger = new CassandraDeliveryLedger(session);
        return new Stores(new CassandraDirectory(session), messages, new CassandraFolderStore(session),
                ledger, new CassandraAcceptedLog(session), new CassandraAcceptedWrites(session, messages, ledger),
                new CassandraDeliveryReads(session, messages));
    }
}
