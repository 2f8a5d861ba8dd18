package io.cassmail.mailbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.cassmail.delivery.DeliveryProcessor;
import io.cassmail.mail.MessageIds;
import io.cassmail.store.DeliveryRecord;
import io.cassmail.store.DeliveryStatus;
import io.cassmail.store.MailboxEntry;
import io.cassmail.store.MailboxSnapshot;
import io.cassmail.store.MailboxStore;
import io.cassmail.testing.MemoryMailSystem;
import java.io.IOException;
import java.util.BitSet;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A body is removed only when no mailbox lists it and no delivery of it is pending (DESIGN.md §Data model). */
class MessageRemoverTest {
    private final MemoryMailSystem mail = new MemoryMailSystem().withDomain("cassmail.test")
            .withUser("bob@cassmail.test").withUser("carol@cassmail.test");
    private final MessageRemover remover = new MessageRemover(mail.stores.mailboxes(), mail.stores.ledger(),
            mail.stores.messages());

    private MailboxEntry entry(String owner, UUID messageId) {
        for (MailboxEntry e : mail.stores.mailboxes().list(owner, MailboxStore.INBOX)) {
            if (e.messageId().equals(messageId)) {
                return e;
            }
        }
        throw new AssertionError(messageId + " is not in " + owner + "'s INBOX");
    }

    private UUID delivered(String... to) throws IOException {
        UUID id = mail.submit("a@example.test", "Subject: x\r\n\r\ny\r\n", to);
        DeliveryProcessor p = mail.processor();
        mail.queue.takeDeliveries().forEach(p::process);
        return id;
    }

    @Test
    void removingFromOneMailboxExpungesOnlyThatOwnersDelivery() throws IOException {
        UUID id = delivered("bob@cassmail.test", "carol@cassmail.test");
        remover.remove("Bob@cassmail.test", MailboxStore.INBOX, entry("bob@cassmail.test", id));
        assertThat(mail.inbox("bob@cassmail.test")).isEmpty();
        assertThat(mail.inbox("carol@cassmail.test")).containsExactly(id);
        assertThat(mail.stores.ledger().records(id)).extracting(DeliveryRecord::status)
                .containsExactly(DeliveryStatus.EXPUNGED, DeliveryStatus.DELIVERED);
        assertThat(mail.stores.messages().find(id)).isPresent();
    }

    @Test
    void theLastRemovalTakesTheBodyAndTheLedgerStaysAsHistory() throws IOException {
        UUID id = delivered("bob@cassmail.test", "carol@cassmail.test");
        remover.remove("bob@cassmail.test", MailboxStore.INBOX, entry("bob@cassmail.test", id));
        remover.remove("carol@cassmail.test", MailboxStore.INBOX, entry("carol@cassmail.test", id));
        assertThat(mail.stores.messages().find(id)).isEmpty();
        assertThat(mail.stores.messages().hasBody(id)).isFalse();
        assertThat(mail.stores.ledger().records(id)).extracting(DeliveryRecord::status)
                .containsOnly(DeliveryStatus.EXPUNGED);
    }

    @Test
    void aPendingDeliveryKeepsTheBody() throws IOException {
        UUID id = mail.submit("a@example.test", "Subject: x\r\n\r\ny\r\n", "bob@cassmail.test", "carol@cassmail.test");
        MailboxEntry e = new MailboxEntry(MessageIds.next(), id, 10, null, null);
        mail.stores.mailboxes().add("bob@cassmail.test", MailboxStore.INBOX, e);
        mail.stores.ledger().update(id, "bob@cassmail.test", DeliveryStatus.DELIVERED, 1, null);
        remover.remove("bob@cassmail.test", MailboxStore.INBOX, e);
        assertThat(mail.stores.messages().find(id)).as("carol's delivery is still queued").isPresent();
    }

    @Test
    void removingTwiceIsHarmless() throws IOException {
        UUID id = delivered("bob@cassmail.test");
        MailboxEntry e = entry("bob@cassmail.test", id);
        remover.remove("bob@cassmail.test", MailboxStore.INBOX, e);
        remover.remove("bob@cassmail.test", MailboxStore.INBOX, e);
        assertThat(mail.stores.messages().find(id)).isEmpty();
        assertThat(mail.stores.mailboxes().usage("bob@cassmail.test").messages()).isZero();
    }

    @Test
    void removeAllTakesTheMarkedEntriesOfASnapshot() throws IOException {
        UUID first = delivered("bob@cassmail.test");
        UUID second = delivered("bob@cassmail.test");
        UUID third = delivered("bob@cassmail.test");
        MailboxSnapshot snapshot = mail.stores.mailboxes().snapshot("bob@cassmail.test", MailboxStore.INBOX, 100);
        BitSet marked = new BitSet();
        marked.set(0);
        marked.set(2);
        remover.removeAll("bob@cassmail.test", MailboxStore.INBOX, snapshot, marked);
        assertThat(mail.inbox("bob@cassmail.test")).containsExactly(second);
        assertThat(mail.stores.messages().find(first)).isEmpty();
        assertThat(mail.stores.messages().find(third)).isEmpty();
        assertThat(mail.stores.ledger().records(first).get(0).status()).isEqualTo(DeliveryStatus.EXPUNGED);
    }
}
