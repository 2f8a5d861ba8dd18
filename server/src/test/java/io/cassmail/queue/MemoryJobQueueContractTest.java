package io.cassmail.queue;

import java.time.Duration;
import java.util.List;

/** The queue contract against the memory twin. */
class MemoryJobQueueContractTest extends JobQueueContract {
    private final MemoryJobQueue queue = new MemoryJobQueue(TIERS);
    private final List<MemoryJobQueue.Retry> waiting = new java.util.ArrayList<>();

    @Override
    protected JobQueue queue() {
        return queue;
    }

    @Override
    protected ParkingLot parkingLot() {
        return queue;
    }

    @Override
    protected List<DeliveryJob> takeForWorkers() {
        return queue.takeDeliveries();
    }

    @Override
    protected List<DeliveryJob> takeFromTier(Duration delay) {
        waiting.addAll(queue.takeRetries());
        List<DeliveryJob> inTier = waiting.stream().filter(r -> r.delay().equals(delay)).map(MemoryJobQueue.Retry::job).toList();
        waiting.removeIf(r -> r.delay().equals(delay));
        return inTier;
    }
}
