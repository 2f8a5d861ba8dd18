package io.cassmail.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.cassmail.mail.MessageIds;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/** What every {@link MailboxStore} promises; run against the Cassandra tables and the memory twin. */
public abstract class MailboxStoreContract {

    protected abstract MailboxStore store();

    private final String owner = "user" + UUID.randomUUID().toString().substring(0, 8) + "@cassmail.test";

    private static MailboxEntry entry(long size) {
        return new MailboxEntry(MessageIds.next(), MessageIds.next(), size, "alice@example.test", "subject");
    }

    private static List<UUID> ids(Iterable<MailboxEntry> entries) {
        return StreamSupport.stream(entries.spliterator(), false).map(MailboxEntry::entryId).toList();
    }

    private List<UUID> addSome(int n) {
        List<UUID> added = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            MailboxEntry e = entry(100);
            store().add(owner, MailboxStore.INBOX, e);
            added.add(e.entryId());
        }
        return added;
    }

    @Test
    void entriesAreListedInArrivalOrder() {
        List<UUID> added = addSome(5);
        assertThat(ids(store().list(owner, MailboxStore.INBOX))).containsExactlyElementsOf(added);
    }

    @Test
    void addingTheSameEntryAgainListsItOnce() {
        MailboxEntry e = entry(10);
        store().add(owner, MailboxStore.INBOX, e);
        store().add(owner, MailboxStore.INBOX, e);
        assertThat(ids(store().list(owner, MailboxStore.INBOX))).containsExactly(e.entryId());
    }

    /** Adds {@code count} entries from {@code threads} threads at once; returns their entry ids. */
    private List<UUID> addConcurrently(int count, int threads, Supplier<MailboxEntry> entries) throws Exception {
        ExecutorService workers = Executors.newFixedThreadPool(threads);
        try {
            List<Future<UUID>> adds = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                adds.add(workers.submit(() -> {
                    MailboxEntry e = entries.get();
                    store().add(owner, MailboxStore.INBOX, e);
                    return e.entryId();
                }));
            }
            List<UUID> added = new ArrayList<>();
            for (Future<UUID> f : adds) {
                added.add(f.get(60, TimeUnit.SECONDS));
            }
            return added;
        } finally {
            workers.shutdownNow();
        }
    }

    @Test
    void entriesAddedConcurrentlyToOneMailboxAreAllListedAndCounted() throws Exception {
        List<UUID> added = addConcurrently(200, 16, () -> entry(100));
        assertThat(ids(store().list(owner, MailboxStore.INBOX))).containsExactlyInAnyOrderElementsOf(added);
        assertThat(store().usage(owner)).extracting(MailboxUsage::messages, MailboxUsage::bytes)
                .containsExactly(200L, 20_000L);
    }

    @Test
    void entriesWithTheLongestSubjectsAddedConcurrentlyAreAllListed() throws Exception {
        // the summary keeps up to 998 characters of a subject (RFC 5322 §2.1.1); in UTF-8 that is up to ~3 KB an
        // entry, so entries written together must still fit Cassandra's batch size limit (50 KiB by default)
        String subject = "\u20ac".repeat(998);
        String sender = "s".repeat(64) + "@" + "d".repeat(180) + ".test";
        List<UUID> added = addConcurrently(160, 32,
                () -> new MailboxEntry(MessageIds.next(), MessageIds.next(), 100, sender, subject));
        assertThat(ids(store().list(owner, MailboxStore.INBOX))).containsExactlyInAnyOrderElementsOf(added);
        assertThat(store().list(owner, MailboxStore.INBOX)).allSatisfy(e -> assertThat(e.subject()).isEqualTo(subject));
    }

    @Test
    void newestComesFirstUpToTheLimit() {
        List<UUID> added = addSome(5);
        assertThat(ids(store().newest(owner, MailboxStore.INBOX, 3)))
                .containsExactly(added.get(4), added.get(3), added.get(2));
    }

    @Test
    void removeTakesOnlyThatEntryAndCountsItOut() {
        List<UUID> added = addSome(3);
        store().remove(owner, MailboxStore.INBOX, added.get(1), 100);
        assertThat(ids(store().list(owner, MailboxStore.INBOX))).containsExactly(added.get(0), added.get(2));
        assertThat(store().isListed(owner, MailboxStore.INBOX, added.get(1))).isFalse();
        assertThat(store().isListed(owner, MailboxStore.INBOX, added.get(0))).isTrue();
        assertThat(store().usage(owner)).isEqualTo(new MailboxUsage(2, 200));
    }

    @Test
    void theOwnerAddressIsCaseInsensitive() {
        MailboxEntry e = entry(10);
        store().add(owner.toUpperCase(), MailboxStore.INBOX, e);
        assertThat(ids(store().list(owner, MailboxStore.INBOX))).containsExactly(e.entryId());
    }

    @Test
    void anEntryKeepsItsMessageSizeSenderAndSubjectEvenWhenMissing() {
        MailboxEntry e = new MailboxEntry(MessageIds.next(), MessageIds.next(), 4242, "Alice <alice@example.test>", null);
        store().add(owner, MailboxStore.INBOX, e);
        assertThat(store().list(owner, MailboxStore.INBOX)).containsExactly(e);
    }

    @Test
    void usageCountsMessagesAndBytesOverAllMailboxes() {
        store().add(owner, MailboxStore.INBOX, entry(100));
        store().add(owner, "Archive", entry(50));
        assertThat(store().usage(owner)).isEqualTo(new MailboxUsage(2, 150));
        store().adjustUsage(owner, -1, -50);
        assertThat(store().usage(owner)).isEqualTo(new MailboxUsage(1, 100));
        assertThat(store().usage("nobody" + owner)).isEqualTo(MailboxUsage.NONE);
    }

    @Test
    void aSnapshotIsCappedAndSaysWhetherItSawEverything() {
        List<UUID> added = addSome(5);
        MailboxSnapshot some = store().snapshot(owner, MailboxStore.INBOX, 3);
        assertThat(some.size()).isEqualTo(3);
        assertThat(some.complete()).isFalse();
        assertThat(some.entryId(2)).isEqualTo(added.get(2));
        MailboxSnapshot all = store().snapshot(owner, MailboxStore.INBOX, 5);
        assertThat(all.complete()).isTrue();
        assertThat(all.messageSize(4)).isEqualTo(100);
    }

    @Test
    void expungeRemovesTheMarkedEntriesAndLaterReadsStillSeeTheRestAndNewMail() {
        List<UUID> added = addSome(6);
        MailboxSnapshot snapshot = store().snapshot(owner, MailboxStore.INBOX, 100);
        BitSet marked = new BitSet();
        marked.set(0, 3);
        marked.set(4);
        store().expunge(owner, MailboxStore.INBOX, snapshot, marked);
        MailboxEntry later = entry(7);
        store().add(owner, MailboxStore.INBOX, later);
        assertThat(ids(store().list(owner, MailboxStore.INBOX))).containsExactly(added.get(3), added.get(5), later.entryId());
        assertThat(store().usage(owner)).isEqualTo(new MailboxUsage(3, 207));
    }

    @Test
    void cancelDeletesWithoutCounting() {
        MailboxEntry e = entry(10);
        store().cancel(owner, MailboxStore.INBOX, e.entryId());
        assertThat(store().isListed(owner, MailboxStore.INBOX, e.entryId())).isFalse();
        assertThat(store().usage(owner)).isEqualTo(MailboxUsage.NONE);
    }

    @Test
    void mailboxesAreSeparateNamedInOrderAndDeletedWithTheirEntries() {
        store().createMailbox(owner, MailboxStore.INBOX);
        store().createMailbox(owner, "Archive");
        MailboxEntry archived = entry(10);
        store().add(owner, "Archive", archived);
        assertThat(store().mailboxNames(owner)).containsExactly("Archive", "INBOX");
        assertThat(ids(store().list(owner, "Archive"))).containsExactly(archived.entryId());
        assertThat(store().list(owner, MailboxStore.INBOX)).isEmpty();
        store().deleteMailbox(owner, "Archive");
        assertThat(store().mailboxNames(owner)).containsExactly("INBOX");
        assertThat(store().list(owner, "Archive")).isEmpty();
        assertThat(store().usage(owner)).isEqualTo(MailboxUsage.NONE);
    }
}
