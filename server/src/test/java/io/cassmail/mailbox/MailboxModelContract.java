package io.cassmail.mailbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cassmail.mail.HeaderSummary;
import io.cassmail.mail.MessageIds;
import io.cassmail.store.BodyWriter;
import io.cassmail.store.DeliveryLedger;
import io.cassmail.store.FolderBlock;
import io.cassmail.store.FolderChanges;
import io.cassmail.store.FolderEntry;
import io.cassmail.store.FolderRow;
import io.cassmail.store.FolderStore;
import io.cassmail.store.MailboxUsage;
import io.cassmail.store.MessageStore;
import io.cassmail.store.StoredMessage;
import io.cassmail.testing.MutableClock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/**
 * The rules of the mailbox model (folders, UIDs, flags, MODSEQ, body references, writer leases), through
 * {@link MailboxWriter} and {@link MailboxReader}; run on the memory twin and on real Cassandra.
 */
public abstract class MailboxModelContract {

    protected abstract FolderStore folders();

    protected abstract MessageStore messages();

    protected abstract DeliveryLedger ledger();

    private final String owner = "u" + UUID.randomUUID().toString().substring(0, 8) + "@cassmail.test";
    private final MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.MILLIS));
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

    private MailboxWriter writer(String id) {
        return writer(id, folders());
    }

    private MailboxWriter writer(String id, FolderStore store) {
        return new MailboxWriter(store, new BodyLifetime(store, ledger(), messages()),
                MailboxWriter.Settings.of(id).waiting(Duration.ZERO), clock, nanos::get);
    }

    /** The store, counting the body-reference reads made through it. */
    private FolderStore countingRefReads(AtomicLong reads) {
        return watched(call -> {
            if (call.equals("refs")) {
                reads.incrementAndGet();
            }
        });
    }

    /** The store, failing every call made through it while {@code down} is set (an outage, on either store). */
    private FolderStore switchable(java.util.concurrent.atomic.AtomicBoolean down) {
        return watched(call -> {
            if (down.get()) {
                throw new io.cassmail.store.StoreUnavailableException("store switched off (simulated outage)", null);
            }
        });
    }

    /** The store, with {@code before} told the name of every call made through it first (it may throw). */
    private FolderStore watched(java.util.function.Consumer<String> before) {
        FolderStore store = folders();
        return (FolderStore) java.lang.reflect.Proxy.newProxyInstance(FolderStore.class.getClassLoader(),
                new Class<?>[] {FolderStore.class}, (proxy, method, args) -> {
                    before.accept(method.getName());
                    try {
                        return method.invoke(store, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private MailboxReader reader() {
        return new MailboxReader(folders());
    }

    private MailboxVerifier verifier() {
        return new MailboxVerifier(folders(), messages());
    }

    /** Stores a small body and returns it as a message to list. */
    private NewMessage body(String subject) {
        return body(subject, MessageIds.next());
    }

    private NewMessage body(String subject, UUID id) {
        byte[] bytes = ("Subject: " + subject + "\r\n\r\nhello\r\n").getBytes(StandardCharsets.US_ASCII);
        try {
            BodyWriter w = messages().newBody(id);
            w.write(bytes, 0, bytes.length);
            int chunks = w.finish();
            messages().save(new StoredMessage(id, "alice@example.test", List.of(owner), bytes.length, chunks,
                    Instant.now().truncatedTo(ChronoUnit.MILLIS), InetAddress.getLoopbackAddress(), "client.test",
                    HeaderSummary.EMPTY));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new NewMessage(id, bytes.length, clock.instant(), "alice@example.test", subject);
    }

    private FolderRow folder(String name) {
        return reader().folder(owner, name).orElseThrow();
    }

    private List<Long> uids(String name) {
        return StreamSupport.stream(reader().entries(folder(name), 1).spliterator(), false)
                .map(FolderEntry::uid).toList();
    }

    @Test
    void anAccountHasInboxAndTheSpecialUseFoldersFromItsFirstWrite() {
        List<FolderRow> made = writer("a").open(owner);
        assertThat(made).extracting(FolderRow::name)
                .containsExactlyInAnyOrder("INBOX", "Sent", "Drafts", "Trash", "Junk", "Archive");
        assertThat(folder("Sent").specialUse()).isEqualTo("\\Sent");
        assertThat(made).allSatisfy(f -> {
            assertThat(f.uidNext()).isEqualTo(1);
            assertThat(f.uidValidity()).isPositive();
        });
        assertThat(verifier().verify(owner)).isEmpty();
    }

    @Test
    void appendsGetAscendingUidsAndExactCounts() {
        MailboxWriter w = writer("a");
        List<Long> got = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            got.add(w.append(owner, "INBOX", body("m" + i), i == 0 ? Flags.of("\\Seen") : Flags.NONE).uid());
        }
        assertThat(got).containsExactly(1L, 2L, 3L, 4L, 5L);
        FolderRow inbox = folder("INBOX");
        assertThat(inbox.uidNext()).isEqualTo(6);
        assertThat(inbox.messages()).isEqualTo(5);
        assertThat(inbox.unseen()).isEqualTo(4);
        assertThat(inbox.highestModseq()).isGreaterThanOrEqualTo(5);
        assertThat(reader().usage(owner).messages()).isEqualTo(5);
        assertThat(verifier().verify(owner)).isEmpty();
    }

    @Test
    void aRedeliveredMessageIsListedOnceEvenAfterItWasFiledElsewhere() {
        MailboxWriter w = writer("a");
        NewMessage m = body("once");
        MailboxWriter.Appended first = w.deliver(owner, m);
        assertThat(w.deliver(owner, m).existed()).isTrue();
        w.move(owner, "INBOX", List.of(first.uid()), "Archive");
        assertThat(w.deliver(owner, m).existed()).isTrue();
        assertThat(uids("INBOX")).isEmpty();
        assertThat(uids("Archive")).hasSize(1);
        assertThat(verifier().verify(owner)).isEmpty();
    }

    @Test
    void aDeliveryReadsTheStoreOnlyForMessagesAcceptedBeforeItsWriterTookTheAccount() {
        AtomicLong reads = new AtomicLong();
        MailboxWriter a = writer("a", countingRefReads(reads));
        long taken = clock.millis();
        a.deliver(owner, body("takes the account")); // made now: within the clock skew allowed, so read
        assertThat(reads.get()).isEqualTo(1);
        clock.advance(Duration.ofMinutes(3)); // the lease lives on by the writer's monotonic clock
        NewMessage before = body("accepted a minute before", MessageIds.at(taken - 60_000));
        NewMessage after = body("accepted 150 s after", MessageIds.at(taken + 150_000));
        reads.set(0);
        MailboxWriter.Appended listed = a.deliver(owner, after);
        assertThat(listed.existed()).isFalse();
        assertThat(a.deliver(owner, after)).as("a redelivery, answered from the epoch's memory")
                .isEqualTo(new MailboxWriter.Appended(listed.uidValidity(), listed.uid(), true));
        assertThat(reads.get()).as("no read for a message only this epoch could have listed").isZero();
        assertThat(a.deliver(owner, before).existed()).isFalse();
        assertThat(reads.get()).as("an older message is looked up in the store").isEqualTo(1);
        assertThat(a.deliver(owner, before).existed()).isTrue();
        // another process takes the account over: what the earlier epoch listed is found in the store
        clock.advance(Duration.ofSeconds(50));
        nanos.addAndGet(Duration.ofSeconds(50).toNanos());
        MailboxWriter b = writer("b", countingRefReads(reads));
        reads.set(0);
        assertThat(b.deliver(owner, after).existed()).isTrue();
        assertThat(b.deliver(owner, before).existed()).isTrue();
        assertThat(reads.get()).isEqualTo(2);
        assertThat(uids("INBOX")).hasSize(3).doesNotHaveDuplicates();
        assertThat(verifier().verify(owner)).isEmpty();
    }

    @Test
    void aNewMessageWhoseWriteFailedIsListedByTheRetry() {
        java.util.concurrent.atomic.AtomicBoolean down = new java.util.concurrent.atomic.AtomicBoolean();
        MailboxWriter w = writer("a", switchable(down));
        long taken = clock.millis();
        w.deliver(owner, body("takes the account"));
        clock.advance(Duration.ofMinutes(3));
        NewMessage m = body("new", MessageIds.at(taken + 150_000)); // certainly unlisted: not looked up
        down.set(true);
        assertThatThrownBy(() -> w.deliver(owner, m)).isInstanceOf(io.cassmail.store.StoreUnavailableException.class);
        down.set(false);
        assertThat(w.deliver(owner, m).existed()).as("what the failed epoch meant to list is forgotten").isFalse();
        assertThat(w.deliver(owner, m).existed()).isTrue();
        assertThat(uids("INBOX")).hasSize(2);
        assertThat(verifier().verify(owner)).isEmpty();
    }

    @Test
    void deliveriesArrivingTogetherAreListedTogetherEachOnceAndAnsweredOnlyOnceCommitted() throws Exception {
        MailboxWriter w = writer("a");
        List<NewMessage> ms = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            ms.add(body("together " + i));
        }
        java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(16);
        try {
            List<java.util.concurrent.Future<MailboxWriter.Appended>> done = new ArrayList<>();
            for (NewMessage m : ms) {
                for (int copy = 0; copy < 2; copy++) { // the second: a redelivery racing the first
                    done.add(threads.submit(() -> {
                        MailboxWriter.Appended a = w.deliver(owner, m);
                        // answered only once committed: a reader shows it (groups are pipelined)
                        assertThat(folder("INBOX").uidNext()).as("uid_next when uid %d was answered", a.uid())
                                .isGreaterThan(a.uid());
                        return a;
                    }));
                }
            }
            java.util.Set<Long> uids = new java.util.HashSet<>();
            for (java.util.concurrent.Future<MailboxWriter.Appended> f : done) {
                uids.add(f.get(60, java.util.concurrent.TimeUnit.SECONDS).uid());
            }
            assertThat(uids).hasSize(120);
        } finally {
            threads.shutdownNow();
        }
        assertThat(uids("INBOX")).hasSize(120).isSorted().doesNotHaveDuplicates();
        assertThat(folder("INBOX").messages()).isEqualTo(120);
        assertThat(verifier().verify(owner)).isEmpty();
    }

    @Test
    void flagChangesRaiseModseqAndUnchangedSinceReportsWhatChanged() {
        MailboxWriter w = writer("a");
        long uid = w.append(owner, "INBOX", body("f"), Flags.NONE).uid();
        long before = folder("INBOX").highestModseq();
        MailboxWriter.Stored s = w.store(owner, "INBOX", List.of(uid), MailboxWriter.FlagChange.ADD,
                Flags.of("\\Seen", "work"), null);
        assertThat(s.changed()).singleElement().satisfies(e -> {
            assertThat(new Flags(e.flags(), e.keywords()).names()).containsExactly("\\Seen", "work");
            assertThat(e.modseq()).isGreaterThan(before);
        });
        FolderRow after = folder("INBOX");
        assertThat(after.unseen()).isZero();
        assertThat(after.highestModseq()).isEqualTo(s.changed().get(0).modseq());
        // the same flags again change nothing, not even the MODSEQ
        assertThat(w.store(owner, "INBOX", List.of(uid), MailboxWriter.FlagChange.ADD, Flags.of("\\Seen"), null)
                .changed()).isEmpty();
        assertThat(folder("INBOX").highestModseq()).isEqualTo(after.highestModseq());
        // UNCHANGEDSINCE below the message's MODSEQ: refused and reported
        MailboxWriter.Stored refused = w.store(owner, "INBOX", List.of(uid), MailboxWriter.FlagChange.REMOVE,
                Flags.of("\\Seen"), before);
        assertThat(refused.changed()).isEmpty();
        assertThat(refused.modified()).containsExactly(uid);
        assertThat(verifier().verify(owner)).isEmpty();
    }

    @Test
    void expungeAnywhereRecordsVanishedAndDropsEmptiedBlocks() {
        MailboxWriter w = writer("a");
        List<NewMessage> ms = new ArrayList<>();
        for (int i = 0; i < FolderBlock.SIZE + 10; i++) {
            ms.add(body("e" + i));
        }
        for (NewMessage m : ms) {
            w.deliver(owner, m);
        }
        FolderRow inbox = folder("INBOX");
        long modseq = inbox.highestModseq();
        List<Long> firstBlock = new ArrayList<>();
        for (long uid = 1; uid < FolderBlock.SIZE; uid++) {
            firstBlock.add(uid);
        }
        firstBlock.add(FolderBlock.SIZE + 5L);
        assertThat(w.expunge(owner, "INBOX", firstBlock)).hasSize(FolderBlock.SIZE);
        assertThat(folders().blocks(inbox.id())).extracting(FolderBlock::block).containsExactly(1L);
        assertThat(uids("INBOX")).hasSize(10).doesNotContain(FolderBlock.SIZE + 5L).startsWith((long) FolderBlock.SIZE);
        assertThat(reader().vanishedSince(inbox.id(), modseq)).hasSize(FolderBlock.SIZE);
        assertThat(reader().newest(folder("INBOX"), 3)).extracting(FolderEntry::uid)
                .containsExactly(FolderBlock.SIZE + 10L - 1 + 1, FolderBlock.SIZE + 10L - 1, FolderBlock.SIZE + 10L - 2);
        assertThat(folder("INBOX").messages()).isEqualTo(10);
        assertThat(messages().find(ms.get(0).messageId())).isEmpty();
        assertThat(verifier().verify(owner)).isEmpty();
    }

    @Test
    void aBodyLivesWhileAnyFolderListsIt() {
        MailboxWriter w = writer("a");
        NewMessage m = body("kept");
        long uid = w.deliver(owner, m).uid();
        Map<Long, Long> copied = w.copy(owner, "INBOX", List.of(uid), "Archive");
        w.expunge(owner, "INBOX", List.of(uid));
        assertThat(messages().find(m.messageId())).isPresent();
        w.expunge(owner, "Archive", copied.values());
        assertThat(messages().find(m.messageId())).isEmpty();
        assertThat(verifier().verify(owner)).isEmpty();
    }

    @Test
    void renameKeepsTheFolderIdUidsAndUidValidityAndMovesInferiors() {
        MailboxWriter w = writer("a");
        w.create(owner, "Projects/2026", null);
        FolderRow before = folder("Projects/2026");
        w.append(owner, "Projects/2026", body("p"), Flags.NONE);
        w.rename(owner, "Projects", "Work");
        FolderRow after = folder("Work/2026");
        assertThat(after.id()).isEqualTo(before.id());
        assertThat(after.uidValidity()).isEqualTo(before.uidValidity());
        assertThat(uids("Work/2026")).containsExactly(1L);
        assertThat(reader().folder(owner, "Projects")).isEmpty();
        assertThat(verifier().verify(owner)).isEmpty();
    }

    @Test
    void renamingInboxMovesItsMessagesAndLeavesAnEmptyInbox() {
        MailboxWriter w = writer("a");
        w.deliver(owner, body("i"));
        FolderRow inbox = folder("INBOX");
        w.rename(owner, "inbox", "Old");
        assertThat(folder("Old").id()).isEqualTo(inbox.id());
        assertThat(uids("Old")).containsExactly(1L);
        FolderRow fresh = folder("INBOX");
        assertThat(fresh.id()).isNotEqualTo(inbox.id());
        assertThat(fresh.uidValidity()).isNotEqualTo(inbox.uidValidity());
        assertThat(fresh.messages()).isZero();
        assertThat(verifier().verify(owner)).isEmpty();
    }

    @Test
    void foldersRefuseBadNamesDuplicatesAndDeletingInboxOrAParent() {
        MailboxWriter w = writer("a");
        w.create(owner, "A/B", null);
        assertThat(reader().folder(owner, "A")).isPresent();
        assertThatThrownBy(() -> w.create(owner, "A", null)).isInstanceOf(MailboxException.class)
                .extracting(e -> ((MailboxException) e).kind()).isEqualTo(MailboxException.Kind.ALREADYEXISTS);
        assertThatThrownBy(() -> w.create(owner, "bad//name", null)).isInstanceOf(MailboxException.class);
        assertThatThrownBy(() -> w.create(owner, "star*", null)).isInstanceOf(MailboxException.class);
        assertThatThrownBy(() -> w.delete(owner, "INBOX")).isInstanceOf(MailboxException.class);
        assertThatThrownBy(() -> w.delete(owner, "A")).isInstanceOf(MailboxException.class)
                .extracting(e -> ((MailboxException) e).kind()).isEqualTo(MailboxException.Kind.HASCHILDREN);
        assertThatThrownBy(() -> w.append(owner, "Nope", body("x"), Flags.NONE)).isInstanceOf(MailboxException.class)
                .extracting(e -> ((MailboxException) e).kind()).isEqualTo(MailboxException.Kind.NONEXISTENT);
    }

    @Test
    void deletingAFolderRemovesItsMessagesAndTheirBodies() {
        MailboxWriter w = writer("a");
        w.create(owner, "Old", null);
        NewMessage m = body("d");
        w.append(owner, "Old", m, Flags.NONE);
        assertThat(w.delete(owner, "Old")).isEqualTo(1);
        assertThat(reader().folder(owner, "Old")).isEmpty();
        assertThat(messages().find(m.messageId())).isEmpty();
        assertThat(reader().usage(owner)).isEqualTo(MailboxUsage.NONE);
        assertThat(verifier().verify(owner)).isEmpty();
    }

    @Test
    void anotherWriterWaitsUntilTheLeaseEndsAndItsGraceHasPassed() {
        MailboxWriter a = writer("a");
        MailboxWriter b = writer("b");
        a.deliver(owner, body("1"));
        assertThatThrownBy(() -> b.deliver(owner, body("2"))).isInstanceOf(MailboxException.class)
                .extracting(e -> ((MailboxException) e).kind()).isEqualTo(MailboxException.Kind.INUSE);
        clock.advance(Duration.ofSeconds(40));
        assertThatThrownBy(() -> b.deliver(owner, body("2"))).isInstanceOf(MailboxException.class);
        clock.advance(Duration.ofSeconds(10));
        assertThat(b.deliver(owner, body("2")).uid()).isEqualTo(2);
    }

    @Test
    void aLateWriteOfAWriterThatLostItsLeaseNeitherShowsNorOverwrites() {
        MailboxWriter a = writer("a");
        a.deliver(owner, body("1"));
        FolderRow inbox = folder("INBOX");
        long staleEpoch = folders().leases().current(owner).orElseThrow().epoch();
        // the lease runs out (the writer paused, its network broke) and another process takes the account over
        clock.advance(Duration.ofSeconds(50));
        nanos.addAndGet(Duration.ofSeconds(50).toNanos());
        MailboxWriter b = writer("b");
        NewMessage second = body("2");
        assertThat(b.deliver(owner, second).uid()).isEqualTo(2);
        // the old writer's batch that was in flight lands now: UIDs 2 and 3 under the old epoch
        long staleTs = MailboxWriter.TIMESTAMP_BASE + (staleEpoch << MailboxWriter.EPOCH_SHIFT) + 5_000_000;
        NewMessage lost = body("late");
        FolderChanges late = new FolderChanges(owner, staleTs);
        for (long uid = 2; uid <= 3; uid++) {
            late.putEntry(new FolderEntry(inbox.id(), uid, lost.messageId(), lost.size(), lost.internalDate(), 0, null,
                    9, null, "late"));
        }
        late.putFolder(inbox.advanced(4, 9, 2, 2, 2 * lost.size()));
        folders().write(late);
        assertThat(uids("INBOX")).containsExactly(1L, 2L);
        assertThat(folders().entry(inbox.id(), 2).orElseThrow().messageId()).isEqualTo(second.messageId());
        assertThat(folder("INBOX").uidNext()).isEqualTo(3);
        // the new writer goes on above everything the old one could have written, and it all adds up
        assertThat(b.deliver(owner, body("3")).uid()).isEqualTo(3);
        assertThat(uids("INBOX")).containsExactly(1L, 2L, 3L);
        assertThat(verifier().verify(owner)).isEmpty();
    }

    @Test
    void theVerifierReportsCountsThatDoNotMatchTheEntries() {
        MailboxWriter w = writer("a");
        w.deliver(owner, body("v"));
        FolderRow inbox = folder("INBOX");
        folders().write(new FolderChanges(owner, Long.MAX_VALUE - 1).putFolder(inbox.advanced(inbox.uidNext(),
                inbox.highestModseq(), 1, 0, 0)));
        assertThat(verifier().verify(owner)).singleElement().asString().contains("counts 2 messages");
    }
}
