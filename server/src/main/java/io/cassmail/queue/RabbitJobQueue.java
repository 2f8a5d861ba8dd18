package io.cassmail.queue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.MessageProperties;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeoutException;

/**
 * {@link JobQueue} on RabbitMQ: persistent messages, returned from only once RabbitMQ confirmed them
 * (publisher confirms). Confirm channels are pooled: a channel is used by one thread at a time.
 */
public final class RabbitJobQueue implements JobQueue {
    private final BrokerConnection broker;
    private final QueueTopology topology;
    private final Duration confirmTimeout;
    private final ConcurrentLinkedQueue<Channel> idle = new ConcurrentLinkedQueue<>();

    public RabbitJobQueue(BrokerConnection broker, QueueTopology topology, Duration confirmTimeout) {
        this.broker = broker;
        this.topology = topology;
        this.confirmTimeout = confirmTimeout;
    }

    @Override
    public void publish(DeliveryJob job) throws IOException {
        send(topology.deliveryQueue(), job.encode(), MessageProperties.PERSISTENT_BASIC);
    }

    /** The job waits in its tier's queue for the TTL, then is dead-lettered back to the delivery queue. */
    @Override
    public void retry(DeliveryJob job) throws IOException {
        send(topology.retryQueue(job.attempt()), job.encode(), MessageProperties.PERSISTENT_BASIC);
    }

    /** The reason travels in the {@code x-cassmail-reason} header, the lane in {@code x-cassmail-lane}. */
    @Override
    public void park(byte[] body, String reason) throws IOException {
        AMQP.BasicProperties props = MessageProperties.PERSISTENT_BASIC.builder()
                .headers(Map.of("x-cassmail-reason", reason, RabbitParkingLot.LANE_HEADER, topology.lane())).build();
        send(topology.parkingQueue(), body, props);
    }

    @Override
    public Duration retryDelay(int attempt) {
        return topology.retryDelay(attempt);
    }

    /**
     * Publishes to a queue by name and waits for the confirm (also used to requeue parked jobs). Published
     * {@code mandatory}: a job that no queue takes (the queue was deleted) comes back and counts as not
     * queued. Throws {@link UnconfirmedPublishException} when the job left but its fate is unknown.
     */
    void send(String queue, byte[] body, AMQP.BasicProperties props) throws IOException {
        Channel channel = borrow();
        boolean healthy = false;
        boolean sent = false;
        ReturnedJobs returned = new ReturnedJobs();
        channel.addReturnListener(returned);
        try {
            channel.basicPublish("", queue, true, props, body);
            sent = true;
            channel.waitForConfirmsOrDie(confirmTimeout.toMillis());
            healthy = true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnconfirmedPublishException("interrupted while waiting for RabbitMQ to confirm", e);
        } catch (TimeoutException e) {
            throw new UnconfirmedPublishException("RabbitMQ did not confirm the job within "
                    + confirmTimeout.toMillis() + " ms", e);
        } catch (IOException | RuntimeException e) {
            // a nack (waitForConfirmsOrDie closes the channel) or a connection lost after the publish left
            if (sent && !isNack(e)) {
                throw new UnconfirmedPublishException("RabbitMQ connection lost before the confirm: " + e.getMessage(), e);
            }
            throw new IOException("RabbitMQ unavailable: " + e.getMessage(), e);
        } finally {
            channel.removeReturnListener(returned);
            release(channel, healthy);
        }
        if (returned.any()) { // the return arrives before the confirm, so it is known by now
            throw new IOException("RabbitMQ has no queue " + queue + " to take the job (returned: "
                    + returned.reason() + ")");
        }
    }

    /** waitForConfirmsOrDie reports a nack as an IOException whose message says so: the broker refused the job. */
    private static boolean isNack(Exception e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && t.getMessage().contains("nack")) {
                return true;
            }
        }
        return false;
    }

    /** Collects jobs the broker returned as unroutable (mandatory flag, AMQP 0-9-1 basic.return). */
    private static final class ReturnedJobs implements com.rabbitmq.client.ReturnListener {
        private volatile String reason;

        @Override
        public void handleReturn(int replyCode, String replyText, String exchange, String routingKey,
                                 AMQP.BasicProperties properties, byte[] body) {
            reason = replyCode + " " + replyText;
        }

        boolean any() {
            return reason != null;
        }

        String reason() {
            return reason;
        }
    }

    private Channel borrow() throws IOException {
        Channel channel;
        while ((channel = idle.poll()) != null) {
            if (channel.isOpen()) {
                return channel;
            }
        }
        try {
            channel = broker.newChannel();
            channel.confirmSelect();
            return channel;
        } catch (RuntimeException e) {
            throw new IOException("RabbitMQ unavailable: " + e.getMessage(), e);
        }
    }

    private void release(Channel channel, boolean healthy) {
        if (healthy && channel.isOpen()) {
            idle.offer(channel);
            return;
        }
        try {
            channel.abort();
        } catch (Exception ignored) {
            // already gone
        }
    }
}
