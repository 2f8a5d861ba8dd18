package io.cassmail.delivery;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import io.cassmail.queue.BrokerConnection;
import io.cassmail.queue.DeliveryJob;
import io.cassmail.queue.JobPublisher;
import io.cassmail.queue.QueueTopology;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Phaser;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker role: N consumers, one channel each, manual ack and {@code basicQos(prefetch)}. A job is
 * acked only after its outcome is durable: mailbox entries written, or a retry published with confirm,
 * or the job parked. Anything unexpected is nacked with requeue, so the quorum queue's delivery limit
 * parks a job that keeps crashing workers.
 */
public final class DeliveryWorkers implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DeliveryWorkers.class);

    private final BrokerConnection broker;
    private final QueueTopology topology;
    private final JobPublisher publisher;
    private final DeliveryProcessor processor;
    private final int consumers;
    private final int prefetch;
    private final List<Channel> channels = new ArrayList<>();
    private final List<String> consumerTags = new ArrayList<>();
    private final Phaser inFlight = new Phaser(1);

    public DeliveryWorkers(BrokerConnection broker, QueueTopology topology, JobPublisher publisher,
                           DeliveryProcessor processor, int consumers, int prefetch) {
        this.broker = broker;
        this.topology = topology;
        this.publisher = publisher;
        this.processor = processor;
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
            DeliveryJob job;
            try {
                job = DeliveryJob.decode(body);
            } catch (DeliveryJob.MalformedJobException e) {
                log.error("parking a delivery job: {}", e.getMessage());
                publisher.park(body, e.getMessage());
                channel.basicAck(deliveryTag, false);
                return;
            }
            try {
                if (processor.process(job) == DeliveryProcessor.Outcome.RETRY) {
                    DeliveryJob next = job.nextAttempt();
                    publisher.publishRetry(next);
                    log.info("message {}: attempt {} failed; retry in {}", job.messageId(), next.attempt(),
                            topology.retryDelay(next.attempt()));
                }
                channel.basicAck(deliveryTag, false);
            } catch (IOException | RuntimeException e) {
                log.error("message {}: delivery job failed, returning it to the queue: {}", job.messageId(), e.toString());
                if (channel.isOpen()) {
                    channel.basicNack(deliveryTag, false, true);
                }
            }
        }
    }
}
