package io.cassmail.store.cassandra;

import static io.cassmail.store.cassandra.CassandraCalls.run;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchStatementBuilder;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.DefaultBatchType;
import io.cassmail.store.AcceptedWrites;
import io.cassmail.store.BodyWriter;
import io.cassmail.store.DeliveryRecord;
import io.cassmail.store.StoredMessage;
import java.io.IOException;
import java.util.List;

/**
 * Writes the last body chunk, the message row (and its copy in the ledger partition, which delivery reads) and the
 * QUEUED ledger rows as one unlogged batch. All three
 * tables are keyed by the message id, so the batch is a single mutation: one request, applied atomically on
 * each replica, without the batch log, and exempt from the batch size limits, which only apply to batches
 * spanning partitions (a 128 KiB last chunk fits the 16 MiB mutation cap many times over).
 */
final class CassandraAcceptedWrites implements AcceptedWrites {
    private final CqlSession session;
    private final CassandraMessageStore messages;
    private final CassandraDeliveryLedger ledger;

    CassandraAcceptedWrites(CqlSession session, CassandraMessageStore messages, CassandraDeliveryLedger ledger) {
        this.session = session;
        this.messages = messages;
        this.ledger = ledger;
    }

    @Override
    public void write(BodyWriter body, StoredMessage row, List<DeliveryRecord> queued) throws IOException {
        BatchStatementBuilder batch = BatchStatement.builder(DefaultBatchType.UNLOGGED);
        BoundStatement lastChunk = body instanceof ChunkedBodyWriter chunked ? chunked.heldChunk() : null;
        if (lastChunk != null) {
            batch.addStatement(lastChunk);
        } else {
            body.finish(); // a body from elsewhere, or none held back: it is written on its own first
        }
        batch.addStatement(messages.insert(row));
        batch.addStatement(messages.insertLedgerCopy(row)); // what delivery reads with the ledger rows
        ledger.queued(row.id(), queued).forEach(batch::addStatement);
        run(() -> session.execute(batch.build()));
    }
}
