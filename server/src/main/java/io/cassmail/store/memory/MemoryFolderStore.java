package io.cassmail.store.memory;

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
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/**
 * {@link FolderStore} in memory with Cassandra's rules where the model relies on them: every row and deletion
 * carries its write timestamp and the later one wins whatever order they arrive in (a deletion wins a tie), and
 * a fence or a dropped block deletes what is under it up to its timestamp, including writes that arrive later.
 */
public final class MemoryFolderStore extends MemoryStore implements FolderStore {
    private final Map<String, Map<UUID, Cell<FolderRow>>> folders = new HashMap<>();
    private final Map<Key, TreeMap<Long, Cell<FolderEntry>>> entries = new HashMap<>();
    private final Map<Key, Long> dropped = new HashMap<>();
    private final Map<Key, List<long[]>> fences = new HashMap<>();
    private final Map<UUID, TreeMap<Long, Cell<Integer>>> blocks = new HashMap<>();
    private final Map<UUID, Map<BodyRef, Cell<BodyRef>>> refs = new HashMap<>();
    private final Map<UUID, TreeMap<Long, List<Long>>> vanished = new HashMap<>();
    private final MemoryLeases leases = new MemoryLeases();

    private record Key(UUID folderId, long block) {
    }

    /** A row or its deletion (value null) with its write timestamp. */
    private record Cell<T>(T value, long timestamp) {
    }

    private static <K, T> void put(Map<K, Cell<T>> map, K key, T value, long ts) {
        Cell<T> old = map.get(key);
        if (old == null || ts > old.timestamp() || (ts == old.timestamp() && value == null)) {
            map.put(key, new Cell<>(value, ts));
        }
    }

    @Override
    public synchronized List<FolderRow> folders(String address) {
        check();
        return folders.getOrDefault(Addresses.normalize(address), Map.of()).values().stream().map(Cell::value)
                .filter(v -> v != null).sorted(Comparator.comparing(r -> r.id().timestamp())).toList();
    }

    @Override
    public synchronized List<FolderBlock> blocks(UUID folderId) {
        check();
        List<FolderBlock> result = new ArrayList<>();
        blocks.getOrDefault(folderId, new TreeMap<>()).descendingMap().forEach((b, c) -> {
            if (c.value() != null) {
                result.add(new FolderBlock(b, c.value()));
            }
        });
        return result;
    }

    @Override
    public synchronized List<FolderEntry> block(UUID folderId, long block) {
        check();
        Key key = new Key(folderId, block);
        List<FolderEntry> result = new ArrayList<>();
        entries.getOrDefault(key, new TreeMap<>()).forEach((uid, c) -> {
            if (live(key, uid, c)) {
                result.add(c.value());
            }
        });
        return result;
    }

    @Override
    public synchronized List<FolderEntry> blockNewest(UUID folderId, long block, int limit) {
        List<FolderEntry> all = new ArrayList<>(block(folderId, block));
        java.util.Collections.reverse(all);
        return List.copyOf(all.subList(0, Math.min(limit, all.size())));
    }

    @Override
    public synchronized Optional<FolderEntry> entry(UUID folderId, long uid) {
        check();
        Key key = new Key(folderId, FolderBlock.of(uid));
        Cell<FolderEntry> c = entries.getOrDefault(key, new TreeMap<>()).get(uid);
        return c != null && live(key, uid, c) ? Optional.of(c.value()) : Optional.empty();
    }

    private boolean live(Key key, long uid, Cell<FolderEntry> c) {
        if (c.value() == null || c.timestamp() <= dropped.getOrDefault(key, Long.MIN_VALUE)) {
            return false;
        }
        for (long[] f : fences.getOrDefault(key, List.of())) {
            if (uid >= f[0] && c.timestamp() <= f[1]) {
                return false;
            }
        }
        return true;
    }

    @Override
    public synchronized List<BodyRef> refs(UUID messageId) {
        check();
        return refs.getOrDefault(messageId, Map.of()).values().stream().map(Cell::value).filter(v -> v != null)
                .sorted(Comparator.comparing((BodyRef r) -> r.folderId().toString()).thenComparingLong(BodyRef::uid))
                .toList();
    }

    @Override
    public synchronized List<Long> vanishedSince(UUID folderId, long modseq) {
        check();
        List<Long> result = new ArrayList<>();
        vanished.getOrDefault(folderId, new TreeMap<>()).tailMap(modseq, false).values().forEach(result::addAll);
        return result;
    }

