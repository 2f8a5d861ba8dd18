package io.cassmail.mailbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.cassmail.delivery.DeliveryProcessor;
import io.cassmail.store.DeliveryRecord;
import io.cassmail.store.DeliveryStatus;
import io.cassmail.store.MailboxStore;
import io.cassmail.testing.MemoryMailSystem;
import java.io.IOException;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A body is removed only when no mailbox lists it and no delivery of it is pending (DESIGN.md §Data model). */
class MessageRemoverTest {
    private final MemoryMailSystem mail = new MemoryMailSystem().withDomain("cassmail.test")
            .withUser("bob@cassmail.test").withUser("carol@cassmail.test");
    private final MessageRemover remover = new MessageRemover(mail.stores.mailboxes(), mail.stores.ledger(),
            mail.stores.messages());

    private UUID delivered(String... to) throws IOException {
        UUID id = mail.submit("a@example.test", "Subject: x\r\n\r\ny\r\n", to);
        DeliveryProcessor p = mail.processor();
        mail.queue.takeDeliveries().forEach(p::process);
        return id;
    }

    @Test
    void removingFromOneMailboxExpungesOnlyThatOwnersDelivery() throws IOException {
        UUID id = delivered("bob@cassmail.test", "carol@cassmail.test");
        remover.remove("Bob@cassmail.test", MailboxStore.INBOX, id);
        assertThat(mail.inbox("bob@cassmail.test")).isEmpty();
        assertThat(mail.inbox("carol@cassmail.test")).containsExactly(id);
        assertThat(mail.stores.ledger().records(id)).extracting(DeliveryRecord::status)
                .containsExactly(DeliveryStatus.EXPUNGED, DeliveryStatus.DELIVERED);
        assertThat(mail.stores.messages().find(id)).isPresent();
    }

    @Test
    void theLastRemovalTakesTheBodyAndTheLedgerStaysAsHistory() throws IOException {
        UUID id = delivered("bob@cassmail.test", "carol@cassmail.test");
        remover.remove("bob@cassmail.test", MailboxStore.INBOX, id);
        remover.remove("carol@cassmail.test", MailboxStore.INBOX, id);
        assertThat(mail.stores.messages().find(id)).isEmpty();
        assertThat(mail.stores.messages().hasBody(id)).isFalse();
        assertThat(mail.stores.ledger().records(id)).extracting(DeliveryRecord::status)
                .containsOnly(DeliveryStatus.EXPUNGED);
    }

    @Test
    void aPendingDeliveryKeepsTheBody() throws IOException {
        UUID id = mail.submit("a@example.test", "Subject: x\r\n\r\ny\r\n", "bob@cassmail.test", "carol@cassmail.test");
        mail.stores.mailboxes().add("bob@cassmail.test", MailboxStore.INBOX,
                new io.cassmail.store.MailboxEntry(id, 10, null, null));
        mail.stores.ledger().update(id, "bob@cassmail.test", DeliveryStatus.DELIVERED, 1, null);
        remover.remove("bob@cassmail.test", MailboxStore.INBOX, id);
        assertThat(mail.stores.messages().find(id)).as("carol's delivery is still queued").isPresent();
    }

    @Test
    void removingTwiceIsHarmless() throws IOException {
        UUID id = delivered("bob@cassmail.test");
        remover.remove("bob@cassmail.test", MailboxStore.INBOX, id);
        remover.remove("bob@cassmail.test", MailboxStore.INBOX, id);
        assertThat(mail.stores.messages().find(id)).isEmpty();
    }
}
