package io.cassmail.store.memory;

import io.cassmail.store.MessageStore;
import io.cassmail.store.Stores;
import java.time.Clock;

/** Every store as a memory twin, for unit tests and a process with nothing to connect to. */
public record MemoryStores(MemoryDirectory directory, MemoryMessageStore messages, MemoryFolderStore folders,
                           MemoryDeliveryLedger ledger, MemoryAcceptedLog accepted) {

    public static MemoryStores create(Clock clock) {
        return new MemoryStores(new MemoryDirectory(), new MemoryMessageStore(MessageStore.CHUNK_SIZE), new MemoryFolderStore(),
                new MemoryDeliveryLedger(clock), new MemoryAcceptedLog());
    }

    public Stores stores() {
        return new Stores(directory, messages, folders, ledger, accepted);
    }
}
