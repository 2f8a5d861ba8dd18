package io.cassmail.bench;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.uuid.Uuids;
import io.cassmail.schema.MailboxBucket;
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
 * accepted and when the worker listed it (the write time of the mailbox entry). "Accepted" starts as the
 * time in the message's timeuuid (taken when DATA starts) and is refined by {@link #refineAccepted} to
 * the write time of its ledger row, written just before the job is published and the 250 sent.
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
    private final PreparedStatement since;
    private final PreparedStatement queuedAt;

    MailboxSweep(CqlSession session) {
        this.session = session;
        this.since = session.prepare("SELECT message_id, size, writetime(size) AS listed FROM mailbox_entries "
                + "WHERE address = ? AND mailbox = 'INBOX' AND bucket = ? AND entry_id >= minTimeuuid(?)");
        this.queuedAt = session.prepare("SELECT writetime(mailbox) AS queued FROM deliveries WHERE message_id = ? LIMIT 1");
    }

    /** Replaces each entry's accepted time by the write time of its ledger row (intake's last write before the 250). */
    Map<UUID, Found> refineAccepted(Map<UUID, Found> found) throws InterruptedException {
        Map<UUID, Found> refined = new ConcurrentHashMap<>();
        boundedFanOut(found.values(), f -> session.executeAsync(queuedAt.bind(f.id())).handle((rs, e) -> {
            Row row = e == null ? rs.one() : null;
            long at = row != null && !row.isNull("queued") ? row.getLong("queued") / 1000 : f.acceptedMillis();
            refined.put(f.id(), new Found(f.id(), f.address(), f.size(), at, f.listedMillis()));
            return null;
        }));
        return refined;
    }

    /** Every INBOX entry of these users whose id is not older than {@code from}, keyed by message id. */
    Map<UUID, Found> entriesSince(List<String> users, Instant from) throws InterruptedException {
        Map<UUID, Found> found = new ConcurrentHashMap<>();
        Map<UUID, Boolean> seenTwice = new ConcurrentHashMap<>();
        List<Map.Entry<String, Integer>> partitions = new ArrayList<>();
        for (String user : users) {
            // entries are bucketed by when the worker listed them, which is never before the message was accepted
            for (int b = MailboxBucket.of(from.toEpochMilli()); b <= MailboxBucket.of(System.currentTimeMillis()); b++) {
                partitions.add(Map.entry(user, b));
            }
        }
        boundedFanOut(partitions, p -> session.executeAsync(since.bind(p.getKey(), p.getValue(), from))
                .thenCompose(rs -> drain(rs, p.getKey(), found, seenTwice)));
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

    private static CompletionStage<Void> drain(AsyncResultSet rs, String user, Map<UUID, Found> found,
                                               Map<UUID, Boolean> seenTwice) {
        for (Row row : rs.currentPage()) {
            UUID id = row.getUuid("message_id");
            Found f = new Found(id, user, row.getLong("size"), Uuids.unixTimestamp(id), row.getLong("listed") / 1000);
            if (found.putIfAbsent(id, f) != null) {
                seenTwice.put(id, true);
            }
        }
        return rs.hasMorePages()
                ? rs.fetchNextPage().thenCompose(next -> drain(next, user, found, seenTwice))
                : CompletableFuture.completedFuture(null);
    }
}
