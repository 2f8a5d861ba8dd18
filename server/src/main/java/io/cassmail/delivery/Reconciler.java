package io.cassmail.delivery;

import io.cassmail.mail.MessageIds;
import io.cassmail.queue.DeliveryJob;
import io.cassmail.queue.JobQueue;
import io.cassmail.store.AcceptedLog;
import io.cassmail.store.DeliveryLedger;
import io.cassmail.store.DeliveryRecord;
import io.cassmail.store.DeliveryStatus;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds accepted messages whose delivery job was lost (an unconfirmed publish, a purged or deleted queue, a
 * broker that lost its data) and publishes their job again; delivery is idempotent, so a job that was not lost
 * after all only costs a duplicate check. Candidates come from {@link AcceptedLog}, minute by minute, never
 * from a scan of the ledger: a minute is read once it is older than {@code staleAfter}; every message in it
 * that is not final is either stuck (no ledger progress for {@code staleAfter} beyond its expected wait, e.g.
 * its retry delay) and republished, or recorded again under the minute it would become stuck, to be looked
 * at then. A message still pending past {@code giveUpAfter} is counted overdue and logged with its id: its job
 * keeps failing (see {@code cassmail-admin queue parked}); it is republished too, so the processor can bounce it.
 */
public final class Reconciler {
    private static final Logger log = LoggerFactory.getLogger(Reconciler.class);
    private static final String NAME = "default";
    /** Intake hosts' clocks may lag this much: minutes this recent are read again by the next sweep. */
    private static final long SKEW_MINUTES = 2;
    private static final int PARALLEL_READS = 8;

    /** What one sweep saw and did. */
    public record Sweep(long firstMinute, long lastMinute, long examined, long pending, long republished, long overdue) {
    }

    private final AcceptedLog accepted;
    private final DeliveryLedger ledger;
    private final JobQueue queue;
    private final JobQueue relay;
    private final Duration staleAfter;
    private final Duration giveUpAfter;
    private final Clock clock;

    public Reconciler(AcceptedLog accepted, DeliveryLedger ledger, JobQueue queue, Duration staleAfter,
                      Duration giveUpAfter, Clock clock) {
        this(accepted, ledger, queue, null, staleAfter, giveUpAfter, clock);
    }

    /** @param relay the relay lane, where jobs of messages with pending remote recipients go (null: none) */
    public Reconciler(AcceptedLog accepted, DeliveryLedger ledger, JobQueue queue, JobQueue relay, Duration staleAfter,
                      Duration giveUpAfter, Clock clock) {
        this.relay = relay;
        this.accepted = accepted;
        this.ledger = ledger;
        this.queue = queue;
        this.staleAfter = staleAfter;
        this.giveUpAfter = giveUpAfter;
        this.clock = clock;
    }

