package io.cassmail.operations;

import io.cassmail.delivery.Reconciler;
import io.cassmail.queue.ParkedJob;
import io.cassmail.queue.ParkingLot;
import io.cassmail.queue.QueueDepth;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** The delivery queues in RabbitMQ: depths, parked jobs, requeueing them, and the reconciler's sweep. */
public final class QueueOperations {

    /** Where the depths come from (RabbitMQ's passive declares). */
    public interface Depths {
        List<QueueDepth> depths() throws IOException;
    }

    /** What the queue operations are built from. */
    public record Parts(Depths depths, ParkingLot parking, Function<Duration, Reconciler> reconciler) {
    }

    private final Depths depths;
    private final ParkingLot parking;
    private final Function<Duration, Reconciler> reconciler;
    private final AuditTrail audit;

    /** @param reconciler a reconciler that counts a job lost after the given stale-after */
    public QueueOperations(Depths depths, ParkingLot parking, Function<Duration, Reconciler> reconciler, AuditTrail audit) {
        this.depths = depths;
        this.parking = parking;
        this.reconciler = reconciler;
        this.audit = audit;
    }

    /** One queue: messages ready, consumers, and a note when it is not declared yet (nulls then). */
    public record Queue(String queue, Long ready, Long consumers, String note) {
    }

    /** A parked job: the message it is about ("-" when its body cannot be read), why, and its lane. */
    public record Parked(String messageId, String reason, String lane, String body) {
    }

    /** The reconciler's sweep over the accepted-by-minute index. */
    public record Reconciled(String from, String to, long examined, long pending, long republished, long overdue) {
    }

    public List<Queue> status() {
        List<Queue> rows = new ArrayList<>();
        for (QueueDepth d : io(depths::depths)) {
            rows.add(new Queue(d.queue(), d.ready(), d.consumers(), d.ready() == null
                    ? "not declared yet (no CassMail process has started with this prefix)" : null));
        }
        return rows;
    }

    /** What an operator should know about these queues: a delivery queue nobody consumes. */
    public static List<String> warnings(List<Queue> queues) {
        List<String> warnings = new ArrayList<>();
        for (Queue q : queues) {
            if (q.queue().endsWith(".delivery") && q.ready() != null && q.consumers() != null && q.consumers() == 0) {
                warnings.add("no delivery worker is consuming " + q.queue() + ": accepted mail is not being delivered"
                        + " (start a worker: cassmail-server --roles worker)");
            }
        }
        return warnings;
    }

    public List<Parked> parked() {
        List<Parked> rows = new ArrayList<>();
        for (ParkedJob job : io(parking::parked)) {
            rows.add(new Parked(id(job), job.reason(), job.lane(), job.bodyText()));
        }
        return rows;
    }

    /** Moves the parked job of one message ({@code messageId} null: every parked job) back to its lane; how many. */
    public int requeue(Actor actor, String messageId) {
        return audit.change(actor, "queue.requeue", messageId == null ? "all" : messageId, () -> {
            int moved = io(() -> parking.requeue(job -> messageId == null || id(job).equals(messageId)));
            if (messageId != null && moved == 0) {
                throw OperationException.notFound("no parked job for message " + messageId);
            }
            return moved;
        });
    }

    /** Republishes the jobs of accepted messages that made no progress ({@code since} null: since the last sweep). */
    public Reconciled reconcile(Actor actor, Duration staleAfter, Duration since) {
        return audit.change(actor, "queue.reconcile", since == null ? "since last sweep" : "since " + since, () -> {
            Reconciler.Sweep s = io(() -> reconciler.apply(staleAfter).sweep(since));
            return new Reconciled(Instant.ofEpochSecond(s.firstMinute() * 60).toString(),
                    Instant.ofEpochSecond(s.lastMinute() * 60 + 59).toString(), s.examined(), s.pending(),
                    s.republished(), s.overdue());
        });
    }

    private static String id(ParkedJob job) {
        return job.messageId().map(Object::toString).orElse("-");
    }

    private interface IoCall<T> {
        T call() throws IOException;
    }

    private static <T> T io(IoCall<T> call) {
        try {
            return call.call();
        } catch (IOException e) {
            throw new UncheckedIOException("RabbitMQ: " + e.getMessage(), e);
        }
    }
}
