package io.cassmail.queue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Phaser;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * N consumers of the delivery queue, one channel each, manual ack and {@code basicQos(prefetch)}. A job is
 * acked only after its {@link JobHandler} returned, that is after its outcome is durable (DESIGN.md §3);
 * a handler that throws gets the job nacked with requeue, so the quorum queue's delivery limit parks a
 * job that keeps failing.
 */
public final class RabbitJobConsumers implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RabbitJobConsumers.class);

    private final BrokerConnection broker;
    private final QueueTopology topology;
    private final JobHandler handler;
    private final int consumers;
    private final int prefetch;
    private final List<Channel> channels = new ArrayList<>();
    private final List<String> consumerTags = new ArrayList<>();
    private final Phaser inFlight = new Phaser(1);

    /** @param broker a connection of its own, whose consumer executor has at least {@code consumers} threads */
    public RabbitJobConsumers(BrokerConnection broker, QueueTopology topology, JobHandler handler, int consumers,
                              int prefetch) {
        this.broker = broker;
        this.topology = topology;
        this.handler = handler;
        this.consumers = consumers;
        this.prefetch = prefetch;
    }

    public synchronized void start() throws IOException {
        for (int i = 0; i < consumers; i++) {
            Channel channel = broker.newChannel();
            channel.basicQos(prefetch);
            consumerTags.add(channel.basicConsume(topology.deliveryQueue(), false,
                    "cassmail-worker-" + ProcessHandle.current().pid() + "-" + i, new JobConsumer(channel)));
            channels.add(channel);
        }
        log.info("{} delivery consumers on {} (prefetch {})", consumers, topology.deliveryQueue(), prefetch);
    }

    /** Stops consuming, waits (bounded) for jobs in progress, then closes the channels; unacked jobs return to the queue. */
    @Override
    public synchronized void close() {
        for (int i = 0; i < channels.size(); i++) {
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
                if (c.isOpen()) {
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
        JobConsumer(Channel channel) {
            super(channel);
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
