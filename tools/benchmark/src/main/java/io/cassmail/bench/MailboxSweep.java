package io.cassmail.bench;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.uuid.Uuids;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.function.Function;

/**
 * Lists what the benchmark users' INBOXes received since a moment: per message its id, size, when it was
 * accepted and when the worker recorded it delivered. The sweep reads each INBOX's live blocks; "accepted"
 * starts as the message's received time and "listed" as unknown, and {@link #refineAccepted} sets both from
 * the recipient's ledger row: the write time of its QUEUED write (just before the job is published and the 250
 * sent) and its {@code updated} time (the DELIVERED write, right after the mailbox writer listed it).
 */
final class MailboxSweep {
    private static final int IN_FLIGHT = 32;

    /** One message found in a mailbox. */
    record Found(UUID id, String address, long size, long acceptedMillis, long listedMillis) {
        long latencyMillis() {
            return Math.max(0, listedMillis - acceptedMillis);
        }
    }

    private final CqlSession session;
    private final PreparedStatement inbox;
    private final PreparedStatement blocks;
    private final PreparedStatement entries;
    private final PreparedStatement ledger;

    MailboxSweep(CqlSession session) {
        this.session = session;
        this.inbox = session.prepare("SELECT folder_id, name FROM folders WHERE address = ?");
        this.blocks = session.prepare("SELECT block FROM folder_blocks WHERE folder_id = ?");
        this.entries = session.prepare("SELECT message_id, size, internal_date FROM folder_entries "
                + "WHERE folder_id = ? AND block = ?");
        this.ledger = session.prepare("SELECT writetime(mailbox) AS queued, updated FROM deliveries WHERE message_id = ? "
                + "AND recipient = ?");
    }

    /** Sets each entry's accepted and listed times from its recipient's ledger row (see the class comment). */
    Map<UUID, Found> refineAccepted(Map<UUID, Found> found) throws InterruptedException {
        Map<UUID, Found> refined = new ConcurrentHashMap<>();
        boundedFanOut(found.values(), f -> session.executeAsync(ledger.bind(f.id(), f.address())).handle((rs, e) -> {
            Row row = e == null ? rs.one() : null;
            long at = row != null && !row.isNull("queued") ? row.getLong("queued") / 1000 : f.acceptedMillis();
            long listed = row != null && row.getInstant("updated") != null ? row.getInstant("updated").toEpochMilli()
                    : f.acceptedMillis();
            refined.put(f.id(), new Found(f.id(), f.address(), f.size(), at, listed));
            return null;
        }));
        return refined;
    }

    /** Every INBOX entry of these users received at or after {@code from}, keyed by message id. */
    Map<UUID, Found> entriesSince(List<String> users, Instant from) throws InterruptedException {
        Map<UUID, Found> found = new ConcurrentHashMap<>();
        Map<UUID, Boolean> seenTwice = new ConcurrentHashMap<>();
        Map<String, UUID> inboxes = new ConcurrentHashMap<>();
        boundedFanOut(users, u -> session.executeAsync(inbox.bind(u)).thenAccept(rs -> rs.currentPage().forEach(r -> {
            if ("INBOX".equals(r.getString("name"))) {
                inboxes.put(u, r.getUuid("folder_id"));
            }
        })));
        List<Map.Entry<String, Long>> partitions = java.util.Collections.synchronizedList(new ArrayList<>());
        boundedFanOut(inboxes.entrySet(), i -> session.executeAsync(blocks.bind(i.getValue()))
                .thenAccept(rs -> rs.currentPage().forEach(r -> partitions.add(Map.entry(i.getKey(), r.getLong(0))))));
        boundedFanOut(new ArrayList<>(partitions), p -> session.executeAsync(entries.bind(inboxes.get(p.getKey()),
                p.getValue())).thenCompose(rs -> drain(rs, p.getKey(), from, found, seenTwice)));
        if (!seenTwice.isEmpty()) {
            throw new IllegalStateException(seenTwice.size() + " messages are listed in more than one benchmark mailbox");
        }
        return found;
    }

    /** Starts {@code query} for every item with at most {@value #IN_FLIGHT} in flight, and waits for all (failing if one failed). */
    private static <T> void boundedFanOut(Iterable<T> items, Function<T, CompletionStage<?>> query) throws InterruptedException {
        Semaphore permits = new Semaphore(IN_FLIGHT);
        List<CompletableFuture<?>> all = new ArrayList<>();
        for (T item : items) {
            permits.acquire();
            all.add(query.apply(item).whenComplete((v, e) -> permits.release()).toCompletableFuture());
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
    }

    private static CompletionStage<Void> drain(AsyncResultSet rs, String user, Instant from, Map<UUID, Found> found,
                                               Map<UUID, Boolean> seenTwice) {
        for (Row row : rs.currentPage()) {
            UUID id = row.getUuid("message_id");
            if (Uuids.unixTimestamp(id) < from.toEpochMilli()) {
                continue;
            }
            Found f = new Found(id, user, row.getLong("size"), Uuids.unixTimestamp(id), Uuids.unixTimestamp(id));
            if (found.putIfAbsent(id, f) != null) {
                seenTwice.put(id, true);
            }
        }
        return rs.hasMorePages()
                ? rs.fetchNextPage().thenCompose(next -> drain(next, user, from, found, seenTwice))
                : CompletableFuture.completedFuture(null);
    }
}
