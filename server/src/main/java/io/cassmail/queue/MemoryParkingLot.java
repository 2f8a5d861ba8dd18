package io.cassmail.queue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** {@link ParkingLot} in memory, for unit tests: requeued jobs are kept in {@link #requeued()}. */
public final class MemoryParkingLot implements ParkingLot {
    private final List<ParkedJob> parked = new ArrayList<>();
    private final List<ParkedJob> requeued = new ArrayList<>();

    public synchronized void park(ParkedJob job) {
        parked.add(job);
    }

    @Override
    public synchronized List<ParkedJob> parked() {
        return List.copyOf(parked);
    }

    @Override
    public synchronized int requeue(Predicate<ParkedJob> which) {
        List<ParkedJob> moving = parked.stream().filter(which).toList();
        parked.removeAll(moving);
        requeued.addAll(moving);
        return moving.size();
    }

    /** The jobs moved back to their lanes, in order. */
    public synchronized List<ParkedJob> requeued() {
        return List.copyOf(requeued);
    }
}
