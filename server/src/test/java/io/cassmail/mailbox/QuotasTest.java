package io.cassmail.mailbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.cassmail.mail.MessageIds;
import io.cassmail.store.MessageStore;
import io.cassmail.store.memory.MemoryDeliveryLedger;
import io.cassmail.store.memory.MemoryDirectory;
import io.cassmail.store.memory.MemoryFolderStore;
import io.cassmail.store.memory.MemoryMessageStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class QuotasTest {
    private final MemoryDirectory directory = new MemoryDirectory();
    private final MemoryFolderStore folders = new MemoryFolderStore();
    private final MailboxReader mailboxes = new MailboxReader(folders);
    private final MailboxWriter writer = new MailboxWriter(folders, new BodyLifetime(folders,
            new MemoryDeliveryLedger(Clock.systemUTC()), new MemoryMessageStore(MessageStore.CHUNK_SIZE)),
            MailboxWriter.Settings.of("test"));

    private void deliver(String address) {
        writer.deliver(address, new NewMessage(MessageIds.next(), 100, Instant.now(), "x", "y"));
    }

    @Test
    void withoutACacheTheCheckSeesEachDelivery() {
        Quotas quotas = new Quotas(directory, mailboxes, 2, 1_000_000);
        assertThat(quotas.wouldExceed("ann@example.test", 0)).isFalse();
        deliver("ann@example.test");
        assertThat(quotas.wouldExceed("ann@example.test", 0)).isFalse();
        deliver("ann@example.test");
        assertThat(quotas.wouldExceed("ann@example.test", 0)).isTrue();
    }

    @Test
    void aCachedUsageReadIsReusedSoRcptAndDataShareOneRead() {
        Quotas quotas = new Quotas(directory, mailboxes, 2, 1_000_000, Duration.ofHours(1));
        deliver("ann@example.test");
        assertThat(quotas.wouldExceed("ann@example.test", 0)).isFalse(); // RCPT: reads 1 message
        deliver("ann@example.test");
        assertThat(quotas.wouldExceed("ann@example.test", 100)).as("DATA reuses the read: 1 + 1 <= 2").isFalse();
        assertThat(new Quotas(directory, mailboxes, 2, 1_000_000).wouldExceed("ann@example.test", 0)).isTrue();
    }
}
