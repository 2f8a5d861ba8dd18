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
    private static final Duration CONFIRM_TIMEOUT = Duration.ofSeconds(10);

    private final BrokerConnection broker;
    private final QueueTopology topology;
    private final ConcurrentLinkedQueue<Channel> idle = new ConcurrentLinkedQueue<>();

    public RabbitJobQueue(BrokerConnection broker, QueueTopology topology) {
        this.broker = broker;
        this.topology = topology;
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

    /** The reason travels in the {@code x-cassmail-reason} header. */
    @Override
    public void park(byte[] body, String reason) throws IOException {
        AMQP.BasicProperties props = MessageProperties.PERSISTENT_BASIC.builder()
                .headers(Map.of("x-cassmail-reason", reason)).build();
        send(topology.parkingQueue(), body, props);
    }

    @Override
    public Duration retryDelay(int attempt) {
        return topology.retryDelay(attempt);
    }

    /** Publishes to a queue by name and waits for the confirm (also used to requeue parked jobs). */
    void send(String queue, byte[] body, AMQP.BasicProperties props) throws IOException {
        Channel channel = borrow();
        boolean healthy = false;
        try {
            channel.basicPublish("", queue, props, body);
            channel.waitForConfirmsOrDie(CONFIRM_TIMEOUT.toMillis());
            healthy = true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for RabbitMQ to confirm", e);
        } catch (TimeoutException e) {
            throw new IOException("RabbitMQ did not confirm the job within " + CONFIRM_TIMEOUT.toSeconds() + " s", e);
        } catch (RuntimeException e) {
            // AlreadyClosedException and friends while the connection recovers
            throw new IOException("RabbitMQ unavailable: " + e.getMessage(), e);
        } finally {
            release(channel, healthy);
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
