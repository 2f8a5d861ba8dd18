package io.cassmail.queue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Phaser;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * N consumers of the delivery queue, one channel each, manual ack and {@code basicQos(prefetch)}. A job is
 * acked only after its {@link JobHandler} returned, that is after its outcome is durable (DESIGN.md §3);
 * a handler that throws gets the job nacked with requeue, so the quorum queue's delivery limit parks a
 * job that keeps failing. A supervisor checks every few seconds that each consumer is still subscribed: a
 * channel the broker closed (consumer timeout, an error) or a consumer it cancelled (queue deleted) is
 * subscribed again on a new channel, after declaring the topology again. Connection failures are left to
 * the client's automatic recovery.
 */
public final class RabbitJobConsumers implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RabbitJobConsumers.class);

    private final BrokerConnection broker;
    private final QueueTopology topology;
    private final JobHandler handler;
    private final int consumers;
    private final int prefetch;
    private final Duration checkEvery;
    private final List<Channel> channels = new ArrayList<>();
    private final List<String> consumerTags = new ArrayList<>();
    private final List<JobConsumer> slots = new ArrayList<>();
    private final Phaser inFlight = new Phaser(1);
    private ScheduledExecutorService supervisor;
    private volatile boolean closing;

    /** @param broker a connection of its own, whose consumer executor has at least {@code consumers} threads */
    public RabbitJobConsumers(BrokerConnection broker, QueueTopology topology, JobHandler handler, int consumers,
                              int prefetch, Duration checkEvery) {
        this.broker = broker;
        this.topology = topology;
        this.handler = handler;
        this.consumers = consumers;
        this.prefetch = prefetch;
        this.checkEvery = checkEvery;
    }

    public synchronized void start() throws IOException {
        for (int i = 0; i < consumers; i++) {
            channels.add(null);
            consumerTags.add(null);
            slots.add(null);
            subscribe(i);
        }
        log.info("{} delivery consumers on {} (prefetch {})", consumers, topology.deliveryQueue(), prefetch);
        supervisor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "delivery-consumer-supervisor");
            t.setDaemon(true);
            return t;
        });
        supervisor.scheduleWithFixedDelay(this::resubscribeLost, checkEvery.toMillis(), checkEvery.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** How many consumers are subscribed right now (for health reporting). */
    public synchronized int subscribed() {
        int n = 0;
        for (int i = 0; i < slots.size(); i++) {
            if (slots.get(i) != null && !slots.get(i).lost() && channels.get(i) != null && channels.get(i).isOpen()) {
                n++;
            }
        }
        return n;
    }

    private void subscribe(int i) throws IOException {
        Channel channel = broker.newChannel();
        channel.basicQos(prefetch);
        JobConsumer consumer = new JobConsumer(channel);
        consumerTags.set(i, channel.basicConsume(topology.deliveryQueue(), false,
                "cassmail-worker-" + ProcessHandle.current().pid() + "-" + i + "-" + System.nanoTime(), consumer));
        channels.set(i, channel);
        slots.set(i, consumer);
    }

    private synchronized void resubscribeLost() {
        if (closing) {
            return;
        }
        try {
            if (!broker.get().isOpen()) {
                return; // automatic recovery brings the channels and consumers back with the connection
            }
        } catch (IOException e) {
            return;
        }
        boolean declared = false;
        for (int i = 0; i < slots.size(); i++) {
            Channel channel = channels.get(i);
            JobConsumer consumer = slots.get(i);
            if (channel != null && channel.isOpen() && consumer != null && !consumer.lost()) {
                continue;
            }
            String why = consumer == null ? "never subscribed" : consumer.lostReason();
            try {
                if (!declared) {
                    try (Channel c = broker.newChannel()) {
                        topology.declare(c);
                    }
                    declared = true;
                }
                if (channel != null && channel.isOpen()) {
                    channel.abort();
                }
                subscribe(i);
                log.warn("delivery consumer {} was lost ({}); subscribed again to {}", i, why, topology.deliveryQueue());
            } catch (IOException | java.util.concurrent.TimeoutException | RuntimeException e) {
                log.error("delivery consumer {} is lost ({}) and could not subscribe again: {}; next try in {}",
                        i, why, e.getMessage(), checkEvery);
            }
        }
    }

    /** Stops consuming, waits (bounded) for jobs in progress, then closes the channels; unacked jobs return to the queue. */
    @Override
    public void close() {
        closing = true;
        if (supervisor != null) {
            supervisor.shutdownNow();
        }
        closeChannels();
    }

    private synchronized void closeChannels() {
        for (int i = 0; i < channels.size(); i++) {
            if (channels.get(i) == null) {
                continue;
            }
            try {
                if (channels.get(i).isOpen()) {
                    channels.get(i).basicCancel(consumerTags.get(i));
                }
            } catch (IOException | RuntimeException e) {
                log.debug("cancel consumer: {}", e.toString());
            }
        }
        try {
            inFlight.awaitAdvanceInterruptibly(inFlight.arrive(), 30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.TimeoutException e) {
            log.warn("shutdown: jobs still in progress after 30 s; RabbitMQ will redeliver them");
        }
        for (Channel c : channels) {
            try {
                if (c != null && c.isOpen()) {
                    c.close();
                }
            } catch (Exception e) {
                log.debug("close channel: {}", e.toString());
            }
        }
        channels.clear();
        consumerTags.clear();
    }

    private final class JobConsumer extends DefaultConsumer {
        private volatile String lostReason;

        JobConsumer(Channel channel) {
            super(channel);
        }

        boolean lost() {
            return lostReason != null;
        }

        String lostReason() {
            return lostReason != null ? lostReason : "channel closed";
        }

        /** The broker cancelled the subscription (the queue was deleted). */
        @Override
        public void handleCancel(String consumerTag) {
            lostReason = "cancelled by the broker (queue deleted?)";
            log.warn("delivery consumer {}: {}", consumerTag, lostReason);
        }

        @Override
        public void handleShutdownSignal(String consumerTag, com.rabbitmq.client.ShutdownSignalException sig) {
            if (!closing && !sig.isHardError()) {
                lostReason = "channel closed by the broker: " + sig.getMessage();
                log.warn("delivery consumer {}: {}", consumerTag, lostReason);
            }
        }

        @Override
        public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties props, byte[] body) throws IOException {
            if (inFlight.register() < 0) {
                return;
            }
            try {
                handle(envelope.getDeliveryTag(), body);
            } finally {
                inFlight.arriveAndDeregister();
            }
        }

        private void handle(long deliveryTag, byte[] body) throws IOException {
            Channel channel = getChannel();
            try {
                handler.handle(body);
                channel.basicAck(deliveryTag, false);
            } catch (IOException | RuntimeException e) {
                log.error("delivery job failed, returning it to the queue: {}", e.toString());
                if (channel.isOpen()) {
                    channel.basicNack(deliveryTag, false, true);
                }
            }
        }
    }
}
