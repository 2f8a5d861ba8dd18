package io.cassmail.admin;

import com.datastax.oss.driver.api.core.CqlSession;
import io.cassmail.config.CassMailConfig;
import io.cassmail.store.CassandraConnector;
import io.cassmail.store.CassandraDeliveryLedger;
import io.cassmail.store.CassandraDirectory;
import io.cassmail.store.CassandraMailboxStore;
import io.cassmail.store.CassandraMessageStore;
import io.cassmail.store.DeliveryLedger;
import io.cassmail.store.Directory;
import io.cassmail.store.MailboxStore;
import io.cassmail.store.MessageRemover;
import io.cassmail.store.MessageStore;

/** A driver session and the stores the CLI reads and writes, closed together. */
final class StoreAccess implements AutoCloseable {
    final CassMailConfig config;
    final CqlSession session;
    final Directory directory;
    final MailboxStore mailboxes;
    final MessageStore messages;
    final DeliveryLedger ledger;

    StoreAccess(CassMailConfig config) {
        this.config = config;
        this.session = CassandraConnector.connect(config.cassandra());
        this.directory = new CassandraDirectory(session);
        this.mailboxes = new CassandraMailboxStore(session);
        this.messages = new CassandraMessageStore(session);
        this.ledger = new CassandraDeliveryLedger(session);
    }

    MessageRemover remover() {
        return new MessageRemover(mailboxes, ledger, messages);
    }

    /** Fails with a sentence unless the account exists. */
    String existingUser(String address) {
        String a = UsersCommand.validAddress(address);
        if (!directory.userExists(a)) {
            throw new IllegalArgumentException("no such user: " + a);
        }
        return a;
    }

    @Override
    public void close() {
        session.close();
    }
}
