package io.cassmail.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.cassmail.mail.MessageIds;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/** What every {@link MailboxStore} promises; run against the Cassandra tables and the memory twin. */
public abstract class MailboxStoreContract {

    protected abstract MailboxStore store();

    private final String owner = "user" + UUID.randomUUID().toString().substring(0, 8) + "@cassmail.test";

    private static MailboxEntry entry(UUID id) {
        return new MailboxEntry(id, 100, "alice@example.test", "subject " + id);
    }

    private static List<UUID> ids(Iterable<MailboxEntry> entries) {
        return StreamSupport.stream(entries.spliterator(), false).map(MailboxEntry::messageId).toList();
    }

    private List<UUID> addSome(int n) {
        List<UUID> added = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            UUID id = MessageIds.next();
            store().add(owner, MailboxStore.INBOX, entry(id));
            added.add(id);
        }
        return added;
    }

    @Test
    void entriesAreListedInArrivalOrder() {
        List<UUID> added = addSome(5);
        assertThat(ids(store().list(owner, MailboxStore.INBOX))).containsExactlyElementsOf(added);
    }

    @Test
    void addingTheSameMessageAgainListsItOnce() {
        UUID id = MessageIds.next();
        store().add(owner, MailboxStore.INBOX, entry(id));
        store().add(owner, MailboxStore.INBOX, entry(id));
        assertThat(ids(store().list(owner, MailboxStore.INBOX))).containsExactly(id);
    }

    @Test
    void newestComesFirstUpToTheLimit() {
        List<UUID> added = addSome(5);
        assertThat(ids(store().newest(owner, MailboxStore.INBOX, 3)))
                .containsExactly(added.get(4), added.get(3), added.get(2));
    }

    @Test
    void removeTakesOnlyThatEntry() {
        List<UUID> added = addSome(3);
        store().remove(owner, MailboxStore.INBOX, added.get(1));
        assertThat(ids(store().list(owner, MailboxStore.INBOX))).containsExactly(added.get(0), added.get(2));
    }

    @Test
    void theOwnerAddressIsCaseInsensitive() {
        UUID id = MessageIds.next();
        store().add(owner.toUpperCase(), MailboxStore.INBOX, entry(id));
        assertThat(ids(store().list(owner, MailboxStore.INBOX))).containsExactly(id);
    }

    @Test
    void anEntryKeepsSizeSenderAndSubject() {
        UUID id = MessageIds.next();
        store().add(owner, MailboxStore.INBOX, new MailboxEntry(id, 4242, "Alice <alice@example.test>", null));
        assertThat(store().list(owner, MailboxStore.INBOX))
                .containsExactly(new MailboxEntry(id, 4242, "Alice <alice@example.test>", null));
    }

    @Test
    void mailboxesAreSeparateAndNamedInOrder() {
        store().createMailbox(owner, MailboxStore.INBOX);
        store().createMailbox(owner, "Archive");
        UUID archived = MessageIds.next();
        store().add(owner, "Archive", entry(archived));
        assertThat(store().mailboxNames(owner)).containsExactly("Archive", "INBOX");
        assertThat(ids(store().list(owner, "Archive"))).containsExactly(archived);
        assertThat(store().list(owner, MailboxStore.INBOX)).isEmpty();
    }
}
