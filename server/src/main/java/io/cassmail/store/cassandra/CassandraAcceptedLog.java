package io.cassmail.store.cassandra;

import static io.cassmail.store.cassandra.CassandraCalls.call;
import static io.cassmail.store.cassandra.CassandraCalls.run;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.cassmail.store.AcceptedLog;
import java.util.List;
import java.util.OptionalLong;
import java.util.UUID;

/** {@link AcceptedLog} on {@code accepted_by_minute} and {@code reconcile_progress}. */
final class CassandraAcceptedLog implements AcceptedLog {
    private final CqlSession session;
    private final PreparedStatement insert;
    private final PreparedStatement select;
    private final PreparedStatement readProgress;
    private final PreparedStatement writeProgress;

    CassandraAcceptedLog(CqlSession session) {
        this.session = session;
        insert = session.prepare("INSERT INTO accepted_by_minute (minute, message_id) VALUES (?, ?)");
        select = session.prepare("SELECT message_id FROM accepted_by_minute WHERE minute = ?");
        readProgress = session.prepare("SELECT minute FROM reconcile_progress WHERE name = ?");
        writeProgress = session.prepare("INSERT INTO reconcile_progress (name, minute) VALUES (?, ?)");
    }

    @Override
    public void add(long minute, UUID messageId) {
        run(() -> session.execute(insert.bind(minute, messageId)));
    }

    @Override
    public List<UUID> in(long minute) {
        return call(() -> session.execute(select.bind(minute)).all().stream().map(r -> r.getUuid(0)).toList());
    }

    @Override
    public OptionalLong progress(String name) {
        Row row = call(() -> session.execute(readProgress.bind(name)).one());
        return row == null || row.isNull(0) ? OptionalLong.empty() : OptionalLong.of(row.getLong(0));
    }

    @Override
    public void progress(String name, long minute) {
        run(() -> session.execute(writeProgress.bind(name, minute)));
    }
}
