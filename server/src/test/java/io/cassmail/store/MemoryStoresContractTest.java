package io.cassmail.store;

import io.cassmail.store.memory.MemoryStores;
import java.time.Clock;
import org.junit.jupiter.api.Nested;

/** The store contracts against the memory twins. */
class MemoryStoresContractTest {
    private final Stores stores = MemoryStores.create(Clock.systemUTC()).stores();

    @Nested
    class Messages extends MessageStoreContract {
        @Override
        protected MessageStore store() {
            return stores.messages();
        }
    }

    @Nested
    class Reads extends DeliveryReadsContract {
        @Override
        protected Stores stores() {
            return stores;
        }
    }

    @Nested
    class Accepted extends AcceptedWritesContract {
        @Override
        protected Stores stores() {
            return stores;
        }
    }

    @Nested
    class Ledger extends DeliveryLedgerContract {
        @Override
        protected DeliveryLedger ledger() {
            return stores.ledger();
        }
    }

    @Nested
    class Accounts extends DirectoryContract {
        @Override
        protected Directory directory() {
            return stores.directory();
        }
    }
}
