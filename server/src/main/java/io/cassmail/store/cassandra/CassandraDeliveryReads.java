package io.cassmail.store.cassandra;

import static io.cassmail.store.cassandra.CassandraCalls.call;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.cassmail.store.DeliveryReads;
import io.cassmail.store.DeliveryRecord;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Reads a job's message and ledger in one request: the {@code deliveries} partition, whose static columns hold
 * the copy of the message row intake wrote in the same batch as the ledger rows. A message accepted before that
 * copy existed (schema version 6 or older) is read from {@code messages} as before; so is one whose body was
 * removed, which then reads as no longer stored.
 */
final class CassandraDeliveryReads implements DeliveryReads {
    private final CqlSession session;
    private final CassandraMessageStore messages;
    private final PreparedStatement select;

    CassandraDeliveryReads(CqlSession session, CassandraMessageStore messages) {
        this.session = session;
        this.messages = messages;
        this.select = session.prepare("SELECT " + CassandraDeliveryLedger.COLUMNS + ", "
                + String.join(", ", CassandraMessageStore.LEDGER_COPY) + " FROM deliveries WHERE message_id = ?");
    }

    @Override
    public Delivery read(UUID messageId) {
        List<Row> rows = call(() -> session.execute(select.bind(messageId)).all());
        List<DeliveryRecord> records = CassandraDeliveryLedger.records(rows);
        if (rows.isEmpty()) {
            return new Delivery(Optional.empty(), records);
        }
        Row first = rows.get(0);
        boolean copied = !first.isNull(CassandraMessageStore.LEDGER_PREFIX + "size");
        return new Delivery(copied ? Optional.of(CassandraMessageStore.message(messageId, first,
                CassandraMessageStore.LEDGER_PREFIX)) : messages.find(messageId), records);
    }
}
