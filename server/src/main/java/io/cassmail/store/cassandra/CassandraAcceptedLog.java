package io.cassmail.store.cassandra;

import static io.cassmail.store.cassandra.CassandraCalls.call;
import static io.cassmail.store.cassandra.CassandraCalls.run;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchStatementBuilder;
import com.datastax.oss.driver.api.core.cql.DefaultBatchType;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.cassmail.store.AcceptedLog;
import java.util.List;
import java.util.OptionalLong;
import java.util.UUID;

/**
 * {@link AcceptedLog} on {@code accepted_by_minute} and {@code reconcile_progress}. Every SMTP session writes
 * into the current minute's partition, so the rows of sessions that commit together go as one single-partition
 * batch (a group commit: each session still returns only once its row is written).
 */
final class CassandraAcceptedLog implements AcceptedLog {
    private final CqlSession session;
    private final PreparedStatement insert;
    private final PreparedStatement select;
    private final PreparedStatement readProgress;
    private final PreparedStatement writeProgress;
    private final GroupCommit<Long, UUID> rows;

    CassandraAcceptedLog(CqlSession session) {
        this.session = session;
        insert = session.prepare("INSERT INTO accepted_by_minute (minute, message_id) VALUES (?, ?)");
        select = session.prepare("SELECT message_id FROM accepted_by_minute WHERE minute = ?");
        readProgress = session.prepare("SELECT minute FROM reconcile_progress WHERE name = ?");
        writeProgress = session.prepare("INSERT INTO reconcile_progress (name, minute) VALUES (?, ?)");
        rows = new GroupCommit<>((minute, ids) -> {
            BatchStatementBuilder batch = BatchStatement.builder(DefaultBatchType.UNLOGGED);
            ids.forEach(id -> batch.addStatement(insert.bind(minute, id)));
            return session.executeAsync(batch.build());
        }, CassandraCalls.groupWait(session));
    }

    @Override
    public void add(long minute, UUID messageId) {
        rows.write(minute, messageId);
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
