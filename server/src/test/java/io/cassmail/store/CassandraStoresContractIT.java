package io.cassmail.store;

import io.cassmail.testing.MailStack;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;

/** The store contracts against the real Cassandra tables (one keyspace for the whole class). */
class CassandraStoresContractIT {
    static MailStack stack;

    @BeforeAll
    static void start() {
        stack = MailStack.create("storecontract");
    }

    @AfterAll
    static void stop() throws Exception {
        stack.close();
    }

    @Nested
    class Messages extends MessageStoreContract {
        @Override
        protected MessageStore store() {
            return stack.messages;
        }
    }

    @Nested
    class Reads extends DeliveryReadsContract {
        @Override
        protected Stores stores() {
            return stack.stores;
        }
    }

    @Nested
    class Accepted extends AcceptedWritesContract {
        @Override
        protected Stores stores() {
            return stack.stores;
        }
    }

    @Nested
    class Ledger extends DeliveryLedgerContract {
        @Override
        protected DeliveryLedger ledger() {
            return stack.ledger;
        }
    }

    @Nested
    class Accounts extends DirectoryContract {
        @Override
        protected Directory directory() {
            return stack.directory;
        }
    }
}
