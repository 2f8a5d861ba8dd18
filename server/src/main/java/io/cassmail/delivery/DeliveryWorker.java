package io.cassmail.delivery;

import io.cassmail.metrics.CassMailMetrics;
import io.cassmail.queue.DeliveryJob;
import io.cassmail.queue.JobHandler;
import io.cassmail.queue.JobQueue;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One delivery job from the queue to a durable outcome: a job body that cannot be read is parked, a job
 * that needs another attempt is put in its retry tier (confirmed) before this returns, and returning is
 * what lets the consumer ack (DESIGN.md §3).
 */
public final class DeliveryWorker implements JobHandler {
    private static final Logger log = LoggerFactory.getLogger(DeliveryWorker.class);

    private final DeliveryProcessor processor;
    private final JobQueue queue;
    private final CassMailMetrics metrics;

    public DeliveryWorker(DeliveryProcessor processor, JobQueue queue) {
        this(processor, queue, CassMailMetrics.none());
    }

    /** @param metrics counts parked jobs (outcome {@code parked}) */
    public DeliveryWorker(DeliveryProcessor processor, JobQueue queue, CassMailMetrics metrics) {
        this.processor = processor;
        this.queue = queue;
        this.metrics = metrics;
    }

    @Override
    public void handle(byte[] body) throws IOException {
        DeliveryJob job;
        try {
            job = DeliveryJob.decode(body);
        } catch (DeliveryJob.MalformedJobException e) {
            log.error("parking a delivery job: {}", e.getMessage());
            queue.park(body, e.getMessage());
            metrics.deliveryOutcome("local", "parked");
            return;
        }
        if (processor.process(job) == DeliveryProcessor.Outcome.RETRY) {
            DeliveryJob next = job.nextAttempt();
            queue.retry(next);
            log.info("message {}: attempt {} failed; retry in {}", job.messageId(), next.attempt(),
                    queue.retryDelay(next.attempt()));
        }
    }
}
