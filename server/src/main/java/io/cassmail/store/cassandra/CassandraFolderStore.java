package io.cassmail.store.cassandra;

import static io.cassmail.store.cassandra.CassandraCalls.call;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchStatementBuilder;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.DefaultBatchType;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.Statement;
import io.cassmail.mail.Addresses;
import io.cassmail.store.BodyRef;
import io.cassmail.store.FolderBlock;
import io.cassmail.store.FolderChanges;
import io.cassmail.store.FolderEntry;
import io.cassmail.store.FolderRow;
import io.cassmail.store.FolderStore;
import io.cassmail.store.WriterLease;
import io.cassmail.store.WriterLeases;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * {@link FolderStore} on the schema 8 tables. A change set is one logged batch (one plain statement when it is
 * a single one), every statement at the writer's timestamp, so it lands whole or not at all and an older
 * writer's late batch cannot overwrite a newer one. Leases are lightweight transactions on {@code mailbox_writers}.
 */
public final class CassandraFolderStore implements FolderStore {
    private static final String ENTRY_COLUMNS =
            "folder_id, uid, message_id, size, internal_date, flags, keywords, modseq, sender, subject";

    private final CqlSession session;
    private final PreparedStatement selectFolders;
    private final PreparedStatement insertFolder;
    private final PreparedStatement deleteFolder;
    private final PreparedStatement selectBlocks;
    private final PreparedStatement selectBlock;
    private final PreparedStatement selectBlockNewest;
    private final PreparedStatement selectEntry;
    private final PreparedStatement insertEntry;
    private final PreparedStatement deleteEntry;
    private final PreparedStatement insertBlock;
    private final PreparedStatement deleteBlockRow;
    private final PreparedStatement deleteBlockEntries;
    private final PreparedStatement fence;
    private final PreparedStatement selectRefs;
    private final PreparedStatement insertRef;
    private final PreparedStatement deleteRef;
    private final PreparedStatement insertVanished;
    private final PreparedStatement selectVanished;
    private final Leases leases;

