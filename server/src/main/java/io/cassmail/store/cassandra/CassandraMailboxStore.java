package io.cassmail.store.cassandra;

import static io.cassmail.store.cassandra.CassandraCalls.call;
import static io.cassmail.store.cassandra.CassandraCalls.run;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchStatementBuilder;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.DefaultBatchType;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.uuid.Uuids;
import io.cassmail.mail.Addresses;
import io.cassmail.mail.MessageIds;
import io.cassmail.schema.MailboxBucket;
import io.cassmail.store.MailboxEntry;
import io.cassmail.store.MailboxSnapshot;
import io.cassmail.store.MailboxStore;
import io.cassmail.store.MailboxUsage;
import io.cassmail.store.StoreUnavailableException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * {@link MailboxStore} on {@code mailbox_entries} (one partition per mailbox and 10-minute bucket),
 * {@code mailbox_buckets} (the buckets that may hold entries, each with a low-water mark) and
 * {@code mailbox_usage}. A read lists the bucket rows, then each bucket above its low-water mark, so it
 * never scans an emptied bucket nor the removed head of one (README "Data model").
 *
 * <p>The visibility margin is the rule that makes that safe without LWT: a worker writes an entry only
 * within half the margin after taking its entry id (see {@code LocalMailboxTransport}), so an entry whose id
 * is older than the margin when a snapshot was taken was listed by that snapshot if it exists at all.
 */
public final class CassandraMailboxStore implements MailboxStore {
    private static final int DELETES_IN_FLIGHT = 64;
    /**
     * The most entry bytes one listing batch carries. A batch over two partitions is refused by Cassandra past
     * {@code batch_size_fail_threshold} (50 KiB by default) and logged on both sides past
     * {@code batch_size_warn_threshold} (5 KiB); an entry keeps up to 998 characters of subject, ~3 KB in UTF-8.
     */
    private static final int MAX_LISTING_BATCH_BYTES = 4096;
    private static final int LISTING_ROW_OVERHEAD = 96;
    private static final UUID MIN = Uuids.startOf(0);

    private final CqlSession session;
    private final Duration margin;
    private final PreparedStatement insertEntry;
    private final PreparedStatement insertBucket;
    private final PreparedStatement selectBuckets;
    private final PreparedStatement selectBucketsDesc;
    private final PreparedStatement selectBucket;
    private final PreparedStatement selectEntries;
    private final PreparedStatement selectEntriesDesc;
    private final PreparedStatement selectEntry;
    private final PreparedStatement deleteEntry;
    private final PreparedStatement deleteBucket;
    private final PreparedStatement deleteBucketPartition;
    private final PreparedStatement deleteAllBuckets;
    private final PreparedStatement setLowWater;
    private final PreparedStatement countUsage;
    private final PreparedStatement selectUsage;
    private final PreparedStatement insertMailbox;
    private final PreparedStatement deleteMailbox;
    private final PreparedStatement selectMailboxes;
    private final GroupCommit<BucketKey, BoundStatement> listings;
    private final GroupCommit<String, long[]> counts;

