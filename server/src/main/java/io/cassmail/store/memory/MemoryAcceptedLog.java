package io.cassmail.store.memory;

import io.cassmail.store.AcceptedLog;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;

/** {@link AcceptedLog} in memory. */
public final class MemoryAcceptedLog extends MemoryStore implements AcceptedLog {
    private final Map<Long, Set<UUID>> minutes = new ConcurrentHashMap<>();
    private final Map<String, Long> progress = new ConcurrentHashMap<>();

    @Override
    public void add(long minute, UUID messageId) {
        check();
        minutes.computeIfAbsent(minute, m -> new ConcurrentSkipListSet<>()).add(messageId);
    }

    @Override
    public List<UUID> in(long minute) {
        check();
        return List.copyOf(minutes.getOrDefault(minute, Set.of()));
    }

    @Override
    public OptionalLong progress(String name) {
        check();
        Long m = progress.get(name);
        return m == null ? OptionalLong.empty() : OptionalLong.of(m);
    }

    @Override
    public void progress(String name, long minute) {
        check();
        progress.put(name, minute);
    }
}