    public CassandraFolderStore(CqlSession session) {
        this.session = session;
        selectFolders = session.prepare("SELECT folder_id, name, special_use, subscribed, uid_validity, uid_next, "
                + "highest_modseq, messages, unseen, bytes FROM folders WHERE address = ?");
        insertFolder = session.prepare("INSERT INTO folders (address, folder_id, name, special_use, subscribed, "
                + "uid_validity, uid_next, highest_modseq, messages, unseen, bytes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                + "USING TIMESTAMP ?");
        deleteFolder = session.prepare("DELETE FROM folders USING TIMESTAMP ? WHERE address = ? AND folder_id = ?");
        selectBlocks = session.prepare("SELECT block, live FROM folder_blocks WHERE folder_id = ?");
        selectBlock = session.prepare("SELECT " + ENTRY_COLUMNS + " FROM folder_entries WHERE folder_id = ? AND block = ?");
        selectBlockNewest = session.prepare("SELECT " + ENTRY_COLUMNS + " FROM folder_entries WHERE folder_id = ? "
                + "AND block = ? ORDER BY uid DESC LIMIT ?");
        selectEntry = session.prepare("SELECT " + ENTRY_COLUMNS + " FROM folder_entries WHERE folder_id = ? AND block = ? "
                + "AND uid = ?");
        insertEntry = session.prepare("INSERT INTO folder_entries (folder_id, block, uid, message_id, size, internal_date, "
                + "flags, keywords, modseq, sender, subject) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                + "USING TIMESTAMP ?");
        deleteEntry = session.prepare("DELETE FROM folder_entries USING TIMESTAMP ? WHERE folder_id = ? AND block = ? "
                + "AND uid = ?");
        insertBlock = session.prepare("INSERT INTO folder_blocks (folder_id, block, live) VALUES (?, ?, ?) USING TIMESTAMP ?");
        deleteBlockRow = session.prepare("DELETE FROM folder_blocks USING TIMESTAMP ? WHERE folder_id = ? AND block = ?");
        deleteBlockEntries = session.prepare("DELETE FROM folder_entries USING TIMESTAMP ? WHERE folder_id = ? AND block = ?");
        fence = session.prepare("DELETE FROM folder_entries USING TIMESTAMP ? WHERE folder_id = ? AND block = ? AND uid >= ?");
        selectRefs = session.prepare("SELECT folder_id, uid, address FROM body_refs WHERE message_id = ?");
        insertRef = session.prepare("INSERT INTO body_refs (message_id, folder_id, uid, address) VALUES (?, ?, ?, ?) "
                + "USING TIMESTAMP ?");
        deleteRef = session.prepare("DELETE FROM body_refs USING TIMESTAMP ? WHERE message_id = ? AND folder_id = ? "
                + "AND uid = ?");
        // the expunge log keeps the clock's timestamps (not the writer's): time-window compaction groups by them
        insertVanished = session.prepare("INSERT INTO folder_vanished (folder_id, modseq, uid) VALUES (?, ?, ?) USING TTL ?");
        selectVanished = session.prepare("SELECT uid FROM folder_vanished WHERE folder_id = ? AND modseq > ?");
        leases = new Leases();
    }

    @Override
    public List<FolderRow> folders(String address) {
        return call(() -> session.execute(selectFolders.bind(Addresses.normalize(address))).map(r -> new FolderRow(
                r.getUuid(0), r.getString(1), r.getString(2), r.getBoolean(3), r.getLong(4), r.getLong(5), r.getLong(6),
                r.getLong(7), r.getLong(8), r.getLong(9))).all());
    }

    @Override
    public List<FolderBlock> blocks(UUID folderId) {
        return call(() -> session.execute(selectBlocks.bind(folderId))
                .map(r -> new FolderBlock(r.getLong(0), r.getInt(1))).all());
    }

    @Override
    public List<FolderEntry> block(UUID folderId, long block) {
        return call(() -> session.execute(selectBlock.bind(folderId, block)).map(CassandraFolderStore::entry).all());
    }

    @Override
    public List<FolderEntry> blockNewest(UUID folderId, long block, int limit) {
        return call(() -> session.execute(selectBlockNewest.bind(folderId, block, limit))
                .map(CassandraFolderStore::entry).all());
    }

    @Override
    public Optional<FolderEntry> entry(UUID folderId, long uid) {
        return call(() -> Optional.ofNullable(session.execute(selectEntry.bind(folderId, FolderBlock.of(uid), uid)).one())
                .map(CassandraFolderStore::entry));
    }

    private static FolderEntry entry(Row r) {
        return new FolderEntry(r.getUuid(0), r.getLong(1), r.getUuid(2), r.getLong(3), r.getInstant(4), r.getLong(5),
                r.getSet(6, String.class), r.getLong(7), r.getString(8), r.getString(9));
    }

    @Override
    public List<BodyRef> refs(UUID messageId) {
        return call(() -> session.execute(selectRefs.bind(messageId))
                .map(r -> new BodyRef(messageId, r.getUuid(0), r.getLong(1), r.getString(2))).all());
    }

    @Override
    public java.util.Map<UUID, List<BodyRef>> refs(java.util.Collection<UUID> messageIds) {
        java.util.Map<UUID, java.util.concurrent.CompletableFuture<List<BodyRef>>> reads = new java.util.LinkedHashMap<>();
        for (UUID id : messageIds) {
            reads.put(id, session.executeAsync(selectRefs.bind(id)).toCompletableFuture()
                    .thenApply(rs -> {
                        List<BodyRef> refs = new ArrayList<>();
                        rs.currentPage().forEach(r -> refs.add(new BodyRef(id, r.getUuid(0), r.getLong(1), r.getString(2))));
                        return refs;
                    }));
        }
        java.util.Map<UUID, List<BodyRef>> result = new java.util.HashMap<>();
        try {
            for (var read : reads.entrySet()) {
                result.put(read.getKey(), read.getValue().get(60, java.util.concurrent.TimeUnit.SECONDS));
            }
        } catch (java.util.concurrent.ExecutionException e) {
            throw new io.cassmail.store.StoreUnavailableException("Cassandra request failed: " + e.getCause().getMessage(),
                    e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new io.cassmail.store.StoreUnavailableException("Cassandra did not answer within 60 s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new io.cassmail.store.StoreUnavailableException("interrupted while reading body references", e);
        }
        return result;
    }

    @Override
    public List<Long> vanishedSince(UUID folderId, long modseq) {
        return call(() -> session.execute(selectVanished.bind(folderId, modseq)).map(r -> r.getLong(0)).all());
    }

    @Override
    public void write(FolderChanges changes) {
        Statement<?> statement = statement(changes);
        if (statement != null) {
            call(() -> session.execute(statement));
        }
    }

    @Override
    public java.util.concurrent.CompletableFuture<Void> writeAsync(FolderChanges changes) {
        Statement<?> statement = statement(changes);
        if (statement == null) {
            return java.util.concurrent.CompletableFuture.completedFuture(null);
        }
        java.util.concurrent.CompletableFuture<Void> done = new java.util.concurrent.CompletableFuture<>();
        session.executeAsync(statement).whenComplete((rs, e) -> {
            if (e == null) {
                done.complete(null);
            } else {
                Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null
                        ? e.getCause() : e;
                done.completeExceptionally(new io.cassmail.store.StoreUnavailableException(
                        "Cassandra request failed: " + cause.getMessage(), cause));
            }
        });
        return done;
    }

    /** The statement that applies the changes: one, or a batch (logged unless in parts); null for none. */
    private Statement<?> statement(FolderChanges changes) {
        long ts = changes.timestamp();
        String address = Addresses.normalize(changes.address());
        List<BoundStatement> statements = new ArrayList<>();
        for (FolderChanges.Change change : changes.changes()) {
            if (change instanceof FolderChanges.PutFolder p) {
                FolderRow f = p.folder();
                BoundStatement s = insertFolder.bind(address, f.id(), f.name(), f.specialUse(), f.subscribed(),
                        f.uidValidity(), f.uidNext(), f.highestModseq(), f.messages(), f.unseen(), f.bytes(), ts);
                statements.add(f.specialUse() == null ? s.unset(3) : s);
            } else if (change instanceof FolderChanges.DeleteFolder d) {
                statements.add(deleteFolder.bind(ts, address, d.folderId()));
            } else if (change instanceof FolderChanges.PutEntry p) {
                statements.add(insertEntry(p.entry(), ts));
            } else if (change instanceof FolderChanges.DeleteEntry d) {
                statements.add(deleteEntry.bind(ts, d.folderId(), FolderBlock.of(d.uid()), d.uid()));
            } else if (change instanceof FolderChanges.PutBlock p) {
                statements.add(insertBlock.bind(p.folderId(), p.block().block(), p.block().live(), ts));
            } else if (change instanceof FolderChanges.DropBlock d) {
                statements.add(deleteBlockRow.bind(ts, d.folderId(), d.block()));
                statements.add(deleteBlockEntries.bind(ts, d.folderId(), d.block()));
            } else if (change instanceof FolderChanges.PutRef p) {
                BodyRef r = p.ref();
                statements.add(insertRef.bind(r.messageId(), r.folderId(), r.uid(), r.address(), ts));
            } else if (change instanceof FolderChanges.DeleteRef d) {
                BodyRef r = d.ref();
                statements.add(deleteRef.bind(ts, r.messageId(), r.folderId(), r.uid()));
            } else if (change instanceof FolderChanges.Vanished v) {
                statements.add(insertVanished.bind(v.folderId(), v.modseq(), v.uid(),
                        (int) Math.min(Integer.MAX_VALUE, v.window().toSeconds())));
            } else if (change instanceof FolderChanges.Fence f) {
                statements.add(fence.bind(ts, f.folderId(), f.block(), f.fromUid()));
            }
        }
        if (statements.isEmpty()) {
            return null;
        }
        if (statements.size() == 1) {
            return statements.get(0).setIdempotent(true);
        }
        BatchStatementBuilder batch = BatchStatement.builder(changes.atomic() ? DefaultBatchType.LOGGED
                : DefaultBatchType.UNLOGGED).setIdempotence(true);
        statements.forEach(batch::addStatement);
        return batch.build();
    }

    private BoundStatement insertEntry(FolderEntry e, long ts) {
        BoundStatement s = insertEntry.bind(e.folderId(), FolderBlock.of(e.uid()), e.uid(), e.messageId(), e.size(),
                e.internalDate(), e.flags(), e.keywords(), e.modseq(), e.sender(), e.subject(), ts);
        // a missing summary field stays unset: binding null would write a tombstone per entry
        if (e.sender() == null) {
            s = s.unset(9);
        }
        if (e.subject() == null) {
            s = s.unset(10);
        }
        return s;
    }

    @Override
    public WriterLeases leases() {
        return leases;
    }

    /** Leases as lightweight transactions: one when a writer takes an account, one per renewal. */
    private final class Leases implements WriterLeases {
        private final PreparedStatement select = session.prepare(
                "SELECT epoch, owner, expires FROM mailbox_writers WHERE address = ?");
        private final PreparedStatement insert = session.prepare(
                "INSERT INTO mailbox_writers (address, epoch, owner, expires) VALUES (?, 1, ?, ?) IF NOT EXISTS");
        private final PreparedStatement takeOver = session.prepare(
                "UPDATE mailbox_writers SET epoch = ?, owner = ?, expires = ? WHERE address = ? IF epoch = ?");
        private final PreparedStatement renew = session.prepare(
                "UPDATE mailbox_writers SET expires = ? WHERE address = ? IF epoch = ? AND owner = ?");

        @Override
        public Optional<WriterLease> take(String address, String owner, Instant now, Duration duration, Duration grace) {
            String a = Addresses.normalize(address);
            Instant expires = now.plus(duration);
            return call(() -> {
                for (int attempt = 0; attempt < 3; attempt++) {
                    Row held = session.execute(select.bind(a).setConsistencyLevel(ConsistencyLevel.SERIAL)).one();
                    if (held == null) {
                        if (session.execute(insert.bind(a, owner, expires)).wasApplied()) {
                            return Optional.of(new WriterLease(a, 1, owner, expires));
                        }
                        continue;
                    }
                    long epoch = held.getLong(0);
                    boolean mine = owner.equals(held.getString(1));
                    if (!mine && !now.isAfter(held.getInstant(2).plus(grace))) {
                        return Optional.empty();
                    }
                    if (session.execute(takeOver.bind(epoch + 1, owner, expires, a, epoch)).wasApplied()) {
                        return Optional.of(new WriterLease(a, epoch + 1, owner, expires));
                    }
                }
                return Optional.empty();
            });
        }

        @Override
        public boolean renew(WriterLease lease, Instant newExpiry) {
            return call(() -> session.execute(renew.bind(newExpiry, lease.address(), lease.epoch(), lease.owner()))
                    .wasApplied());
        }

        @Override
        public boolean release(WriterLease lease, Instant endedAt) {
            return renew(lease, endedAt);
        }

        @Override
        public Optional<WriterLease> current(String address) {
            String a = Addresses.normalize(address);
            return call(() -> Optional.ofNullable(session.execute(select.bind(a)).one())
                    .map(r -> new WriterLease(a, r.getLong(0), r.getString(1), r.getInstant(2))));
        }
    }
}
