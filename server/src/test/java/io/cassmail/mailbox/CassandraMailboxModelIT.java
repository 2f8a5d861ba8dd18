package io.cassmail.mailbox;

import io.cassmail.store.DeliveryLedger;
import io.cassmail.store.FolderStore;
import io.cassmail.store.MessageStore;
import io.cassmail.store.cassandra.CassandraFolderStore;
import io.cassmail.testing.MailStack;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The mailbox model's rules on real Cassandra (schema 8 tables, logged batches, lease transactions). */
class CassandraMailboxModelIT extends MailboxModelContract {
    static MailStack stack;
    static CassandraFolderStore folders;

    @BeforeAll
    static void start() {
        stack = MailStack.create("mailboxmodel");
        folders = new CassandraFolderStore(stack.session);
    }

    @AfterAll
    static void stop() throws Exception {
        stack.close();
    }

    @Override
    protected FolderStore folders() {
        return folders;
    }

    @Override
    protected MessageStore messages() {
        return stack.messages;
    }

    @Override
    protected DeliveryLedger ledger() {
        return stack.ledger;
    }
}
