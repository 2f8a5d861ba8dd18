package io.cassmail.store.cassandra;

import static io.cassmail.store.cassandra.CassandraCalls.call;
import static io.cassmail.store.cassandra.CassandraCalls.run;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.DefaultBatchType;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.cassmail.mail.HeaderSummary;
import io.cassmail.store.BodyWriter;
import io.cassmail.store.MessageStore;
import io.cassmail.store.StoreUnavailableException;
import io.cassmail.store.StoredMessage;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** {@link MessageStore} on the {@code messages} and {@code message_chunks} tables. */
public final class CassandraMessageStore implements MessageStore {
    private static final int CHUNKS_IN_FLIGHT = 4;

    private final CqlSession session;
    private final PreparedStatement insertChunk;
    private final PreparedStatement selectChunk;
    private final PreparedStatement insertMessage;
    private final PreparedStatement selectMessage;
    private final PreparedStatement deleteChunks;
    private final PreparedStatement deleteMessage;
    private final PreparedStatement insertLedgerCopy;
    private final PreparedStatement deleteLedgerCopy;
    private final PreparedStatement selectStructure;
    private final PreparedStatement updateStructure;

    public CassandraMessageStore(CqlSession session) {
        this.session = session;
        insertChunk = session.prepare("INSERT INTO message_chunks (message_id, chunk, data) VALUES (?, ?, ?)");
        selectChunk = session.prepare("SELECT data FROM message_chunks WHERE message_id = ? AND chunk = ?");
        insertMessage = session.prepare(insertInto("messages", COLUMNS));
        selectMessage = session.prepare("SELECT message_id, " + String.join(", ", COLUMNS)
                + " FROM messages WHERE message_id = ?");
        selectStructure = session.prepare("SELECT structure, received FROM messages WHERE message_id = ?");
        updateStructure = session.prepare("UPDATE messages USING TTL ? SET structure = ? WHERE message_id = ?");
        deleteChunks = session.prepare("DELETE FROM message_chunks WHERE message_id = ?");
        deleteMessage = session.prepare("DELETE FROM messages WHERE message_id = ?");
        insertLedgerCopy = session.prepare(insertInto("deliveries", LEDGER_COPY));
        deleteLedgerCopy = session.prepare("DELETE " + String.join(", ", LEDGER_COPY) + " FROM deliveries WHERE message_id = ?");
    }

    /** The columns of a message row after its key, in the order {@link #bindAll} binds them. */
    private static final List<String> COLUMNS = List.of("envelope_from", "recipients", "size", "chunk_count", "received",
            "client_ip", "helo", "header_from", "header_to", "subject", "header_date", "rfc_message_id", "dsn",
            "folder");

    /** What the copy's columns in {@code deliveries} start with (schema version 7). */
    static final String LEDGER_PREFIX = "message_";

    /** The message row's columns as the static columns of its {@code deliveries} partition. */
    static final List<String> LEDGER_COPY = COLUMNS.stream().map(c -> LEDGER_PREFIX + c).toList();

    private static String insertInto(String table, List<String> columns) {
        return "INSERT INTO " + table + " (message_id, " + String.join(", ", columns) + ") VALUES (?"
                + ", ?".repeat(columns.size()) + ")";
    }

    @Override
    public BodyWriter newBody(UUID messageId) {
        return new ChunkedBodyWriter(session, insertChunk, messageId, CHUNK_SIZE, CHUNKS_IN_FLIGHT, () -> delete(messageId));
    }

    @Override
    public void save(StoredMessage m) {
        BoundStatement statement = insert(m);
        run(() -> session.execute(statement));
    }

    /** The message row's INSERT, with absent fields left unset. */
    BoundStatement insert(StoredMessage m) {
        return bindAll(insertMessage, m);
    }

    /** The INSERT of the message row's copy into its ledger partition, for the same batch as the ledger rows. */
    BoundStatement insertLedgerCopy(StoredMessage m) {
        return bindAll(insertLedgerCopy, m);
    }

    private static BoundStatement bindAll(PreparedStatement statement, StoredMessage m) {
        HeaderSummary h = m.headers();
        Object[] values = {m.id(), m.envelopeFrom(), m.recipients(), m.size(), m.chunkCount(), m.received(), m.clientIp(),
                m.helo(), h.from(), h.to(), h.subject(), h.date(), h.messageId(), m.dsn(), m.folder()};
        BoundStatement insert = statement.bind(values);
        for (int i = 0; i < values.length; i++) {
            if (values[i] == null) {
                insert = insert.unset(i); // a bound null would write a tombstone per missing header field
            }
        }
        return insert;
    }

    @Override
    public Optional<StoredMessage> find(UUID messageId) {
        Row row = call(() -> session.execute(selectMessage.bind(messageId)).one());
        // a row with no message columns is only a structure cell written after the message went (schema 9)
        return row == null || row.isNull("received") ? Optional.empty() : Optional.of(message(messageId, row, ""));
    }

    @Override
    public Optional<byte[]> structure(UUID messageId) {
        Row row = call(() -> session.execute(selectStructure.bind(messageId)).one());
        if (row == null || row.isNull("received") || row.isNull("structure")) {
            return Optional.empty();
        }
        java.nio.ByteBuffer b = row.getByteBuffer("structure");
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        return Optional.of(bytes);
    }

    @Override
    public void saveStructure(UUID messageId, byte[] structure, java.time.Duration ttl) {
        run(() -> session.execute(updateStructure.bind((int) ttl.toSeconds(), java.nio.ByteBuffer.wrap(structure),
                messageId)));
    }

    /** A message from a row whose message columns carry {@code prefix} (none in messages, {@link #LEDGER_PREFIX} in
     * deliveries). */
    static StoredMessage message(UUID messageId, Row row, String prefix) {
        return new StoredMessage(messageId, row.getString(prefix + "envelope_from"),
                row.getList(prefix + "recipients", String.class), row.getLong(prefix + "size"),
                row.getInt(prefix + "chunk_count"), row.getInstant(prefix + "received"),
                row.getInetAddress(prefix + "client_ip"), row.getString(prefix + "helo"),
                new HeaderSummary(row.getString(prefix + "header_from"), row.getString(prefix + "header_to"),
                        row.getString(prefix + "subject"), row.getString(prefix + "header_date"),
                        row.getString(prefix + "rfc_message_id")), row.getString(prefix + "dsn"),
                row.getString(prefix + "folder"));
    }

    @Override
    public InputStream openBody(StoredMessage message) {
        return new ChunkedBodyInputStream(message.chunkCount(), chunk -> call(() -> {
            Row row = session.execute(selectChunk.bind(message.id(), chunk)).one();
            if (row == null) {
                throw new StoreUnavailableException("chunk " + chunk + " of message " + message.id() + " is missing", null);
            }
            return row.getByteBuffer("data");
        }));
    }

    /** The chunks first, then the row and its ledger copy together (one partition key: one mutation). */
    @Override
    public void delete(UUID messageId) {
        run(() -> {
            session.execute(deleteChunks.bind(messageId));
            session.execute(BatchStatement.newInstance(DefaultBatchType.UNLOGGED, deleteMessage.bind(messageId),
                    deleteLedgerCopy.bind(messageId)));
        });
    }
}
