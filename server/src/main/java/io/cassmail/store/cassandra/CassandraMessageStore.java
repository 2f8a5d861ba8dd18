package io.cassmail.store.cassandra;

import static io.cassmail.store.cassandra.CassandraCalls.call;
import static io.cassmail.store.cassandra.CassandraCalls.run;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.cassmail.mail.HeaderSummary;
import io.cassmail.store.BodyWriter;
import io.cassmail.store.MessageStore;
import io.cassmail.store.StoreUnavailableException;
import io.cassmail.store.StoredMessage;
import java.io.InputStream;
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

    public CassandraMessageStore(CqlSession session) {
        this.session = session;
        insertChunk = session.prepare("INSERT INTO message_chunks (message_id, chunk, data) VALUES (?, ?, ?)");
        selectChunk = session.prepare("SELECT data FROM message_chunks WHERE message_id = ? AND chunk = ?");
        insertMessage = session.prepare("INSERT INTO messages (message_id, envelope_from, recipients, size, chunk_count, "
                + "received, client_ip, helo, header_from, header_to, subject, header_date, rfc_message_id, dsn) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        selectMessage = session.prepare("SELECT * FROM messages WHERE message_id = ?");
        deleteChunks = session.prepare("DELETE FROM message_chunks WHERE message_id = ?");
        deleteMessage = session.prepare("DELETE FROM messages WHERE message_id = ?");
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
        HeaderSummary h = m.headers();
        Object[] values = {m.id(), m.envelopeFrom(), m.recipients(), m.size(), m.chunkCount(), m.received(), m.clientIp(),
                m.helo(), h.from(), h.to(), h.subject(), h.date(), h.messageId(), m.dsn()};
        BoundStatement insert = insertMessage.bind(values);
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
        if (row == null) {
            return Optional.empty();
        }
        return Optional.of(new StoredMessage(messageId, row.getString("envelope_from"),
                row.getList("recipients", String.class), row.getLong("size"), row.getInt("chunk_count"),
                row.getInstant("received"), row.getInetAddress("client_ip"), row.getString("helo"),
                new HeaderSummary(row.getString("header_from"), row.getString("header_to"), row.getString("subject"),
                        row.getString("header_date"), row.getString("rfc_message_id")), row.getString("dsn")));
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

    @Override
    public void delete(UUID messageId) {
        run(() -> {
            session.execute(deleteChunks.bind(messageId));
            session.execute(deleteMessage.bind(messageId));
        });
    }
}
