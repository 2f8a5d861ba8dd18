package io.cassmail.schema;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.uuid.Uuids;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data step of schema version 8: every mailbox of every account becomes a folder of the new model, its
 * listed entries (those above each bucket's low-water mark, as the old reads saw them) get UIDs 1, 2, ... in
 * entry order, each with a body reference, and the folder row carries the exact counts. POP3 unique ids are the
 * message ids, so they do not change. A folder's row is written after its entries, and its id is derived from
 * the account and mailbox name, so a copy interrupted and run again redoes the unfinished folders only. Writes
 * use the clock's timestamps, below every mailbox writer's (README "Data model").
 */
final class FolderModelCopy {
    private static final Logger log = LoggerFactory.getLogger(FolderModelCopy.class);
    /** UIDs per entries partition: {@code io.cassmail.store.FolderBlock.SIZE}. */
    static final int BLOCK = 512;
    private static final List<String> SPECIAL = List.of("Sent", "Drafts", "Trash", "Junk", "Archive");

    private FolderModelCopy() {
    }

    static void run(CqlSession session, String keyspace) {
        new Copier(session, keyspace).run();
    }

    private static final class Copier {
        private final CqlSession session;
        private final String ks;
        private final PreparedStatement folders;
        private final PreparedStatement buckets;
        private final PreparedStatement entries;
        private final PreparedStatement insertEntry;
        private final PreparedStatement insertBlock;
        private final PreparedStatement insertRef;
        private final PreparedStatement insertFolder;
        private final Semaphore window = new Semaphore(64);
        private final AtomicReference<Throwable> failure = new AtomicReference<>();

        Copier(CqlSession session, String ks) {
            this.session = session;
            this.ks = ks;
            folders = session.prepare("SELECT name FROM " + ks + ".folders WHERE address = ?");
            buckets = session.prepare("SELECT bucket, low_water FROM " + ks + ".mailbox_buckets WHERE address = ? AND mailbox = ?");
            entries = session.prepare("SELECT entry_id, message_id, size, sender, subject FROM " + ks + ".mailbox_entries "
                    + "WHERE address = ? AND mailbox = ? AND bucket = ? AND entry_id > ?");
            insertEntry = session.prepare("INSERT INTO " + ks + ".folder_entries (folder_id, block, uid, message_id, size, "
                    + "internal_date, flags, keywords, modseq, sender, subject) VALUES (?, ?, ?, ?, ?, ?, 0, {}, ?, ?, ?)");
            insertBlock = session.prepare("INSERT INTO " + ks + ".folder_blocks (folder_id, block, live) VALUES (?, ?, ?)");
            insertRef = session.prepare("INSERT INTO " + ks + ".body_refs (message_id, folder_id, uid, address) "
                    + "VALUES (?, ?, ?, ?)");
            insertFolder = session.prepare("INSERT INTO " + ks + ".folders (address, folder_id, name, special_use, subscribed, "
                    + "uid_validity, uid_next, highest_modseq, messages, unseen, bytes) VALUES (?, ?, ?, ?, true, ?, ?, ?, ?, ?, ?)");
        }

        void run() {
            // every account, every mailbox a user created, and every mailbox that lists something (schema 1 mail
            // copied by schema 2 has no mailboxes row)
            Map<String, Set<String>> accounts = new TreeMap<>();
            for (Row r : session.execute(SimpleStatement.newInstance("SELECT address FROM " + ks + ".users").setPageSize(1000))) {
                accounts.computeIfAbsent(r.getString(0), a -> new java.util.TreeSet<>()).add("INBOX");
            }
            for (Row r : session.execute(SimpleStatement.newInstance("SELECT address, mailbox FROM " + ks + ".mailboxes")
                    .setPageSize(1000))) {
                accounts.computeIfAbsent(r.getString(0), a -> new java.util.TreeSet<>()).add(r.getString(1));
            }
            for (Row r : session.execute(SimpleStatement.newInstance("SELECT DISTINCT address, mailbox FROM " + ks
                    + ".mailbox_buckets").setPageSize(1000))) {
                accounts.computeIfAbsent(r.getString(0), a -> new java.util.TreeSet<>()).add(r.getString(1));
            }
            long copied = 0;
            for (Map.Entry<String, Set<String>> account : accounts.entrySet()) {
                copied += account(account.getKey(), account.getValue());
            }
            log.info("schema 8: {} entries of {} accounts listed in folders with UIDs", copied, accounts.size());
        }

        private long account(String address, Set<String> mailboxes) {
            Set<String> done = new HashSet<>();
            session.execute(folders.bind(address)).forEach(r -> done.add(r.getString(0)));
            long copied = 0;
            long validity = Instant.now().getEpochSecond();
            for (String mailbox : mailboxes) {
                String name = mailbox.equalsIgnoreCase("INBOX") ? "INBOX" : mailbox;
                validity++;
                if (!done.contains(name)) {
                    copied += folder(address, mailbox, name, validity);
                }
            }
            return copied;
        }

        private long folder(String address, String mailbox, String name, long validity) {
            UUID folderId = folderId(address, name);
            long uid = 0;
            long bytes = 0;
            TreeMap<Long, Integer> live = new TreeMap<>();
            for (Row b : session.execute(buckets.bind(address, mailbox))) {
                UUID lowWater = b.getUuid(1) == null ? Uuids.startOf(0) : b.getUuid(1);
                for (Row e : session.execute(entries.bind(address, mailbox, b.getInt(0), lowWater))) {
                    uid++;
                    UUID entryId = e.getUuid(0);
                    UUID messageId = e.getUuid(1);
                    long size = e.getLong(2);
                    bytes += size;
                    long block = uid / BLOCK;
                    live.merge(block, 1, Integer::sum);
                    BoundStatement insert = insertEntry.bind(folderId, block, uid, messageId, size,
                            Instant.ofEpochMilli(Uuids.unixTimestamp(entryId)), uid, e.getString(3), e.getString(4));
                    if (e.getString(3) == null) {
                        insert = insert.unset(7);
                    }
                    if (e.getString(4) == null) {
                        insert = insert.unset(8);
                    }
                    write(insert);
                    write(insertRef.bind(messageId, folderId, uid, address));
                }
            }
            for (Map.Entry<Long, Integer> b : live.entrySet()) {
                write(insertBlock.bind(folderId, b.getKey(), b.getValue()));
            }
            drain();
            String special = SPECIAL.contains(name) ? "\\" + name : null;
            BoundStatement row = insertFolder.bind(address, folderId, name, special, validity, uid + 1, Math.max(1, uid),
                    uid, uid, bytes);
            session.execute(special == null ? row.unset(3) : row);
            return uid;
        }

        private void write(BoundStatement statement) {
            try {
                if (!window.tryAcquire(60, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("Cassandra did not answer the copy's writes within 60 s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
            CompletionStage<AsyncResultSet> w = session.executeAsync(statement);
            w.whenComplete((r, t) -> {
                if (t != null) {
                    failure.compareAndSet(null, t);
                }
                window.release();
            });
        }

        private void drain() {
            try {
                if (!window.tryAcquire(64, 120, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("Cassandra did not finish the copy's writes within 120 s");
                }
                window.release(64);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
            Throwable t = failure.get();
            if (t != null) {
                throw new IllegalStateException("schema 8 copy failed: " + t.getMessage(), t);
            }
        }
    }

    /** A time-based id that is the same for the same account and folder name, so a second run finds the first's rows. */
    static UUID folderId(String address, String name) {
        byte[] h;
        try {
            h = MessageDigest.getInstance("SHA-256").digest((address + "\n" + name).getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        long time = 0x01B21DD213814000L + 10_000L * 1_577_836_800_000L; // 2020-01-01 in 100 ns since 1582
        long msb = ((time & 0xFFFFFFFFL) << 32) | (((time >>> 32) & 0xFFFFL) << 16) | 0x1000L | ((time >>> 48) & 0x0FFFL);
        long lsb = 0x8000000000000000L;
        for (int i = 0; i < 8; i++) {
            lsb |= ((long) (h[i] & 0xFF)) << (56 - 8 * i);
        }
        lsb = (lsb & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb);
    }
}