    /**
     * Applies the changes a little later on another thread, as a remote store would: writes sent together may land
     * in any order (their timestamps decide), and nothing is visible before the future completes.
     */
    @Override
    public java.util.concurrent.CompletableFuture<Void> writeAsync(FolderChanges batch) {
        long delayMicros = java.util.concurrent.ThreadLocalRandom.current().nextLong(2000);
        return java.util.concurrent.CompletableFuture.runAsync(() -> write(batch),
                java.util.concurrent.CompletableFuture.delayedExecutor(delayMicros, java.util.concurrent.TimeUnit.MICROSECONDS));
    }

    @Override
    public synchronized void write(FolderChanges batch) {
        check();
        long ts = batch.timestamp();
        String address = Addresses.normalize(batch.address());
        for (FolderChanges.Change change : batch.changes()) {
            if (change instanceof FolderChanges.PutFolder p) {
                put(folders.computeIfAbsent(address, a -> new HashMap<>()), p.folder().id(), p.folder(), ts);
            } else if (change instanceof FolderChanges.DeleteFolder d) {
                put(folders.computeIfAbsent(address, a -> new HashMap<>()), d.folderId(), null, ts);
            } else if (change instanceof FolderChanges.PutEntry p) {
                put(entries.computeIfAbsent(new Key(p.entry().folderId(), FolderBlock.of(p.entry().uid())),
                        k -> new TreeMap<>()), p.entry().uid(), p.entry(), ts);
            } else if (change instanceof FolderChanges.DeleteEntry d) {
                put(entries.computeIfAbsent(new Key(d.folderId(), FolderBlock.of(d.uid())), k -> new TreeMap<>()),
                        d.uid(), null, ts);
            } else if (change instanceof FolderChanges.PutBlock p) {
                put(blocks.computeIfAbsent(p.folderId(), f -> new TreeMap<>()), p.block().block(), p.block().live(), ts);
            } else if (change instanceof FolderChanges.DropBlock d) {
                put(blocks.computeIfAbsent(d.folderId(), f -> new TreeMap<>()), d.block(), null, ts);
                dropped.merge(new Key(d.folderId(), d.block()), ts, Math::max);
            } else if (change instanceof FolderChanges.PutRef p) {
                put(refs.computeIfAbsent(p.ref().messageId(), m -> new HashMap<>()), p.ref(), p.ref(), ts);
            } else if (change instanceof FolderChanges.DeleteRef d) {
                put(refs.computeIfAbsent(d.ref().messageId(), m -> new HashMap<>()), d.ref(), null, ts);
            } else if (change instanceof FolderChanges.Vanished v) {
                vanished.computeIfAbsent(v.folderId(), f -> new TreeMap<>())
                        .computeIfAbsent(v.modseq(), m -> new ArrayList<>()).add(v.uid());
            } else if (change instanceof FolderChanges.Fence f) {
                fences.computeIfAbsent(new Key(f.folderId(), f.block()), k -> new ArrayList<>())
                        .add(new long[] {f.fromUid(), ts});
            }
        }
    }

    @Override
    public WriterLeases leases() {
        return leases;
    }

    /** Leases under one lock: the memory twin of the lightweight transactions. */
    private final class MemoryLeases implements WriterLeases {
        private final Map<String, WriterLease> rows = new HashMap<>();

        @Override
        public Optional<WriterLease> take(String address, String owner, Instant now, Duration duration, Duration grace) {
            synchronized (MemoryFolderStore.this) {
                check();
                String a = Addresses.normalize(address);
                WriterLease held = rows.get(a);
                if (held != null && !held.owner().equals(owner) && !now.isAfter(held.expires().plus(grace))) {
                    return Optional.empty();
                }
                WriterLease taken = new WriterLease(a, held == null ? 1 : held.epoch() + 1, owner, now.plus(duration));
                rows.put(a, taken);
                return Optional.of(taken);
            }
        }

        @Override
        public boolean renew(WriterLease lease, Instant newExpiry) {
            synchronized (MemoryFolderStore.this) {
                check();
                WriterLease held = rows.get(lease.address());
                if (held == null || held.epoch() != lease.epoch() || !held.owner().equals(lease.owner())) {
                    return false;
                }
                rows.put(lease.address(), new WriterLease(lease.address(), lease.epoch(), lease.owner(), newExpiry));
                return true;
            }
        }

        @Override
        public boolean release(WriterLease lease, Instant endedAt) {
            return renew(lease, endedAt);
        }

        @Override
        public Optional<WriterLease> current(String address) {
            synchronized (MemoryFolderStore.this) {
                check();
                return Optional.ofNullable(rows.get(Addresses.normalize(address)));
            }
        }
    }
}