    public CassandraMailboxStore(CqlSession session, Duration visibilityMargin) {
        this.session = session;
        this.margin = visibilityMargin;
        insertEntry = session.prepare("INSERT INTO mailbox_entries (address, mailbox, bucket, entry_id, message_id, size, "
                + "sender, subject) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
        insertBucket = session.prepare("INSERT INTO mailbox_buckets (address, mailbox, bucket) VALUES (?, ?, ?)");
        selectBuckets = session.prepare("SELECT bucket, low_water FROM mailbox_buckets WHERE address = ? AND mailbox = ?");
        selectBucketsDesc = session.prepare("SELECT bucket, low_water FROM mailbox_buckets WHERE address = ? AND mailbox = ? "
                + "ORDER BY bucket DESC");
        selectBucket = session.prepare("SELECT low_water FROM mailbox_buckets WHERE address = ? AND mailbox = ? AND bucket = ?");
        selectEntries = session.prepare("SELECT entry_id, message_id, size, sender, subject FROM mailbox_entries "
                + "WHERE address = ? AND mailbox = ? AND bucket = ? AND entry_id > ?");
        selectEntriesDesc = session.prepare("SELECT entry_id, message_id, size, sender, subject FROM mailbox_entries "
                + "WHERE address = ? AND mailbox = ? AND bucket = ? AND entry_id > ? ORDER BY entry_id DESC LIMIT ?");
        selectEntry = session.prepare("SELECT entry_id FROM mailbox_entries WHERE address = ? AND mailbox = ? AND bucket = ? "
                + "AND entry_id = ?");
        deleteEntry = session.prepare("DELETE FROM mailbox_entries WHERE address = ? AND mailbox = ? AND bucket = ? "
                + "AND entry_id = ?");
        deleteBucket = session.prepare("DELETE FROM mailbox_buckets WHERE address = ? AND mailbox = ? AND bucket = ?");
        deleteBucketPartition = session.prepare("DELETE FROM mailbox_entries WHERE address = ? AND mailbox = ? AND bucket = ?");
        deleteAllBuckets = session.prepare("DELETE FROM mailbox_buckets WHERE address = ? AND mailbox = ?");
        setLowWater = session.prepare("UPDATE mailbox_buckets SET low_water = ? WHERE address = ? AND mailbox = ? AND bucket = ?");
        // a counter: applying it twice counts twice, so never retried or speculated
        countUsage = session.prepare(SimpleStatement.builder(
                "UPDATE mailbox_usage SET messages = messages + ?, bytes = bytes + ? WHERE address = ?")
                .setIdempotence(false).build());
        selectUsage = session.prepare("SELECT messages, bytes FROM mailbox_usage WHERE address = ?");
        insertMailbox = session.prepare("INSERT INTO mailboxes (address, mailbox, created) VALUES (?, ?, toTimestamp(now()))");
        deleteMailbox = session.prepare("DELETE FROM mailboxes WHERE address = ? AND mailbox = ?");
        selectMailboxes = session.prepare("SELECT mailbox FROM mailboxes WHERE address = ?");
        Duration wait = CassandraCalls.groupWait(session);
        // The entries of one bucket and its row in one request (two partitions, a few hundred bytes each, no batch
        // log): if only the row lands, an empty bucket is tidied once closed; if only the entries land, the write
        // failed and each retry confirms or cancels its entry. Nothing deletes the row of an open bucket, and a
        // worker only writes into an open one (the visibility margin), so the row never needs a later timestamp.
        listings = new GroupCommit<>((key, entries) -> {
            BatchStatementBuilder batch = BatchStatement.builder(DefaultBatchType.UNLOGGED);
            entries.forEach(batch::addStatement);
            return session.executeAsync(batch.addStatement(insertBucket.bind(key.address(), key.mailbox(), key.bucket()))
                    .build());
        }, CassandraMailboxStore::listingBytes, MAX_LISTING_BATCH_BYTES, wait);
        // the deliveries that end together count as one update per address: one sum, one counter mutation
        counts = new GroupCommit<>((address, deltas) -> {
            long messages = 0;
            long bytes = 0;
            for (long[] d : deltas) {
                messages += d[0];
                bytes += d[1];
            }
            return session.executeAsync(countUsage.bind(messages, bytes, address));
        }, wait);
    }

    /** An entry's share of a listing batch: its bound values plus what Cassandra adds per row (keys, timestamps). */
    private static int listingBytes(BoundStatement insert) {
        int bytes = LISTING_ROW_OVERHEAD;
        for (ByteBuffer value : insert.getValues()) {
            bytes += value == null ? 0 : value.remaining();
        }
        return bytes;
    }

    /** One {@code mailbox_entries} partition: what a group of listings shares. */
    private record BucketKey(String address, String mailbox, int bucket) {
    }

    @Override
    public void add(String address, String mailbox, MailboxEntry e) {
        String a = Addresses.normalize(address);
        int bucket = MailboxBucket.of(e.entryId());
        BoundStatement insert = insertEntry.bind(a, mailbox, bucket, e.entryId(), e.messageId(), e.size()).unset(6).unset(7);
        // a null sender or subject stays unset: binding null would write a tombstone per entry
        if (e.sender() != null) {
            insert = insert.setString(6, e.sender());
        }
        if (e.subject() != null) {
            insert = insert.setString(7, e.subject());
        }
        // Entries that workers list into the same bucket at the same time go together (a group commit), and so
        // do their usage counts; each worker returns only once its own entry and count are written.
        listings.write(new BucketKey(a, mailbox, bucket), insert);
        counts.write(a, new long[] {1L, e.size()}); // only once listed: a failed write is not counted
    }

    @Override
    public boolean isListed(String address, String mailbox, UUID entryId) {
        String a = Addresses.normalize(address);
        int bucket = MailboxBucket.of(entryId);
        return call(() -> {
            Row b = session.execute(selectBucket.bind(a, mailbox, bucket)).one();
            if (b == null || (b.getUuid(0) != null && TimeUuids.compare(entryId, b.getUuid(0)) <= 0)) {
                return false;
            }
            return session.execute(selectEntry.bind(a, mailbox, bucket, entryId)).one() != null;
        });
    }

    @Override
    public Iterable<MailboxEntry> list(String address, String mailbox) {
        String a = Addresses.normalize(address);
        return () -> new EntryIterator(a, mailbox, call(() -> session.execute(selectBuckets.bind(a, mailbox))).iterator());
    }

    @Override
    public Iterable<MailboxEntry> newest(String address, String mailbox, int limit) {
        String a = Addresses.normalize(address);
        List<MailboxEntry> result = new ArrayList<>();
        call(() -> {
            for (Row bucket : session.execute(selectBucketsDesc.bind(a, mailbox))) {
                for (Row r : session.execute(selectEntriesDesc.bind(a, mailbox, bucket.getInt(0), lowWater(bucket),
                        limit - result.size()))) {
                    result.add(entry(r));
                }
                if (result.size() >= limit) {
                    break;
                }
            }
            return null;
        });
        return result;
    }

    @Override
    public MailboxSnapshot snapshot(String address, String mailbox, int max) {
        Instant takenAt = Instant.now();
        try {
            return MailboxSnapshot.of(list(address, mailbox), max, takenAt);
        } catch (com.datastax.oss.driver.api.core.DriverException e) {
            throw new StoreUnavailableException("Cassandra request failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void remove(String address, String mailbox, UUID entryId, long size) {
        String a = Addresses.normalize(address);
        run(() -> {
            session.execute(deleteEntry.bind(a, mailbox, MailboxBucket.of(entryId), entryId));
            session.execute(countUsage.bind(-1L, -size, a));
        });
    }

    @Override
    public void cancel(String address, String mailbox, UUID entryId) {
        run(() -> session.execute(deleteEntry.bind(Addresses.normalize(address), mailbox, MailboxBucket.of(entryId), entryId)));
    }

    @Override
    public void expunge(String address, String mailbox, MailboxSnapshot snapshot, BitSet removed) {
        String a = Addresses.normalize(address);
        Semaphore window = new Semaphore(DELETES_IN_FLIGHT);
        List<CompletableFuture<?>> pending = Collections.synchronizedList(new ArrayList<>());
        long bytes = 0;
        for (int i = removed.nextSetBit(0); i >= 0; i = removed.nextSetBit(i + 1)) {
            UUID id = snapshot.entryId(i);
            bytes += snapshot.messageSize(i);
            acquire(window);
            CompletionStage<?> write = session.executeAsync(deleteEntry.bind(a, mailbox, MailboxBucket.of(id), id));
            pending.add(write.toCompletableFuture().whenComplete((r, t) -> window.release()));
        }
        await(pending);
        long count = removed.cardinality();
        long freed = bytes;
        run(() -> session.execute(countUsage.bind(-count, -freed, a)));
        advanceLowWater(a, mailbox, snapshot, removed);
    }

    /**
     * Per bucket the snapshot touched: a closed bucket whose every entry was removed loses its row; otherwise
     * the low-water mark moves to the last entry of the removed head of the bucket, but never past
     * {@code takenAt - margin}, so an entry a worker was still writing when the snapshot was read stays visible.
     */
    private void advanceLowWater(String a, String mailbox, MailboxSnapshot snapshot, BitSet removed) {
        long cutoff = snapshot.takenAt().toEpochMilli() - margin.toMillis();
        int i = 0;
        while (i < snapshot.size()) {
            int bucket = MailboxBucket.of(snapshot.entryId(i));
            int last = i;
            while (last + 1 < snapshot.size() && MailboxBucket.of(snapshot.entryId(last + 1)) == bucket) {
                last++;
            }
            int head = i;
            while (head <= last && removed.get(head)) {
                head++;
            }
            boolean seenWhole = last + 1 < snapshot.size() || snapshot.complete();
            if (head > last && seenWhole && MailboxBucket.endMillis(bucket) <= cutoff) {
                run(() -> session.execute(deleteBucket.bind(a, mailbox, bucket)));
            } else {
                int mark = head - 1;
                while (mark >= i && MessageIds.unixMillis(snapshot.entryId(mark)) > cutoff) {
                    mark--;
                }
                if (mark >= i) {
                    UUID lowWater = snapshot.entryId(mark);
                    run(() -> session.execute(setLowWater.bind(lowWater, a, mailbox, bucket)));
                }
            }
            i = last + 1;
        }
    }

    @Override
    public void createMailbox(String address, String mailbox) {
        run(() -> session.execute(insertMailbox.bind(Addresses.normalize(address), mailbox)));
    }

    @Override
    public Iterable<String> mailboxNames(String address) {
        return call(() -> session.execute(selectMailboxes.bind(Addresses.normalize(address))).map(r -> r.getString(0)));
    }

    @Override
    public void deleteMailbox(String address, String mailbox) {
        String a = Addresses.normalize(address);
        long[] counted = new long[2];
        for (MailboxEntry e : list(a, mailbox)) {
            counted[0]++;
            counted[1] += e.size();
        }
        run(() -> {
            for (Row bucket : session.execute(selectBuckets.bind(a, mailbox))) {
                session.execute(deleteBucketPartition.bind(a, mailbox, bucket.getInt(0)));
            }
            session.execute(deleteAllBuckets.bind(a, mailbox));
            session.execute(deleteMailbox.bind(a, mailbox));
            session.execute(countUsage.bind(-counted[0], -counted[1], a));
        });
    }

    @Override
    public MailboxUsage usage(String address) {
        Row r = call(() -> session.execute(selectUsage.bind(Addresses.normalize(address))).one());
        return r == null ? MailboxUsage.NONE : new MailboxUsage(r.getLong(0), r.getLong(1));
    }

    @Override
    public void adjustUsage(String address, long messages, long bytes) {
        run(() -> session.execute(countUsage.bind(messages, bytes, Addresses.normalize(address))));
    }

    private static UUID lowWater(Row bucket) {
        UUID w = bucket.getUuid("low_water");
        return w == null ? MIN : w;
    }

    private static MailboxEntry entry(Row r) {
        return new MailboxEntry(r.getUuid(0), r.getUuid(1), r.getLong(2), r.getString(3), r.getString(4));
    }

    private static void acquire(Semaphore window) {
        try {
            if (!window.tryAcquire(60, TimeUnit.SECONDS)) {
                throw new StoreUnavailableException("Cassandra did not answer deletes within 60 s", null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted while deleting mailbox entries", e);
        }
    }

    private static void await(List<CompletableFuture<?>> pending) {
        try {
            CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new StoreUnavailableException("Cassandra request failed: " + e.getCause().getMessage(), e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new StoreUnavailableException("Cassandra did not finish " + pending.size() + " writes within 120 s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted while writing to Cassandra", e);
        }
    }

    /**
     * Walks the bucket rows and, lazily, the entries of each bucket above its low-water mark. A closed bucket
     * (no worker may write into it any more, see the class comment) is tidied on the way: with nothing left
     * its row goes, otherwise its low-water mark moves up to its first live entry. That is how removals
     * younger than the margin, which an expunge had to leave in place, stop being scanned.
     */
    private final class EntryIterator implements Iterator<MailboxEntry> {
        private final String address;
        private final String mailbox;
        private final Iterator<Row> buckets;
        private final long closedBefore = System.currentTimeMillis() - margin.toMillis();
        private Iterator<Row> current = Collections.emptyIterator();
        private Row first;

        EntryIterator(String address, String mailbox, Iterator<Row> buckets) {
            this.address = address;
            this.mailbox = mailbox;
            this.buckets = buckets;
        }

        @Override
        public boolean hasNext() {
            return call(() -> {
                while (first == null && !current.hasNext() && buckets.hasNext()) {
                    open(buckets.next());
                }
                return first != null || current.hasNext();
            });
        }

        private void open(Row bucketRow) {
            int bucket = bucketRow.getInt(0);
            UUID lowWater = lowWater(bucketRow);
            current = session.execute(selectEntries.bind(address, mailbox, bucket, lowWater)).iterator();
            if (MailboxBucket.endMillis(bucket) > closedBefore) {
                return;
            }
            first = current.hasNext() ? current.next() : null;
            if (first == null) {
                session.execute(deleteBucket.bind(address, mailbox, bucket));
            } else {
                UUID below = Uuids.endOf(MessageIds.unixMillis(first.getUuid(0)) - 1);
                if (TimeUuids.compare(below, lowWater) > 0) {
                    session.execute(setLowWater.bind(below, address, mailbox, bucket));
                }
            }
        }

        @Override
        public MailboxEntry next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            if (first != null) {
                Row r = first;
                first = null;
                return entry(r);
            }
            return call(() -> entry(current.next()));
        }
    }
}
