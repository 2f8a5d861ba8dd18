package io.cassmail.store.memory;

import io.cassmail.store.DeliveryLedger;
import io.cassmail.store.DeliveryRecord;
import io.cassmail.store.DeliveryStatus;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/** {@link DeliveryLedger} in memory; like a CQL UPDATE, updating an unknown recipient creates its row. */
public final class MemoryDeliveryLedger extends MemoryStore implements DeliveryLedger {
    private final Map<UUID, NavigableMap<String, DeliveryRecord>> rows = new ConcurrentHashMap<>();
    private final Clock clock;

    public MemoryDeliveryLedger(Clock clock) {
        this.clock = clock;
    }

    @Override
    public void recordQueued(UUID messageId, List<DeliveryRecord> recipients) {
        check();
        Instant now = clock.instant();
        NavigableMap<String, DeliveryRecord> m = rows.computeIfAbsent(messageId, k -> new ConcurrentSkipListMap<>());
        for (DeliveryRecord r : recipients) {
            m.put(r.recipient(), new DeliveryRecord(r.recipient(), r.mailbox(), DeliveryStatus.QUEUED, 0, null, r.entryId(),
                    now, r.dsn()));
        }
    }

    @Override
    public List<DeliveryRecord> records(UUID messageId) {
        check();
        return List.copyOf(rows.getOrDefault(messageId, new ConcurrentSkipListMap<>()).values());
    }

    @Override
    public void update(UUID messageId, String recipient, DeliveryStatus status, int attempts, String lastError) {
        check();
        rows.computeIfAbsent(messageId, k -> new ConcurrentSkipListMap<>()).compute(recipient, (k, old) ->
                new DeliveryRecord(recipient, old == null ? null : old.mailbox(), status, attempts, lastError,
                        old == null ? null : old.entryId(), clock.instant(), old == null ? null : old.dsn()));
    }

    @Override
    public void delivering(UUID messageId, String recipient, UUID entryId) {
        check();
        rows.computeIfAbsent(messageId, k -> new ConcurrentSkipListMap<>()).compute(recipient, (k, old) ->
                new DeliveryRecord(recipient, old == null ? null : old.mailbox(), DeliveryStatus.DELIVERING,
                        old == null ? 0 : old.attempts(), old == null ? null : old.lastError(), entryId, clock.instant(),
                        old == null ? null : old.dsn()));
    }

    @Override
    public void forget(UUID messageId) {
        check();
        rows.remove(messageId);
    }
}
