package io.cassmail.mailbox;

import io.cassmail.store.FolderChanges;
import io.cassmail.store.StoreUnavailableException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * The delivery groups of one account whose writes are in flight, so that the account's writer lists the next
 * group while the last one is still being written. Each group is written in two steps, as every change is: its
 * entries (above the committed {@code uid_next}, unseen until committed), then its folder rows. A group's rows go
 * out only once its own entries and those of every earlier group have landed, merged with the rows of the other
 * groups ready at that moment (the newest row of each folder carries the others' counts), so a reader never sees
 * a {@code uid_next} above an entry still in flight. A group is answered when its rows land. The first failure
 * fails every group in flight (none is answered after it, even if its rows land later) and marks the pipeline
 * failed, so the writer takes a new epoch, whose fence deletes whatever part of them landed.
 */
final class DeliveryPipeline {
    private final Function<FolderChanges, CompletableFuture<Void>> store;
    private final BooleanSupplier leaseValid;
    private final ArrayDeque<Slot> slots = new ArrayDeque<>();
    private boolean failed;
    /** Writes sent and not yet answered, failed groups' included. */
    private int inFlight;

    /** One group: its rows, whether its entries landed, whether its rows are on their way. */
    private static final class Slot {
        final FolderChanges rows;
        final CompletableFuture<Void> committed = new CompletableFuture<>();
        boolean entriesLanded;
        boolean committing;
        boolean rowsLanded;

        Slot(FolderChanges rows) {
            this.rows = rows;
        }
    }

    /**
     * @param store      writes changes without waiting
     * @param leaseValid whether the writer's lease still holds (checked before every write goes out)
     */
    DeliveryPipeline(Function<FolderChanges, CompletableFuture<Void>> store, BooleanSupplier leaseValid) {
        this.store = store;
        this.leaseValid = leaseValid;
    }

    /**
     * Sends a group's entries and returns what completes when its rows have landed.
     *
     * @param rows the group's folder rows, at a timestamp above its entries'
     */
    synchronized CompletableFuture<Void> submit(FolderChanges entries, FolderChanges rows) {
        Slot slot = new Slot(rows);
        if (failed) {
            slot.committed.completeExceptionally(new StoreUnavailableException("an earlier write of this mailbox failed", null));
            return slot.committed;
        }
        slots.add(slot);
        send(entries).whenComplete((v, e) -> landed(slot, e));
        return slot.committed;
    }

    /**
     * What completes when every group submitted so far is committed (groups complete in order), or fails when one
     * of them failed; failed at once after a failure, until {@link #abandon}.
     */
    synchronized CompletableFuture<Void> tail() {
        if (failed) {
            return CompletableFuture.failedFuture(new StoreUnavailableException("an earlier write of this mailbox failed", null));
        }
        return slots.isEmpty() ? CompletableFuture.completedFuture(null) : slots.peekLast().committed;
    }

    /** Whether a write failed since the last {@link #abandon}: the writer must take a new epoch first. */
    synchronized boolean failed() {
        return failed;
    }

    /**
     * Fails every group in flight with {@code why} and starts afresh (the writer is taking a new epoch), once every
     * write sent has been answered, up to {@code max}: a row landing after the new epoch read its folder would show a
     * {@code uid_next} that the new epoch then lowers.
     */
    synchronized void abandon(RuntimeException why, Duration max) {
        failAll(why);
        long deadline = System.nanoTime() + max.toNanos();
        while (inFlight > 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new StoreUnavailableException("mailbox writes still unanswered after " + max.toSeconds() + " s", null);
            }
            try {
                wait(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StoreUnavailableException("interrupted while mailbox writes were in flight", e);
            }
        }
        failed = false;
    }

    /** Waits until no group and no write is in flight; false if that took longer than {@code max}. */
    synchronized boolean drain(Duration max) {
        long deadline = System.nanoTime() + max.toNanos();
        while (!slots.isEmpty() || inFlight > 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            try {
                wait(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StoreUnavailableException("interrupted while mailbox writes were in flight", e);
            }
        }
        return true;
    }

    private CompletableFuture<Void> send(FolderChanges changes) {
        if (!leaseValid.getAsBoolean()) {
            return CompletableFuture.failedFuture(new StoreUnavailableException(
                    "the mailbox writer's lease for " + changes.address() + " ran out", null));
        }
        CompletableFuture<Void> sent;
        try {
            sent = store.apply(changes);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        inFlight++;
        sent.whenComplete((v, e) -> answered());
        return sent;
    }

    private synchronized void answered() {
        inFlight--;
        notifyAll();
    }

    private synchronized void landed(Slot slot, Throwable failure) {
        if (!slots.contains(slot)) {
            return; // failed already
        }
        if (failure != null) {
            failAll(failure);
            return;
        }
        slot.entriesLanded = true;
        List<Slot> ready = new ArrayList<>();
        for (Slot s : slots) {
            if (!s.entriesLanded) {
                break;
            }
            if (!s.committing) {
                ready.add(s);
            }
        }
        if (ready.isEmpty()) {
            return;
        }
        Map<UUID, FolderChanges.Change> newest = new LinkedHashMap<>();
        for (Slot s : ready) {
            s.committing = true;
            for (FolderChanges.Change c : s.rows.changes()) {
                newest.put(rowId(c), c);
            }
        }
        FolderChanges last = ready.get(ready.size() - 1).rows;
        FolderChanges commit = new FolderChanges(last.address(), last.timestamp());
        newest.values().forEach(commit::add);
        send(commit).whenComplete((v, e) -> committed(ready, e));
    }

    private static UUID rowId(FolderChanges.Change c) {
        if (c instanceof FolderChanges.PutFolder p) {
            return p.folder().id();
        }
        throw new IllegalArgumentException("a delivery group's rows are folder rows, not " + c);
    }

    private synchronized void committed(List<Slot> ready, Throwable failure) {
        if (!slots.contains(ready.get(0))) {
            return; // failed meanwhile: stays failed
        }
        if (failure != null) {
            failAll(failure);
            return;
        }
        // rows of different ready sets may land out of order: a group is answered only once it and every earlier
        // group have their rows in, so an answered group never waits on an earlier group that may still fail
        ready.forEach(s -> s.rowsLanded = true);
        while (!slots.isEmpty() && slots.peekFirst().rowsLanded) {
            slots.pollFirst().committed.complete(null);
        }
        notifyAll();
    }

    private void failAll(Throwable failure) {
        RuntimeException why = failure instanceof StoreUnavailableException u ? u
                : failure instanceof RuntimeException r && r.getCause() instanceof StoreUnavailableException u2 ? u2
                : new StoreUnavailableException("mailbox write failed: " + failure.getMessage(), failure);
        failed = true;
        for (Slot s : slots) {
            s.committed.completeExceptionally(why);
        }
        slots.clear();
        notifyAll();
    }
}
