package io.cassmail.store.cassandra;

import static io.cassmail.store.cassandra.CassandraCalls.call;
import static io.cassmail.store.cassandra.CassandraCalls.run;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import io.cassmail.mail.Addresses;
import io.cassmail.store.MailboxEntry;
import io.cassmail.store.MailboxStore;
import java.util.UUID;

/** {@link MailboxStore} on the {@code mailbox_messages} table. */
public final class CassandraMailboxStore implements MailboxStore {
    private final CqlSession session;
    private final PreparedStatement insert;
    private final PreparedStatement select;
    private final PreparedStatement delete;
    private final PreparedStatement newest;
    private final PreparedStatement insertMailbox;
    private final PreparedStatement selectMailboxes;

    public CassandraMailboxStore(CqlSession session) {
        this.session = session;
        insert = session.prepare("INSERT INTO mailbox_messages (address, mailbox, message_id, size, sender, subject) "
                + "VALUES (?, ?, ?, ?, ?, ?)");
        select = session.prepare("SELECT message_id, size, sender, subject FROM mailbox_messages "
                + "WHERE address = ? AND mailbox = ?");
        delete = session.prepare("DELETE FROM mailbox_messages WHERE address = ? AND mailbox = ? AND message_id = ?");
        newest = session.prepare("SELECT message_id, size, sender, subject FROM mailbox_messages "
                + "WHERE address = ? AND mailbox = ? ORDER BY message_id DESC LIMIT ?");
        insertMailbox = session.prepare("INSERT INTO mailboxes (address, mailbox, created) VALUES (?, ?, toTimestamp(now()))");
        selectMailboxes = session.prepare("SELECT mailbox FROM mailboxes WHERE address = ?");
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
    public Iterable<MailboxEntry> newest(String address, String mailbox, int limit) {
        return call(() -> session.execute(newest.bind(Addresses.normalize(address), mailbox, limit))
                .map(r -> new MailboxEntry(r.getUuid(0), r.getLong(1), r.getString(2), r.getString(3))));
    }

    @Override
    public void createMailbox(String address, String mailbox) {
        run(() -> session.execute(insertMailbox.bind(Addresses.normalize(address), mailbox)));
    }

    @Override
    public Iterable<String> mailboxNames(String address) {
        return call(() -> session.execute(selectMailboxes.bind(Addresses.normalize(address))).map(r -> r.getString(0)));
    }

    @Override
    public void remove(String address, String mailbox, UUID messageId) {
        run(() -> session.execute(delete.bind(Addresses.normalize(address), mailbox, messageId)));
    }
}
