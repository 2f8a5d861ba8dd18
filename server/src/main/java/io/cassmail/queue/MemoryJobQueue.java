package io.cassmail.queue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.function.Predicate;

/**
 * {@link JobQueue} and {@link ParkingLot} in memory, for unit tests: jobs wait in plain lists until a
 * test takes them, retries remember their delay instead of waiting it, and a switch simulates a broker
 * that refuses to confirm.
 */
public final class MemoryJobQueue implements JobQueue, ParkingLot {
    /** A job waiting in a retry tier. */
    public record Retry(DeliveryJob job, Duration delay) {
    }

    private final List<Duration> retryDelays;
    private final Deque<byte[]> delivery = new ConcurrentLinkedDeque<>();
    private final Deque<Retry> retries = new ConcurrentLinkedDeque<>();
    private final Deque<ParkedJob> parked = new ConcurrentLinkedDeque<>();
    private volatile boolean refusing;
    private volatile boolean losingConfirms;

    public MemoryJobQueue(List<Duration> retryDelays) {
        this.retryDelays = List.copyOf(retryDelays);
    }

    /** From now on every publish fails as a publish RabbitMQ refused does (or works again with false). */
    public void refuse(boolean refuse) {
        this.refusing = refuse;
    }

    /** From now on every publish queues the job but reports no confirm, as a lost RabbitMQ confirm does. */
    public void loseConfirms(boolean lose) {
        this.losingConfirms = lose;
    }

    @Override
    public void publish(DeliveryJob job) throws IOException {
        check();
        delivery.add(job.encode());
        if (losingConfirms) {
            throw new UnconfirmedPublishException("memory queue lost the confirm (simulated)", null);
        }
    }

    @Override
    public void retry(DeliveryJob job) throws IOException {
        check();
        retries.add(new Retry(job, retryDelay(job.attempt())));
    }

    @Override
    public void park(byte[] body, String reason) throws IOException {
        check();
        parked.add(new ParkedJob(body.clone(), reason));
    }

    @Override
    public Duration retryDelay(int attempt) {
        return retryDelays.get(Math.max(1, Math.min(attempt, retryDelays.size())) - 1);
    }

    @Override
    public List<ParkedJob> parked() {
        return List.copyOf(parked);
    }

    @Override
    public int requeue(Predicate<ParkedJob> which) throws IOException {
        check();
        int moved = 0;
        for (ParkedJob p : List.copyOf(parked)) {
            if (which.test(p)) {
                parked.remove(p);
                delivery.add(p.body());
                moved++;
            }
        }
        return moved;
    }

    /** Takes every job waiting for the workers, oldest first. */
    public List<DeliveryJob> takeDeliveries() {
        return drain(delivery).stream().map(DeliveryJob::decode).toList();
    }

    /** Takes every job waiting in a retry tier, oldest first. */
    public List<Retry> takeRetries() {
        return drain(retries);
    }

    private static <T> List<T> drain(Deque<T> q) {
        List<T> out = new ArrayList<>();
        T t;
        while ((t = q.poll()) != null) {
            out.add(t);
        }
        return out;
    }

    private void check() throws IOException {
        if (refusing) {
            throw new IOException("memory queue refuses (simulated broker outage)");
        }
    }
}
