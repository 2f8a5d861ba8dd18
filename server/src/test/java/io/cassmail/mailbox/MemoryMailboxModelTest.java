package io.cassmail.mailbox;

import io.cassmail.store.DeliveryLedger;
import io.cassmail.store.FolderStore;
import io.cassmail.store.MessageStore;
import io.cassmail.store.memory.MemoryDeliveryLedger;
import io.cassmail.store.memory.MemoryFolderStore;
import io.cassmail.store.memory.MemoryMessageStore;
import java.time.Clock;

/** The mailbox model's rules on the memory twin. */
class MemoryMailboxModelTest extends MailboxModelContract {
    private final MemoryFolderStore folders = new MemoryFolderStore();
    private final MemoryMessageStore messages = new MemoryMessageStore(MessageStore.CHUNK_SIZE);
    private final MemoryDeliveryLedger ledger = new MemoryDeliveryLedger(Clock.systemUTC());

    @Override
    protected FolderStore folders() {
        return folders;
    }

    @Override
    protected MessageStore messages() {
        return messages;
    }

    @Override
    protected DeliveryLedger ledger() {
        return ledger;
    }
}
