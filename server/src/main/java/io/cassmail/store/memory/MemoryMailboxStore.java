package io.cassmail.store.memory;

import io.cassmail.mail.Addresses;
import io.cassmail.store.MailboxEntry;
import io.cassmail.store.MailboxStore;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ConcurrentSkipListSet;

/** {@link MailboxStore} in memory, ordered like Cassandra's timeuuid clustering: by the id's timestamp. */
public final class MemoryMailboxStore extends MemoryStore implements MailboxStore {
    static final Comparator<UUID> TIMEUUID_ORDER = Comparator.comparingLong(UUID::timestamp).thenComparing(u -> u);

    private final Map<String, NavigableMap<UUID, MailboxEntry>> entries = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> names = new ConcurrentHashMap<>();

    @Override
    public void add(String address, String mailbox, MailboxEntry entry) {
        check();
        entries.computeIfAbsent(key(address, mailbox), k -> new ConcurrentSkipListMap<>(TIMEUUID_ORDER))
                .put(entry.messageId(), entry);
    }

    @Override
    public Iterable<MailboxEntry> list(String address, String mailbox) {
        check();
        return List.copyOf(partition(address, mailbox).values());
    }

    @Override
    public void remove(String address, String mailbox, UUID messageId) {
        check();
        partition(address, mailbox).remove(messageId);
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
    public void createMailbox(String address, String mailbox) {
        check();
        names.computeIfAbsent(Addresses.normalize(address), k -> new ConcurrentSkipListSet<>()).add(mailbox);
    }

    @Override
    public Iterable<String> mailboxNames(String address) {
        check();
        return List.copyOf(names.getOrDefault(Addresses.normalize(address), Set.of()));
    }

    private NavigableMap<UUID, MailboxEntry> partition(String address, String mailbox) {
        return entries.getOrDefault(key(address, mailbox), new ConcurrentSkipListMap<>(TIMEUUID_ORDER));
    }

    private static String key(String address, String mailbox) {
        return Addresses.normalize(address) + '\0' + mailbox;
    }
}