    /** Reads every minute not yet finished (or, with {@code since}, every minute from then) up to now - staleAfter. */
    public Sweep sweep(Duration since) throws IOException {
        Instant now = clock.instant();
        long current = AcceptedLog.minuteOf(now);
        long last = AcceptedLog.minuteOf(now.minus(staleAfter));
        OptionalLong done = accepted.progress(NAME);
        long first = since != null ? AcceptedLog.minuteOf(now.minus(since))
                : done.orElse(AcceptedLog.minuteOf(now.minus(giveUpAfter)));
        AtomicLong examined = new AtomicLong();
        AtomicLong pending = new AtomicLong();
        AtomicLong republished = new AtomicLong();
        AtomicLong overdue = new AtomicLong();
        // ids this sweep carried forward into a minute it has yet to read (only when stale-after is under a minute)
        Set<UUID> carriedAhead = ConcurrentHashMap.newKeySet();
        ExecutorService readers = Executors.newFixedThreadPool(PARALLEL_READS, r -> {
            Thread t = new Thread(r, "reconcile");
            t.setDaemon(true);
            return t;
        });
        try {
            for (long m = first; m <= last; m++) {
                List<Future<?>> checks = new ArrayList<>();
                for (UUID id : accepted.in(m)) {
                    if (carriedAhead.contains(id)) {
                        continue;
                    }
                    examined.incrementAndGet();
                    checks.add(readers.submit(() -> {
                        long carriedTo = check(id, now, current, pending, republished, overdue);
                        if (carriedTo <= last) {
                            carriedAhead.add(id);
                        }
                        return null;
                    }));
                }
                for (Future<?> f : checks) {
                    await(f);
                }
                if (since == null && m + 1 < current - SKEW_MINUTES && (m % 60 == 0 || m == last)) {
                    accepted.progress(NAME, m + 1);
                }
            }
            if (since == null && first <= last) {
                accepted.progress(NAME, Math.max(first, Math.min(last + 1, current - SKEW_MINUTES)));
            }
        } finally {
            readers.shutdownNow();
        }
        Sweep s = new Sweep(first, last, examined.get(), pending.get(), republished.get(), overdue.get());
        if (s.republished() > 0 || s.overdue() > 0) {
            log.warn("reconcile: {} accepted message(s) examined, {} pending, {} job(s) republished, {} overdue",
                    s.examined(), s.pending(), s.republished(), s.overdue());
        } else {
            log.info("reconcile: {} accepted message(s) examined, {} pending, nothing lost", s.examined(), s.pending());
        }
        return s;
    }

    /** @return the minute the message was carried forward to, or {@link Long#MAX_VALUE} when it is done */
    private long check(UUID id, Instant now, long current, AtomicLong pending, AtomicLong republished,
                       AtomicLong overdue) throws IOException {
        List<DeliveryRecord> open = ledger.records(id).stream().filter(r -> !r.status().isFinal()).toList();
        if (open.isEmpty()) {
            return Long.MAX_VALUE;
        }
        pending.incrementAndGet();
        Instant acceptedAt = Instant.ofEpochMilli(MessageIds.unixMillis(id));
        Instant stuckAt = Instant.MAX;
        int attempts = 0;
        for (DeliveryRecord r : open) {
            Instant since = r.updated() != null ? r.updated() : acceptedAt;
            Duration wait = r.status() == DeliveryStatus.RETRYING ? queue.retryDelay(Math.max(1, r.attempts()))
                    : Duration.ZERO;
            Instant at = since.plus(wait).plus(staleAfter);
            stuckAt = at.isBefore(stuckAt) ? at : stuckAt;
            attempts = Math.max(attempts, r.attempts());
        }
        if (!now.isBefore(stuckAt)) {
            DeliveryJob job = new DeliveryJob(id, attempts, acceptedAt);
            if (open.stream().anyMatch(r -> !r.isRemote()) || relay == null) {
                queue.publish(job);
            }
            if (relay != null && open.stream().anyMatch(DeliveryRecord::isRemote)) {
                relay.publish(job);
            }
            republished.incrementAndGet();
            if (now.isAfter(acceptedAt.plus(giveUpAfter))) {
                overdue.incrementAndGet();
                log.warn("reconcile: message {} is still pending {} after it was accepted (past delivery.give-up-after);"
                        + " its job keeps failing, see cassmail-admin queue parked and messages show", id,
                        Duration.between(acceptedAt, now).withNanos(0));
            } else {
                log.info("reconcile: message {} made no progress since {}; job republished", id, stuckAt.minus(staleAfter));
            }
            stuckAt = now.plus(staleAfter);
        }
        long carriedTo = Math.max(current, AcceptedLog.minuteOf(stuckAt.minus(staleAfter)));
        accepted.add(carriedTo, id);
        return carriedTo;
    }

    private static void await(Future<?> f) throws IOException {
        try {
            f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("reconcile interrupted", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof IOException io) {
                throw io;
            }
            if (c instanceof RuntimeException r) {
                throw r;
            }
            throw new IOException(c);
        }
    }
}
