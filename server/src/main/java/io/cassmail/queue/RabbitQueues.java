package io.cassmail.queue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import io.cassmail.config.CassMailConfig;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;

/**
 * CassMail's queues on one RabbitMQ connection, built from the configuration: the one factory the server,
 * the admin CLI and the tests use. Connects lazily; a broker that is down fails the first call, not this constructor.
 */
public final class RabbitQueues implements AutoCloseable {
    private final QueueTopology topology;
    private final BrokerConnection broker;
    private final RabbitJobQueue jobs;
    private final RabbitJobQueue relayJobs;

    public RabbitQueues(CassMailConfig config, String connectionName) {
        this.topology = QueueTopology.from(config);
        this.broker = new BrokerConnection(config.amqp().uri(), connectionName, null);
        this.jobs = new RabbitJobQueue(broker, topology, config.amqp().confirmTimeout());
        this.relayJobs = new RabbitJobQueue(broker, topology.relayLane(), config.amqp().confirmTimeout());
    }

    public QueueTopology topology() {
        return topology;
    }

    /** The relay lane's jobs (remote recipients). */
    public JobQueue relayJobs() {
        return relayJobs;
    }

    public JobQueue jobs() {
        return jobs;
    }

    public ParkingLot parkingLot() {
        return new RabbitParkingLot(broker, topology);
    }

    /** Declares every exchange and queue (idempotent); the message names the broker when it cannot. */
    public void declare() {
        try (Channel channel = broker.newChannel()) {
            topology.declare(channel);
        } catch (IOException | TimeoutException | RuntimeException e) {
            throw new IllegalStateException("cannot declare queues on RabbitMQ at " + broker.displayUri() + ": "
                    + e.getMessage(), e);
        }
    }

    /** Ready messages and consumers of every CassMail queue, by passive declare (nothing is created). */
    public List<QueueDepth> depths() throws IOException {
        broker.get(); // a broker that is down fails here, in a sentence, not as "queue not declared"
        List<QueueDepth> result = new ArrayList<>();
        for (String name : topology.allQueues()) {
            Channel ch = broker.newChannel();
            try {
                AMQP.Queue.DeclareOk ok = ch.queueDeclarePassive(name);
                result.add(new QueueDepth(name, (long) ok.getMessageCount(), (long) ok.getConsumerCount()));
            } catch (IOException e) {
                result.add(new QueueDepth(name, null, null)); // NOT_FOUND: no process declared it yet
            } finally {
                closeQuietly(ch);
            }
        }
        return result;
    }

    private static void closeQuietly(Channel ch) {
        try {
            if (ch.isOpen()) {
                ch.close();
            }
        } catch (IOException | TimeoutException | RuntimeException e) {
            // the broker closed it already (a failed passive declare does)
        }
    }

    /** Deletes every queue and the parking exchange (for tests that made their own prefix). */
    public void deleteAll() throws IOException {
        try (Channel ch = broker.newChannel()) {
            for (String q : topology.allQueues()) {
                ch.queueDelete(q);
            }
            ch.exchangeDelete(topology.parkingExchange());
        } catch (TimeoutException e) {
            throw new IOException("RabbitMQ did not answer in time", e);
        }
    }

    @Override
    public void close() {
        broker.close();
    }
}
