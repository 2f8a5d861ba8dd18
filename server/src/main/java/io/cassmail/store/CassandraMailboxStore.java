package io.cassmail.store;

import static io.cassmail.store.CassandraMessageStore.call;
import static io.cassmail.store.CassandraMessageStore.run;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import java.util.UUID;

/** {@link MailboxStore} on the {@code mailbox_messages} table. */
public final class CassandraMailboxStore implements MailboxStore {
    private final CqlSession session;
    private final PreparedStatement insert;
    private final PreparedStatement select;
    private final PreparedStatement delete;

    public CassandraMailboxStore(CqlSession session) {
        this.session = session;
        insert = session.prepare("INSERT INTO mailbox_messages (address, mailbox, message_id, size, sender, subject) "
                + "VALUES (?, ?, ?, ?, ?, ?)");
        select = session.prepare("SELECT message_id, size, sender, subject FROM mailbox_messages "
                + "WHERE address = ? AND mailbox = ?");
        delete = session.prepare("DELETE FROM mailbox_messages WHERE address = ? AND mailbox = ? AND message_id = ?");
    }

    @Override
    public void add(String address, String mailbox, MailboxEntry e) {
        run(() -> session.execute(insert.bind(Addresses.normalize(address), mailbox, e.messageId(), e.size(),
                e.sender(), e.subject())));
    }

    @Override
    public Iterable<MailboxEntry> list(String address, String mailbox) {
        return call(() -> session.execute(select.bind(Addresses.normalize(address), mailbox))
                .map(r -> new MailboxEntry(r.getUuid(0), r.getLong(1), r.getString(2), r.getString(3))));
    }

    @Override
    public void remove(String address, String mailbox, UUID messageId) {
        run(() -> session.execute(delete.bind(Addresses.normalize(address), mailbox, messageId)));
    }
}
