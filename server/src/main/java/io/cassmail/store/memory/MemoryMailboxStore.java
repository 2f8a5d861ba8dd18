package io.cassmail.store.memory;

import io.cassmail.mail.Addresses;
import io.cassmail.store.MailboxEntry;
import io.cassmail.store.MailboxSnapshot;
import io.cassmail.store.MailboxStore;
import io.cassmail.store.MailboxUsage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ConcurrentSkipListSet;

/**
 * {@link MailboxStore} in memory, ordered like Cassandra's timeuuid clustering (by the id's timestamp).
 * Memory keeps no tombstones, so removal is plain removal and usage is exact.
 */
public final class MemoryMailboxStore extends MemoryStore implements MailboxStore {
    static final Comparator<UUID> TIMEUUID_ORDER = Comparator.comparingLong(UUID::timestamp).thenComparing(u -> u);

    private final Map<String, NavigableMap<UUID, MailboxEntry>> entries = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> names = new ConcurrentHashMap<>();
    private final Map<String, long[]> usage = new ConcurrentHashMap<>();

    @Override
    public void add(String address, String mailbox, MailboxEntry entry) {
        check();
        entries.computeIfAbsent(key(address, mailbox), k -> new ConcurrentSkipListMap<>(TIMEUUID_ORDER))
                .put(entry.entryId(), entry);
        adjustUsage(address, 1, entry.size());
    }

    @Override
    public boolean isListed(String address, String mailbox, UUID entryId) {
        check();
        return partition(address, mailbox).containsKey(entryId);
    }

    @Override
    public Iterable<MailboxEntry> list(String address, String mailbox) {
        check();
        return List.copyOf(partition(address, mailbox).values());
    }

    @Override
    public Iterable<MailboxEntry> newest(String address, String mailbox, int limit) {
        check();
        List<MailboxEntry> result = new ArrayList<>();
        for (MailboxEntry e : partition(address, mailbox).descendingMap().values()) {
            if (result.size() == limit) {
                break;
            }
            result.add(e);
        }
        return result;
    }

    @Override
    public MailboxSnapshot snapshot(String address, String mailbox, int max) {
        return MailboxSnapshot.of(list(address, mailbox), max, Instant.now());
    }

    @Override
    public void remove(String address, String mailbox, UUID entryId, long size) {
        check();
        if (partition(address, mailbox).remove(entryId) != null) {
            adjustUsage(address, -1, -size);
        }
    }

    @Override
    public void cancel(String address, String mailbox, UUID entryId) {
        check();
        partition(address, mailbox).remove(entryId);
    }

    @Override
    public void expunge(String address, String mailbox, MailboxSnapshot snapshot, BitSet removed) {
        check();
        for (int i = removed.nextSetBit(0); i >= 0; i = removed.nextSetBit(i + 1)) {
            remove(address, mailbox, snapshot.entryId(i), snapshot.messageSize(i));
        }
    }

    @Override
    public void createMailbox(String address, String mailbox) {
        check();
        names.computeIfAbsent(Addresses.normalize(address), k -> new ConcurrentSkipListSet<>()).add(mailbox);
    }

    @Override
    public Iterable<String> mailboxNames(String address) {
        check();
        return List.copyOf(names.getOrDefault(Addresses.normalize(address), Set.of()));
    }

    @Override
    public void deleteMailbox(String address, String mailbox) {
        check();
        NavigableMap<UUID, MailboxEntry> gone = entries.remove(key(address, mailbox));
        if (gone != null) {
            adjustUsage(address, -gone.size(), -gone.values().stream().mapToLong(MailboxEntry::size).sum());
        }
        names.getOrDefault(Addresses.normalize(address), new ConcurrentSkipListSet<>()).remove(mailbox);
    }

    @Override
    public MailboxUsage usage(String address) {
        check();
        long[] u = usage.get(Addresses.normalize(address));
        return u == null ? MailboxUsage.NONE : new MailboxUsage(u[0], u[1]);
    }

    @Override
    public void adjustUsage(String address, long messages, long bytes) {
        check();
        usage.compute(Addresses.normalize(address), (k, u) -> u == null ? new long[] {messages, bytes}
                : new long[] {u[0] + messages, u[1] + bytes});
    }

    private NavigableMap<UUID, MailboxEntry> partition(String address, String mailbox) {
        return entries.getOrDefault(key(address, mailbox), new ConcurrentSkipListMap<>(TIMEUUID_ORDER));
    }

    private static String key(String address, String mailbox) {
        return Addresses.normalize(address) + '\0' + mailbox;
    }
}
