package io.cassmail.admin;

import com.datastax.oss.driver.api.core.CqlSession;
import io.cassmail.config.CassMailConfig;
import io.cassmail.store.CassandraConnector;
import io.cassmail.store.CassandraDirectory;
import io.cassmail.store.Directory;

/** A driver session and the stores the CLI reads and writes, closed together. */
final class StoreAccess implements AutoCloseable {
    final CqlSession session;
    final Directory directory;

    StoreAccess(CassMailConfig config) {
        this.session = CassandraConnector.connect(config.cassandra());
        this.directory = new CassandraDirectory(session);
    }

    @Override
    public void close() {
        session.close();
    }
}
