package io.cassmail.queue;

import java.io.IOException;

/** What a consumer does with one job body. Returning means the outcome is durable and the job may be acked. */
@FunctionalInterface
public interface JobHandler {

    /** Throwing returns the job to the queue (nack with requeue), where the delivery limit parks a repeat offender. */
    void handle(byte[] body) throws IOException;
}
