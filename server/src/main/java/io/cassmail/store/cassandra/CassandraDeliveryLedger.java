package io.cassmail.store.cassandra;

import static io.cassmail.store.cassandra.CassandraCalls.call;
import static io.cassmail.store.cassandra.CassandraCalls.run;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchStatementBuilder;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.DefaultBatchType;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.cassmail.store.DeliveryLedger;
import io.cassmail.store.DeliveryRecord;
import io.cassmail.store.DeliveryStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** {@link DeliveryLedger} on the {@code deliveries} table. */
public final class CassandraDeliveryLedger implements DeliveryLedger {
    private final CqlSession session;
    private final PreparedStatement insert;
    private final PreparedStatement select;
    private final PreparedStatement update;
    private final PreparedStatement delete;
    private final PreparedStatement delivering;

    public CassandraDeliveryLedger(CqlSession session) {
        this.session = session;
        insert = session.prepare("INSERT INTO deliveries (message_id, recipient, mailbox, status, attempts, updated, dsn, entry_id) "
                + "VALUES (?, ?, ?, ?, 0, ?, ?, ?)");
        select = session.prepare("SELECT " + COLUMNS + " FROM deliveries WHERE message_id = ?");
        update = session.prepare("UPDATE deliveries SET status = ?, attempts = ?, last_error = ?, updated = ? "
                + "WHERE message_id = ? AND recipient = ?");
        delete = session.prepare("DELETE FROM deliveries WHERE message_id = ?");
        delivering = session.prepare("UPDATE deliveries SET status = 'DELIVERING', entry_id = ?, updated = ? "
                + "WHERE message_id = ? AND recipient = ?");
    }

    @Override
    public void recordQueued(UUID messageId, List<DeliveryRecord> recipients) {
        BatchStatementBuilder batch = BatchStatement.builder(DefaultBatchType.UNLOGGED);
        queued(messageId, recipients).forEach(batch::addStatement);
        run(() -> session.execute(batch.build()));
    }

    /** One QUEUED row's INSERT per recipient (with its entry id, if any), all in the message's partition. */
    List<BoundStatement> queued(UUID messageId, List<DeliveryRecord> recipients) {
        Instant now = Instant.now();
        List<BoundStatement> rows = new ArrayList<>(recipients.size());
        for (DeliveryRecord r : recipients) {
            BoundStatement row = insert.bind(messageId, r.recipient(), r.mailbox(), DeliveryStatus.QUEUED.name(), now, r.dsn(),
                    r.entryId());
            // no tombstone for what is not there: no DSN from the client, no entry id for a remote recipient
            row = r.dsn() == null ? row.unset(5) : row;
            rows.add(r.entryId() == null ? row.unset(6) : row);
        }
        return rows;
    }

    @Override
    public List<DeliveryRecord> records(UUID messageId) {
        return call(() -> records(session.execute(select.bind(messageId)).all()));
    }

    /** A record's columns, first in a SELECT that {@link #records(List)} reads. */
    static final String COLUMNS = "recipient, mailbox, status, attempts, last_error, entry_id, updated, dsn";

    /**
     * The records of rows selected with {@link #COLUMNS} first. A partition that holds only static columns (the
     * message copy, schema version 7) answers with one row without a recipient: it is no record.
     */
    static List<DeliveryRecord> records(List<Row> rows) {
        return rows.stream().filter(r -> r.getString(0) != null)
                .map(r -> new DeliveryRecord(r.getString(0), r.getString(1), DeliveryStatus.valueOf(r.getString(2)),
                        r.getInt(3), r.getString(4), r.getUuid(5), r.getInstant(6), r.getString(7)))
                .toList();
    }

    @Override
    public void update(UUID messageId, String recipient, DeliveryStatus status, int attempts, String lastError) {
        run(() -> session.execute(update.bind(status.name(), attempts, lastError, Instant.now(), messageId, recipient)));
    }

    @Override
    public void delivering(UUID messageId, String recipient, UUID entryId) {
        run(() -> session.execute(delivering.bind(entryId, Instant.now(), messageId, recipient)));
    }

    @Override
    public void forget(UUID messageId) {
        run(() -> session.execute(delete.bind(messageId)));
    }
}
