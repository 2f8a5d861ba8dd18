package io.cassmail.admin;

import com.datastax.oss.driver.api.core.CqlSession;
import io.cassmail.config.CassMailConfig;
import io.cassmail.mailbox.Accounts;
import io.cassmail.mailbox.MessageRemover;
import io.cassmail.mailbox.Quotas;
import io.cassmail.store.AcceptedLog;
import io.cassmail.store.DeliveryLedger;
import io.cassmail.store.Directory;
import io.cassmail.store.MailboxStore;
import io.cassmail.store.MessageStore;
import io.cassmail.store.Stores;
import io.cassmail.store.cassandra.CassandraConnector;
import io.cassmail.store.cassandra.CassandraStores;

/** A driver session and the stores the CLI reads and writes, closed together. */
final class StoreAccess implements AutoCloseable {
    final CassMailConfig config;
    final CqlSession session;
    final Directory directory;
    final MailboxStore mailboxes;
    final MessageStore messages;
    final DeliveryLedger ledger;
    final AcceptedLog accepted;
    final Accounts accounts;
    final Quotas quotas;

    StoreAccess(CassMailConfig config) {
        this.config = config;
        this.session = CassandraConnector.connect(config.cassandra());
        Stores stores = CassandraStores.on(session, config.mailbox().visibilityMargin());
        this.directory = stores.directory();
        this.mailboxes = stores.mailboxes();
        this.messages = stores.messages();
        this.ledger = stores.ledger();
        this.accepted = stores.accepted();
        this.accounts = new Accounts(directory, mailboxes);
        this.quotas = new Quotas(directory, mailboxes, config.mailbox().maxMessages(), config.mailbox().maxBytes());
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
