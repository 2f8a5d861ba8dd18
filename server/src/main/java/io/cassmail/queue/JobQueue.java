package io.cassmail.queue;

import java.io.IOException;
import java.time.Duration;

/**
 * Where delivery jobs go (DESIGN.md §Queue topology): each call returns only once the job is durable in
 * the queue (publisher confirms for RabbitMQ), and throws otherwise, so callers may say 250 or ack after it.
 */
public interface JobQueue {

    /** Queues a job for the workers. */
    void publish(DeliveryJob job) throws IOException;

    /** Schedules a retry: the job comes back to the workers after {@link #retryDelay(int)} of its attempt. */
    void retry(DeliveryJob job) throws IOException;

    /** Parks a job an operator must look at, with the reason. */
    void park(byte[] body, String reason) throws IOException;

    /** The delay of the retry tier for an attempt (1-based); later attempts stay on the last tier. */
    Duration retryDelay(int attempt);
}
