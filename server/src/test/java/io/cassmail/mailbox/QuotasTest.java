package io.cassmail.mailbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.cassmail.mail.MessageIds;
import io.cassmail.store.MailboxEntry;
import io.cassmail.store.memory.MemoryDirectory;
import io.cassmail.store.memory.MemoryMailboxStore;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class QuotasTest {
    private final MemoryDirectory directory = new MemoryDirectory();
    private final MemoryMailboxStore mailboxes = new MemoryMailboxStore();

    private void deliver(String address) {
        mailboxes.add(address, "INBOX", new MailboxEntry(MessageIds.next(), MessageIds.next(), 100, "x", "y"));
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
